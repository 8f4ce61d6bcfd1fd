#include "node/core/chain.h"

#include <map>

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "node/core/serialize.h"

namespace council::core {

namespace {

std::string Sha256(const std::string& bytes) {
  std::string digest(kDigestSize, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

bool IsOwnUnit(const v1::Record& rec) { return rec.has_unit() && rec.unit().id() == rec.origin(); }

// For each version of `batch`, the version that vouches for it: the next of
// the same origin in the batch, one sequence on, whose chain_prev is
// encoded[i].digest. Own unit records neither vouch nor are vouched for.
std::vector<std::optional<size_t>> ChainLinks(const std::vector<v1::Record>& batch,
                                              const std::vector<EncodedVersion>& encoded) {
  std::vector<std::optional<size_t>> next(batch.size());
  std::map<std::string, size_t> last;  // origin -> latest index seen
  for (size_t i = 0; i < batch.size(); ++i) {
    const v1::Record& rec = batch[i];
    auto it = last.find(rec.origin());
    if (!IsOwnUnit(rec) && it != last.end()) {
      const v1::Record& prev = batch[it->second];
      if (!IsOwnUnit(prev) && rec.seq() == prev.seq() + 1 &&
          rec.chain_prev().size() == kDigestSize && rec.chain_prev() == encoded[it->second].digest) {
        next[it->second] = i;
      }
    }
    last[rec.origin()] = i;
  }
  return next;
}

}  // namespace

EncodedVersion EncodeVersion(const v1::Record& rec) {
  EncodedVersion e{CanonicalBytes(rec), ""};
  e.digest = Sha256(e.bytes);
  return e;
}

std::vector<EncodedVersion> EncodeVersions(const std::vector<v1::Record>& versions) {
  std::vector<EncodedVersion> encoded;
  encoded.reserve(versions.size());
  for (const v1::Record& rec : versions) encoded.push_back(EncodeVersion(rec));
  return encoded;
}

std::vector<EncodedVersion> EncodeReceived(const std::vector<v1::Record>& batch,
                                           std::vector<std::string> wire) {
  std::vector<EncodedVersion> encoded(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    encoded[i] = {std::move(wire[i]), "", true};
    encoded[i].digest = Sha256(encoded[i].bytes);
  }
  const std::vector<std::optional<size_t>> next = ChainLinks(batch, encoded);
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!next[i]) encoded[i] = EncodeVersion(batch[i]);
  }
  return encoded;
}

std::string VersionDigest(const v1::Record& rec) { return EncodeVersion(rec).digest; }

std::vector<bool> ProveByChain(const std::vector<v1::Record>& batch, const UnitTree& tree,
                               const KeyVerifier& verifier) {
  std::vector<EncodedVersion> encoded = EncodeVersions(batch);
  return ProveByChain(batch, encoded, tree, &verifier);
}

ChainProof::ChainProof(const std::vector<v1::Record>& batch, std::vector<EncodedVersion>& encoded,
                       const KeyVerifier* verifier)
    : batch_(batch), encoded_(encoded), verifier_(verifier), next_(ChainLinks(batch, encoded)),
      run_end_(batch.size()), verdict_(batch.size()) {
  for (size_t k = batch.size(); k-- > 0;) run_end_[k] = next_[k] ? run_end_[*next_[k]] : k;
}

bool ChainProof::Proven(size_t i, const UnitTree& tree) {
  bool proven = false;
  const v1::Record& rec = batch_[i];
  if (verifier_ != nullptr && !IsOwnUnit(rec)) {
    std::optional<bool>& verdict = verdict_[run_end_[i]];
    if (!verdict) {
      const v1::Record& last = batch_[run_end_[i]];
      std::string key = tree.KeyOf(last.origin());
      verdict = !key.empty() && !last.signature().empty() &&
                verifier_->Verify(key, SigningBytes(last), last.signature());
    }
    proven = *verdict;
  }
  // Received bytes vouched for by nothing but a chain that failed: they
  // may not be the origin's encoding (a relay could re-encode a version and
  // forge its successor to match), and a version stored in them would make
  // the origin's next genuine version look like a fork.
  if (encoded_[i].as_received && !(proven && next_[i])) encoded_[i] = EncodeVersion(rec);
  return proven;
}

std::vector<bool> ProveByChain(const std::vector<v1::Record>& batch,
                               std::vector<EncodedVersion>& encoded, const UnitTree& tree,
                               const KeyVerifier* verifier) {
  ChainProof proof(batch, encoded, verifier);
  std::vector<bool> proven(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) proven[i] = proof.Proven(i, tree);
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
