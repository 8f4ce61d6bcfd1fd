// Record signatures (DESIGN.md property 6: a relay cannot forge or alter
// what it forwards).
//
// Every record version is signed by its origin node over SigningBytes(rec)
// (core/serialize.h: the canonical bytes with `signature` cleared). Every node
// checks the signature before it applies a version from a link or an import,
// whoever relayed it; a version that does not verify is rejected and never
// applied, stored or forwarded.
//
// Where keys come from. A unit's key is the `public_key` of the unit's own
// unit record (origin == unit id), as the unit tree holds it
// (UnitTree::KeyOf). The first own unit record of an origin bootstraps its
// key: it is checked with the key it carries, after KeyVerifier::CheckBinding
// — which, when a province CA is configured, requires a certificate from that
// CA naming the unit and the key; without a CA it is trust on first use. Up
// and down routing deliver an origin's unit record before its other records
// (it is seq 1, and backfill sends unit records first), so a node knows the
// key by the time it needs it. A later own unit record that carries another
// key is refused unless a CA is configured and certifies the new key; a
// registration of a unit by another unit cannot set or replace its key.
//
// The core only decides; the crypto lives behind Signer and KeyVerifier
// (node/crypto/ implements them with OpenSSL, the simulation with fakes).
//
// Amortising verification: core/chain.h (one signature check per run of an
// origin's consecutive versions in a batch; forks of an origin's log).
#ifndef COUNCIL_NODE_CORE_SIGNING_H_
#define COUNCIL_NODE_CORE_SIGNING_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "council/v1/record.pb.h"
#include "node/core/unit_tree.h"

namespace council::core {

// Signs with this node's private key. Thread-safe implementations required:
// the store calls Sign from whichever thread leads a commit.
class Signer {
 public:
  virtual ~Signer() = default;
  // The signature of `bytes` (64 bytes for Ed25519).
  virtual std::string Sign(absl::string_view bytes) const = 0;
  // The raw public key that verifies Sign's signatures (32 bytes for Ed25519).
  virtual std::string public_key() const = 0;
};

// Checks signatures and key bindings. Thread-safe implementations required.
class KeyVerifier {
 public:
  virtual ~KeyVerifier() = default;
  // True iff `signature` is a valid signature of `bytes` under `public_key`.
  // False for a malformed key or signature.
  virtual bool Verify(absl::string_view public_key, absl::string_view bytes,
                      absl::string_view signature) const = 0;
  // OK if `unit.key_certificate` chains to the configured CA, names `unit.id`
  // and certifies `unit.public_key`. OK, without looking, when no CA is
  // configured (trust on first use). Otherwise an error saying why.
  virtual absl::Status CheckBinding(const v1::Unit& unit) const = 0;
  // True iff CheckBinding checks certificates against a CA (false: trust on
  // first use). Only a certified binding may change a unit's key.
  virtual bool VerifiesBindings() const = 0;
};

// Prefixes of the reasons CheckOrigin gives; a link counts both as
// "bad_signature" refusals (see RefusalReason).
inline constexpr absl::string_view kBadSignature = "bad signature: ";
inline constexpr absl::string_view kUnknownKey = "unknown key: ";

// OK iff `rec` is signed by its origin's key as `tree` knows it, or, for the
// origin's own unit record, by the key it carries after `verifier` accepts
// its binding (and, if the tree already holds another key for the origin,
// only with a CA that certifies the new one). Otherwise PERMISSION_DENIED
// whose message starts with kBadSignature or kUnknownKey.
absl::Status CheckOrigin(const v1::Record& rec, const UnitTree& tree, const KeyVerifier& verifier);

// `rec` with its signature set by `signer`.
void SignRecord(v1::Record& rec, const Signer& signer);

// The refusal counter a rejection reason (an ApplyVersion `why`) belongs to:
// "bad_signature" for CheckOrigin's reasons, "fork" for CheckFork's
// (core/chain.h), "unauthorized" for the rest.
std::string RefusalReason(absl::string_view why);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_SIGNING_H_
