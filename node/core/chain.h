// The hash chain over an origin's log: amortised signature checks and fork
// detection (DESIGN.md property 6).
//
// Every version an origin creates carries `chain_prev`, the VersionDigest of
// the origin's version seq-1 (empty for seq 1), and the origin's signature
// covers it. So a version whose signature verifies also vouches for every
// earlier version of its origin, link by link, and every version still
// carries its own signature and can be checked alone (a commune receives
// only some of the province's versions; those it checks one by one).
//
// Amortisation. Ancestors receive an origin's log in order and without gaps,
// so a batch from a link holds runs of consecutive versions of each origin.
// ProveByChain verifies one signature per run (its last version) and one
// digest per version; every other version of the run is proven by the
// chain. A run whose last signature fails proves nothing, and its versions
// are checked one by one, so one bad version costs only itself.
//
// Forks. The node keeps, per origin, the head of what it holds (highest
// sequence and its digest). CheckFork refuses a version that claims to
// follow the head but names another predecessor, or that reuses a sequence
// already held with another signature: the origin's log was rewound (a disk
// restored from an old backup and written to) or forged with the origin's
// key. Such versions are never applied.
#ifndef COUNCIL_NODE_CORE_CHAIN_H_
#define COUNCIL_NODE_CORE_CHAIN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "council/v1/record.pb.h"
#include "node/core/signing.h"
#include "node/core/unit_tree.h"

namespace council::core {

// What a node holds of one origin's log: its highest sequence and the digest
// of that version ("" if unknown: none held, or stored before chaining).
struct OriginHead {
  uint64_t seq = 0;
  std::string digest;
};

inline constexpr size_t kDigestSize = 32;

// A version as stored and chained: its CanonicalBytes (signature included)
// and their SHA-256. A node encodes each version it applies once — or not
// at all when the chain proves the bytes it received to be its origin's.
struct EncodedVersion {
  std::string bytes;
  std::string digest;
  // `bytes` are the encoding the version arrived in, not made here: they
  // may be stored only once ProveByChain has proven them (see there).
  bool as_received = false;
};
EncodedVersion EncodeVersion(const v1::Record& rec);
// EncodeVersion of each of `versions`, in order.
std::vector<EncodedVersion> EncodeVersions(const std::vector<v1::Record>& versions);

// For a batch received from a link, `batch[i]` parsed from `wire[i]`
// (consumed). A version to which the next version of its origin in the
// batch chains — that one's chain_prev is the SHA-256 of these very bytes —
// keeps them (as_received): if ProveByChain then proves the run, they are
// the bytes the origin hashed, its canonical bytes, and encoding the
// version again would only reproduce them. Every other version (a run's
// last, whose signature is checked over its encoding anyway) is encoded.
std::vector<EncodedVersion> EncodeReceived(const std::vector<v1::Record>& batch,
                                           std::vector<std::string> wire);

// SHA-256 of CanonicalBytes(rec), signature included.
std::string VersionDigest(const v1::Record& rec);

// For each version of `batch`, true iff its authenticity is proven by the
// chain: a later version of the same origin in `batch`, linked to it through
// consecutive sequences and matching `chain_prev` digests, carries a
// signature that verifies with the origin's key as `tree` knows it. The last
// version of each such run is proven by that signature. Own unit records
// (which may bind a new key) are never proven here and end a run.
// `encoded[i]` is EncodeVersion(batch[i]) or EncodeReceived's; the overload
// without computes it. A version kept as received that the chain does not
// prove (its run's signature fails, or no verifier: null proves nothing) is
// encoded before this returns: what a node stores is either proven to be
// its origin's own bytes or encoded by the node itself.
std::vector<bool> ProveByChain(const std::vector<v1::Record>& batch,
                               std::vector<EncodedVersion>& encoded, const UnitTree& tree,
                               const KeyVerifier* verifier);
std::vector<bool> ProveByChain(const std::vector<v1::Record>& batch, const UnitTree& tree,
                               const KeyVerifier& verifier);

// ProveByChain one version at a time, as a batch is applied: a run's
// signature is checked when its first version is asked about, against the
// tree as it is then. So a run that follows its origin's own unit record in
// the same batch (a child's first sync, a relay of a new commune) is checked
// with the key that record binds once it is staged, where checking it
// before the batch would find no key, prove nothing, and leave every
// version of the run to its own signature check.
class ChainProof {
 public:
  // `batch`, `encoded` (as for ProveByChain) and `verifier` (null proves
  // nothing) must outlive this.
  ChainProof(const std::vector<v1::Record>& batch, std::vector<EncodedVersion>& encoded,
             const KeyVerifier* verifier);
  // Whether batch[i] is proven; `tree` is the node's as batch[i] is
  // applied. Afterwards encoded[i] is what may be stored (as ProveByChain).
  bool Proven(size_t i, const UnitTree& tree);

 private:
  const std::vector<v1::Record>& batch_;
  std::vector<EncodedVersion>& encoded_;
  const KeyVerifier* verifier_;
  std::vector<std::optional<size_t>> next_;  // the version that chains to each
  std::vector<size_t> run_end_;              // the last version of each one's run
  std::vector<std::optional<bool>> verdict_;  // by run end, once checked
};

// Prefix of CheckFork's reasons; a link counts them as "fork".
inline constexpr absl::string_view kFork = "fork: ";

// OK unless `rec` contradicts what is held of its origin: `head` is the
// node's head for rec.origin(), `held` the version of the same record and
// version already held, if any. PERMISSION_DENIED starting with kFork
// otherwise.
absl::Status CheckFork(const v1::Record& rec, const OriginHead& head, const v1::Record* held);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_CHAIN_H_
