// The node's configuration: a text-format council.v1.NodeConfig file, with
// command-line flags taking precedence.
#ifndef COUNCIL_NODE_APP_CONFIG_H_
#define COUNCIL_NODE_APP_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "council/v1/config.pb.h"

namespace council::app {

inline constexpr char kDefaultAdminListen[] = "127.0.0.1:7101";

// Parses a text-format NodeConfig. INVALID_ARGUMENT names the file and the
// line of a syntax error; NOT_FOUND if the file cannot be read.
absl::StatusOr<v1::NodeConfig> LoadConfigFile(const std::string& path);

// Copies every non-empty field of `overrides` into `base`.
void MergeConfig(const v1::NodeConfig& overrides, v1::NodeConfig* base);

// Checks field syntax: data_dir set, unit a valid unit id (if set), addresses
// HOST:PORT, and ValidateLinkSecurity. Identity fields may be empty: a later
// start takes them from the data directory.
absl::Status ValidateConfig(const v1::NodeConfig& config);

// Every node states how its node-to-node links are secured: all three of
// tls_ca, tls_cert and tls_key (mutual TLS), or `insecure` (plaintext), not
// both. INVALID_ARGUMENT otherwise, e.g. "node links need
// --tls-ca/--tls-cert/--tls-key, or --insecure for plaintext".
absl::Status ValidateLinkSecurity(const v1::NodeConfig& config);

// INVALID_ARGUMENT unless `addr` is HOST:PORT with a port in [0, 65535].
absl::Status ValidateAddress(const std::string& flag, const std::string& addr);

}  // namespace council::app

#endif  // COUNCIL_NODE_APP_CONFIG_H_
