#include "node/transport/server.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "node/transport/channel_args.h"

namespace council::transport {
namespace {
constexpr int kMaxIdleThreads = 64;
}  // namespace

absl::StatusOr<RunningServer> StartServer(const std::string& address,
                                          const std::vector<grpc::Service*>& services,
                                          std::shared_ptr<grpc::ServerCredentials> credentials) {
  static const bool kPluginsInstalled = [] {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    return true;
  }();
  (void)kPluginsInstalled;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(
      address, credentials != nullptr ? credentials : grpc::InsecureServerCredentials(), &port);
  ConfigureLinkServer(builder);
  // Handlers block (a Put waits for its group commit, a link for its peer).
  // gRPC ends a thread that finishes a call while more than MAX_POLLERS
  // others poll, and starts one when a call arrives with none polling: with
  // its default of 2, every call of a busy node paid a thread start and exit;
  // with 16, 64 Puts in flight still started ~1,100 threads a second.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, kMaxIdleThreads);
  // Without this, a second node could bind the same port and share its traffic.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  for (grpc::Service* s : services) builder.RegisterService(s);
  RunningServer running;
  running.server = builder.BuildAndStart();
  if (running.server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address,
                                               " (address in use or not local?)"));
  }
  running.address = absl::StrCat(address.substr(0, address.rfind(':')), ":", port);
  return running;
}

}  // namespace council::transport
