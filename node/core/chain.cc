#include "node/core/chain.h"

#include <map>

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "node/core/serialize.h"

namespace council::core {

EncodedVersion EncodeVersion(const v1::Record& rec) {
  EncodedVersion e{CanonicalBytes(rec), std::string(kDigestSize, '\0')};
  SHA256(reinterpret_cast<const unsigned char*>(e.bytes.data()), e.bytes.size(),
         reinterpret_cast<unsigned char*>(e.digest.data()));
  return e;
}

std::vector<EncodedVersion> EncodeVersions(const std::vector<v1::Record>& versions) {
  std::vector<EncodedVersion> encoded;
  encoded.reserve(versions.size());
  for (const v1::Record& rec : versions) encoded.push_back(EncodeVersion(rec));
  return encoded;
}

std::string VersionDigest(const v1::Record& rec) { return EncodeVersion(rec).digest; }

std::vector<bool> ProveByChain(const std::vector<v1::Record>& batch, const UnitTree& tree,
                               const KeyVerifier& verifier) {
  return ProveByChain(batch, EncodeVersions(batch), tree, verifier);
}

std::vector<bool> ProveByChain(const std::vector<v1::Record>& batch,
                               const std::vector<EncodedVersion>& encoded, const UnitTree& tree,
                               const KeyVerifier& verifier) {
  const size_t n = batch.size();
  std::vector<bool> proven(n, false);
  std::vector<std::optional<size_t>> next(n);  // the version that vouches for this one
  std::map<std::string, size_t> last;           // origin -> latest index seen
  for (size_t i = 0; i < n; ++i) {
    const v1::Record& rec = batch[i];
    bool own_unit = rec.has_unit() && rec.unit().id() == rec.origin();
    auto it = last.find(rec.origin());
    if (!own_unit && it != last.end()) {
      const v1::Record& prev = batch[it->second];
      bool prev_own_unit = prev.has_unit() && prev.unit().id() == prev.origin();
      if (!prev_own_unit && rec.seq() == prev.seq() + 1 && rec.chain_prev().size() == kDigestSize &&
          rec.chain_prev() == encoded[it->second].digest) {
        next[it->second] = i;
      }
    }
    last[rec.origin()] = i;
  }
  // Walk back from each run's last version; a run is proven or not as a whole.
  for (size_t k = n; k-- > 0;) {
    const v1::Record& rec = batch[k];
    if (rec.has_unit() && rec.unit().id() == rec.origin()) continue;
    if (next[k]) {
      proven[k] = proven[*next[k]];
      continue;
    }
    std::string key = tree.KeyOf(rec.origin());
    proven[k] = !key.empty() && !rec.signature().empty() &&
                verifier.Verify(key, SigningBytes(rec), rec.signature());
  }
  return proven;
}

absl::Status CheckFork(const v1::Record& rec, const OriginHead& head, const v1::Record* held) {
  if (held != nullptr && held->seq() == rec.seq() && !held->signature().empty() &&
      !rec.signature().empty() && held->signature() != rec.signature()) {
    return absl::PermissionDeniedError(absl::StrCat(
        kFork, "record ", rec.id(), " v", rec.version(), " (sequence ", rec.seq(), " of ",
        rec.origin(), ") differs from the version already held under that sequence: the origin's "
        "log was rewound or forked"));
  }
  if (rec.seq() == head.seq + 1 && !head.digest.empty() && !rec.chain_prev().empty() &&
      rec.chain_prev() != head.digest) {
    return absl::PermissionDeniedError(absl::StrCat(
        kFork, "record ", rec.id(), " v", rec.version(), " follows another version ", head.seq,
        " of ", rec.origin(), " than the one held (", absl::BytesToHexString(head.digest.substr(0, 8)),
        "...): the origin's log was rewound or forked"));
  }
  return absl::OkStatus();
}

}  // namespace council::core
