#include "node/app/node_keys.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "node/core/status_macros.h"
#include "node/crypto/ed25519.h"
#include "node/crypto/key_verifier.h"

namespace council::app {

absl::StatusOr<NodeKeys> LoadNodeKeys(const v1::NodeConfig& config) {
  NodeKeys keys;
  if (config.signing_key().empty()) {
    std::string path = (std::filesystem::path(config.data_dir()) / kSigningKeyFileName).string();
    ASSIGN_OR_RETURN(keys.signer, crypto::Ed25519Signer::LoadOrCreate(path));
  } else {
    ASSIGN_OR_RETURN(keys.signer, crypto::Ed25519Signer::Load(config.signing_key()));
  }
  if (!config.signing_cert().empty()) {
    ASSIGN_OR_RETURN(keys.certificate, crypto::ReadCertificateDer(config.signing_cert()));
  }
  ASSIGN_OR_RETURN(keys.verifier, crypto::Ed25519Verifier::Create(config.signing_ca()));
  return keys;
}

absl::Status CheckOwnBinding(const NodeKeys& keys, const std::string& unit) {
  v1::Unit self;
  self.set_id(unit);
  self.set_public_key(keys.signer->public_key());
  self.set_key_certificate(keys.certificate);
  if (!keys.certificate.empty()) {
    absl::Status names = crypto::CheckCertificateNames(keys.certificate, unit, self.public_key());
    if (!names.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--signing-cert: ", names.message()));
    }
  }
  if (absl::Status bound = keys.verifier->CheckBinding(self); !bound.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("this node's signing key is not certified by --signing-ca (", bound.message(),
                     "); nodes with that CA would refuse its records: give --signing-cert"));
  }
  return absl::OkStatus();
}

}  // namespace council::app
