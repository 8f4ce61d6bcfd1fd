#include "node/core/signing.h"

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "node/core/chain.h"
#include "node/core/serialize.h"

namespace council::core {
namespace {

absl::Status Refused(absl::string_view prefix, absl::string_view detail) {
  return absl::PermissionDeniedError(absl::StrCat(prefix, detail));
}

// The key `rec` must verify with, or why there is none.
absl::StatusOr<std::string> KeyFor(const v1::Record& rec, const UnitTree& tree,
                                   const KeyVerifier& verifier) {
  std::string known = tree.KeyOf(rec.origin());
  bool own_unit = rec.has_unit() && rec.unit().id() == rec.origin();
  if (!own_unit) {
    if (known.empty()) {
      return Refused(kUnknownKey,
                     absl::StrCat("record ", rec.id(), ": no signing key is known for unit ",
                                  rec.origin(), " (its own unit record has not arrived)"));
    }
    return known;
  }
  const v1::Unit& unit = rec.unit();
  if (unit.public_key().empty()) {
    return Refused(kUnknownKey, absl::StrCat("unit record ", rec.id(), " of ", unit.id(),
                                             " carries no signing key"));
  }
  if (absl::Status bound = verifier.CheckBinding(unit); !bound.ok()) {
    return Refused(kUnknownKey, absl::StrCat("unit record ", rec.id(), ": the key of unit ",
                                             unit.id(), " is not bound to it: ", bound.message()));
  }
  if (!known.empty() && known != unit.public_key() && !verifier.VerifiesBindings()) {
    return Refused(kUnknownKey, absl::StrCat("unit record ", rec.id(), " v", rec.version(),
                                             " changes the signing key of unit ", unit.id(),
                                             " without a certificate from a configured CA"));
  }
  return unit.public_key();
}

}  // namespace

absl::Status CheckOrigin(const v1::Record& rec, const UnitTree& tree, const KeyVerifier& verifier) {
  absl::StatusOr<std::string> key = KeyFor(rec, tree, verifier);
  if (!key.ok()) return key.status();
  if (rec.signature().empty()) {
    return Refused(kBadSignature,
                   absl::StrCat("record ", rec.id(), " v", rec.version(), " is not signed"));
  }
  if (!verifier.Verify(*key, SigningBytes(rec), rec.signature())) {
    return Refused(kBadSignature, absl::StrCat("record ", rec.id(), " v", rec.version(),
                                               " does not verify with the key of unit ",
                                               rec.origin(), ": altered or forged"));
  }
  return absl::OkStatus();
}

void SignRecord(v1::Record& rec, const Signer& signer) {
  rec.clear_signature();
  rec.set_signature(signer.Sign(CanonicalBytes(rec)));
}

std::string RefusalReason(absl::string_view why) {
  if (absl::StartsWith(why, kFork)) return "fork";
  if (absl::StartsWith(why, kBadSignature) || absl::StartsWith(why, kUnknownKey)) {
    return "bad_signature";
  }
  return "unauthorized";
}

}  // namespace council::core
