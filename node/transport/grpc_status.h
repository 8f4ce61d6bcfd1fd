// The one place absl::Status becomes grpc::Status (same codes, same message).
#ifndef COUNCIL_NODE_TRANSPORT_GRPC_STATUS_H_
#define COUNCIL_NODE_TRANSPORT_GRPC_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace council::transport {

inline grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

}  // namespace council::transport

#endif  // COUNCIL_NODE_TRANSPORT_GRPC_STATUS_H_
