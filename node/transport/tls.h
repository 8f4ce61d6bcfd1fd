// Mutual TLS for node-to-node links: the node's PEM files, the gRPC
// credentials of both ends, and the unit a peer's certificate names.
//
// Every node certificate is signed by the province CA (deploy/pki.sh) and
// names its council: CN=<unit> and subjectAltName URI:council:unit:<unit>.
// A link is bound to a unit: the parent accepts a child only if the child's
// certificate names exactly the unit of its Hello, and the child accepts a
// parent only if the parent's certificate names its configured parent unit.
#ifndef COUNCIL_NODE_TRANSPORT_TLS_H_
#define COUNCIL_NODE_TRANSPORT_TLS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/security/auth_context.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace council::transport {

// "council:unit:<unit>", the subjectAltName URI that names a council.
inline constexpr absl::string_view kUnitUriPrefix = "council:unit:";

// The node's TLS material, read once at startup.
struct TlsFiles {
  std::string ca_pem;    // one or more CA certificates
  std::string cert_pem;  // this node's certificate (and any chain)
  std::string key_pem;   // this node's private key
  std::string unit;      // the unit the node's certificate names
};

// Reads the three PEM files and checks them: each parses, the key belongs to
// the certificate, and the CA signed the certificate (and it is in its
// validity period). Errors name the flag and the file, e.g. "--tls-key
// /etc/council/node.key: cannot read: No such file or directory".
absl::StatusOr<TlsFiles> LoadTlsFiles(const std::string& ca_path, const std::string& cert_path,
                                      const std::string& key_path);

// The one unit a PEM certificate names: its subjectAltName URIs
// council:unit:<unit> together with its subject CN must name exactly one unit.
// INVALID_ARGUMENT (saying what it names) otherwise.
absl::StatusOr<std::string> UnitOfCertificate(absl::string_view pem);

// The unit the authenticated peer's certificate names, from the gRPC auth
// context of a TLS call. PERMISSION_DENIED if there is no peer certificate
// or it does not name exactly one unit.
absl::StatusOr<std::string> PeerUnit(const grpc::AuthContext& context);

// Credentials of the link server: TLS 1.2+ requiring and verifying a client
// certificate signed by the CA; plaintext if `tls` is null (--insecure).
std::shared_ptr<grpc::ServerCredentials> LinkServerCredentials(const TlsFiles* tls);
// Credentials of the child's dial: verifies the parent's certificate against
// the CA (and that it carries the dialled host) and presents the node's own;
// plaintext if `tls` is null.
std::shared_ptr<grpc::ChannelCredentials> LinkChannelCredentials(const TlsFiles* tls);

}  // namespace council::transport

#endif  // COUNCIL_NODE_TRANSPORT_TLS_H_
