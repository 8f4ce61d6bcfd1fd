// councild: one council node. See README.md for the flags and the model.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "grpc/support/log.h"
#include "node/app/config.h"
#include "node/app/log.h"
#include "node/app/node_service.h"
#include "node/core/levels.h"
#include "node/core/status_macros.h"
#include "node/transport/admin_service.h"
#include "node/transport/parent_link.h"
#include "node/transport/server.h"
#include "node/transport/sync_service.h"

ABSL_FLAG(std::string, config, "", "text-format council.v1.NodeConfig file; flags override it");
ABSL_FLAG(std::string, data_dir, "", "directory of the node's RocksDB store and identity");
ABSL_FLAG(std::string, unit, "", "this council's unit id (administrative code), e.g. 21550");
ABSL_FLAG(std::string, level, "", "province, district or commune");
ABSL_FLAG(std::string, name, "", "the council's name, e.g. \"HĐND xã Phổ Vinh\"");
ABSL_FLAG(std::string, parent_unit, "", "the parent council's unit id (empty at the root)");
ABSL_FLAG(std::string, listen, "", "node-to-node HOST:PORT for children to dial");
ABSL_FLAG(std::string, admin_listen, "", "admin API HOST:PORT (default 127.0.0.1:7101)");
ABSL_FLAG(std::string, parent, "", "the parent node's HOST:PORT to dial");

namespace council {
namespace {

absl::StatusOr<v1::NodeConfig> ConfigFromFlags() {
  v1::NodeConfig config;
  config.set_admin_listen(app::kDefaultAdminListen);
  if (std::string path = absl::GetFlag(FLAGS_config); !path.empty()) {
    ASSIGN_OR_RETURN(v1::NodeConfig file, app::LoadConfigFile(path));
    app::MergeConfig(file, &config);
  }
  v1::NodeConfig flags;
  flags.set_data_dir(absl::GetFlag(FLAGS_data_dir));
  flags.set_unit(absl::GetFlag(FLAGS_unit));
  flags.set_name(absl::GetFlag(FLAGS_name));
  flags.set_parent_unit(absl::GetFlag(FLAGS_parent_unit));
  flags.set_listen(absl::GetFlag(FLAGS_listen));
  flags.set_admin_listen(absl::GetFlag(FLAGS_admin_listen));
  flags.set_parent(absl::GetFlag(FLAGS_parent));
  if (std::string level = absl::GetFlag(FLAGS_level); !level.empty()) {
    ASSIGN_OR_RETURN(v1::Level l, core::ParseLevel(level));
    flags.set_level(l);
  }
  app::MergeConfig(flags, &config);
  RETURN_IF_ERROR(app::ValidateConfig(config));
  return config;
}

// Publishes the bound admin address for scripts and tests (atomic rename).
absl::Status WriteAddressFile(const std::string& data_dir, const std::string& name,
                              const std::string& address) {
  std::filesystem::path path = std::filesystem::path(data_dir) / name;
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << address << "\n";
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", tmp.string()));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot write ", path.string(), ": ", ec.message()));
  return absl::OkStatus();
}

absl::Status Run() {
  // Signals are taken synchronously by this thread; every thread started
  // later inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ASSIGN_OR_RETURN(v1::NodeConfig config, ConfigFromFlags());
  ASSIGN_OR_RETURN(std::unique_ptr<app::NodeService> node,
                   app::NodeService::Open(config, app::SystemClockMillis));
  app::SetLogUnit(node->identity().unit());

  if (!config.parent().empty() && node->identity().parent_unit().empty()) {
    return absl::InvalidArgumentError("--parent needs --parent-unit: the unit id of the parent council");
  }

  transport::AdminService admin(node.get());
  ASSIGN_OR_RETURN(transport::RunningServer server,
                   transport::StartServer(config.admin_listen(), {&admin}));
  transport::SyncService sync(node.get());
  transport::RunningServer link_server;
  if (!config.listen().empty()) {
    ASSIGN_OR_RETURN(link_server, transport::StartServer(config.listen(), {&sync}));
    RETURN_IF_ERROR(WriteAddressFile(config.data_dir(), "listen.addr", link_server.address));
  }
  std::unique_ptr<transport::ParentLink> parent_link;
  if (!config.parent().empty()) {
    parent_link = std::make_unique<transport::ParentLink>(node.get(), config.parent());
    parent_link->Start();
  }
  node->SetBoundAddresses(server.address, link_server.address);
  RETURN_IF_ERROR(WriteAddressFile(config.data_dir(), "admin.addr", server.address));
  app::Log("info", "serving",
           {{"level", core::LevelName(node->identity().level())},
            {"name", node->identity().name()},
            {"admin", server.address},
            {"listen", link_server.address},
            {"parent", config.parent()},
            {"data_dir", config.data_dir()}});

  int sig = 0;
  sigwait(&signals, &sig);
  app::Log("info", "stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  if (parent_link) parent_link->Stop();
  sync.StopAll();
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(5);
  if (link_server.server) link_server.server->Shutdown(deadline);
  server.server->Shutdown(deadline);
  return absl::OkStatus();
}

}  // namespace
}  // namespace council

// gRPC's own log lines are dropped unless asked for with gRPC's standard
// GRPC_VERBOSITY variable: the node logs what matters in its own format.
void DropGrpcLog(gpr_log_func_args*) {}

int main(int argc, char** argv) {
  if (std::getenv("GRPC_VERBOSITY") == nullptr) gpr_set_log_function(DropGrpcLog);
  absl::SetProgramUsageMessage(
      "one council node: stores records durably and serves the admin API.\n"
      "  councild --data-dir DIR --unit ID --level province|district|commune --name NAME\n"
      "           [--parent-unit ID] [--listen HOST:PORT] [--admin-listen HOST:PORT]\n"
      "           [--parent HOST:PORT] [--config FILE]");
  // Flags are documented as --data-dir; Abseil names them data_dir.
  std::vector<std::string> args(argv, argv + argc);
  for (std::string& a : args) {
    if (a.rfind("--", 0) != 0) continue;
    for (size_t i = 2; i < a.size() && a[i] != '='; ++i) {
      if (a[i] == '-') a[i] = '_';
    }
  }
  std::vector<char*> argp;
  for (std::string& a : args) argp.push_back(a.data());
  std::vector<char*> rest = absl::ParseCommandLine(argc, argp.data());
  if (rest.size() > 1) {
    std::fprintf(stderr, "councild: unexpected argument '%s'\n", rest[1]);
    return 2;
  }
  absl::Status s = council::Run();
  if (!s.ok()) {
    std::fprintf(stderr, "councild: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
