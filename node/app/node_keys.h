// The node's record-signing material, from its configuration: the Ed25519
// key it signs its versions with, that key's certificate, and the verifier
// it checks everyone's versions with (node/core/signing.h).
#ifndef COUNCIL_NODE_APP_NODE_KEYS_H_
#define COUNCIL_NODE_APP_NODE_KEYS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "council/v1/config.pb.h"
#include "node/core/signing.h"

namespace council::app {

inline constexpr char kSigningKeyFileName[] = "signing.key";

struct NodeKeys {
  std::unique_ptr<core::Signer> signer;
  std::string certificate;  // DER; "" without signing_cert
  std::unique_ptr<core::KeyVerifier> verifier;
};

// Reads config.signing_key, or <data_dir>/signing.key, created (mode 0600)
// if absent; config.signing_cert if set; and a verifier with the CA of
// config.signing_ca (none: trust on first use). Errors name the file.
// REQUIRES: the data directory exists.
absl::StatusOr<NodeKeys> LoadNodeKeys(const v1::NodeConfig& config);

// Checks that `keys` can speak for `unit`: its certificate, if any, names
// the unit and certifies the signing key (INVALID_ARGUMENT), and chains to
// the verifier's CA if there is one; with a CA, a certificate is required
// (FAILED_PRECONDITION: every node with that CA would refuse this node's
// records).
absl::Status CheckOwnBinding(const NodeKeys& keys, const std::string& unit);

}  // namespace council::app

#endif  // COUNCIL_NODE_APP_NODE_KEYS_H_
