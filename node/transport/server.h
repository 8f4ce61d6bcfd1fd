// Builds and starts the node's gRPC servers.
#ifndef COUNCIL_NODE_TRANSPORT_SERVER_H_
#define COUNCIL_NODE_TRANSPORT_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"

namespace council::transport {

struct RunningServer {
  std::unique_ptr<grpc::Server> server;
  std::string address;  // HOST:PORT actually bound (the port resolved if 0 was asked)
};

// Starts a server on `address` (HOST:PORT, port 0 picks a free one) with the
// given services, gRPC health checking and server reflection, accepting
// connections with `credentials` (plaintext if null).
// `services` must outlive the server. UNAVAILABLE if the address cannot be bound.
absl::StatusOr<RunningServer> StartServer(
    const std::string& address, const std::vector<grpc::Service*>& services,
    std::shared_ptr<grpc::ServerCredentials> credentials = nullptr);

}  // namespace council::transport

#endif  // COUNCIL_NODE_TRANSPORT_SERVER_H_
