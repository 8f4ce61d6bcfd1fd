// councild: one council node. See README.md for the flags and the model.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "grpc/support/log.h"
#include "node/app/admin_token.h"
#include "node/app/backup.h"
#include "node/app/command_line.h"
#include "node/app/config.h"
#include "node/app/log.h"
#include "node/app/node_service.h"
#include "node/core/levels.h"
#include "node/core/status_macros.h"
#include "node/transport/admin_service.h"
#include "node/transport/metrics_http.h"
#include "node/transport/parent_link.h"
#include "node/transport/server.h"
#include "node/transport/sync_service.h"
#include "node/transport/tls.h"

ABSL_FLAG(std::string, config, "", "text-format council.v1.NodeConfig file; flags override it");
ABSL_FLAG(std::string, data_dir, "", "directory of the node's RocksDB store and identity");
ABSL_FLAG(std::string, unit, "", "this council's unit id (administrative code), e.g. 21550");
ABSL_FLAG(std::string, level, "", "province, district or commune");
ABSL_FLAG(std::string, name, "", "the council's name, e.g. \"HĐND xã Phổ Vinh\"");
ABSL_FLAG(std::string, parent_unit, "", "the parent council's unit id (empty at the root)");
ABSL_FLAG(std::string, listen, "", "node-to-node HOST:PORT for children to dial");
ABSL_FLAG(std::string, admin_listen, "", "admin API HOST:PORT (default 127.0.0.1:7101)");
ABSL_FLAG(std::string, parent, "", "the parent node's HOST:PORT to dial");
ABSL_FLAG(std::string, metrics_listen, "", "serve Prometheus /metrics on IPv4 HOST:PORT (off by default)");
ABSL_FLAG(std::string, tls_ca, "", "PEM file: the province CA that signs node certificates");
ABSL_FLAG(std::string, tls_cert, "", "PEM file: this node's certificate (deploy/pki.sh issue)");
ABSL_FLAG(std::string, tls_key, "", "PEM file: this node's private key");
ABSL_FLAG(bool, insecure, false, "plaintext, unauthenticated node links (tests only)");
ABSL_FLAG(std::string, signing_key, "",
          "PEM file: this node's Ed25519 record-signing key (default <data-dir>/signing.key, "
          "created at first start)");
ABSL_FLAG(std::string, signing_cert, "",
          "PEM/DER file: the certificate of the signing key from the CA (CN = this unit)");
ABSL_FLAG(std::string, signing_ca, "",
          "PEM file: the CA that certifies units' signing keys (without it: trust on first use)");
ABSL_FLAG(bool, recover_from_parent, false,
          "on a new data directory: this unit's disk was lost; fetch its own records from the "
          "parent before taking local writes");
ABSL_FLAG(std::string, link_compression, "",
          "gzip: compress the link to the parent both ways (a slow link); none (default)");
ABSL_FLAG(std::string, from, "", "councild restore: the backup directory to restore");
ABSL_FLAG(std::string, admin_token_file, "",
          "admin credential file (default <data-dir>/admin.token, created at first start)");

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
  flags.set_metrics_listen(absl::GetFlag(FLAGS_metrics_listen));
  flags.set_tls_ca(absl::GetFlag(FLAGS_tls_ca));
  flags.set_tls_cert(absl::GetFlag(FLAGS_tls_cert));
  flags.set_tls_key(absl::GetFlag(FLAGS_tls_key));
  flags.set_insecure(absl::GetFlag(FLAGS_insecure));
  flags.set_link_compression(absl::GetFlag(FLAGS_link_compression));
  flags.set_admin_token_file(absl::GetFlag(FLAGS_admin_token_file));
  flags.set_signing_key(absl::GetFlag(FLAGS_signing_key));
  flags.set_signing_cert(absl::GetFlag(FLAGS_signing_cert));
  flags.set_signing_ca(absl::GetFlag(FLAGS_signing_ca));
  flags.set_recover_from_parent(absl::GetFlag(FLAGS_recover_from_parent));
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

// Logs how node links are secured; a node's own certificate that names
// another unit is worth a warning (its parent and children will refuse it).
void LogLinkSecurity(app::NodeService& node, const transport::TlsFiles* tls) {
  const std::string& unit = node.identity().unit();
  if (tls == nullptr) {
    app::Log("warn", "insecure",
             {{"detail", "INSECURE: --insecure given: node links are plaintext and "
                         "unauthenticated; anyone who can reach this node can read and "
                         "inject records. Use --tls-ca/--tls-cert/--tls-key in production."}});
    return;
  }
  if (tls->unit != unit) {
    app::Log("warn", "tls_cert_unit_mismatch",
             {{"cert_unit", tls->unit},
              {"detail", absl::StrCat("--tls-cert names unit ", tls->unit, ", but this node is unit ",
                                      unit, ": its links will be refused")}});
  }
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
  // TLS material is read once, before anything is created.
  std::optional<transport::TlsFiles> tls;
  if (!config.insecure()) {
    ASSIGN_OR_RETURN(tls, transport::LoadTlsFiles(config.tls_ca(), config.tls_cert(),
                                                  config.tls_key()));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<app::NodeService> node,
                   app::NodeService::Open(config, app::SystemClockMillis));
  app::SetLogUnit(node->identity().unit());
  ASSIGN_OR_RETURN(app::AdminToken admin_token,
                   app::LoadAdminToken(config.data_dir(), config.admin_token_file()));

  if (!config.parent().empty() && node->identity().parent_unit().empty()) {
    return absl::InvalidArgumentError("--parent needs --parent-unit: the unit id of the parent council");
  }

  const transport::TlsFiles* link_tls = tls ? &*tls : nullptr;
  transport::AdminService admin(node.get(), admin_token.token);
  ASSIGN_OR_RETURN(transport::RunningServer server,
                   transport::StartServer(config.admin_listen(), {&admin}));
  transport::SyncService sync(node.get(), /*bind_units=*/link_tls != nullptr);
  transport::RunningServer link_server;
  if (!config.listen().empty()) {
    ASSIGN_OR_RETURN(link_server,
                     transport::StartServer(config.listen(), {&sync},
                                            transport::LinkServerCredentials(link_tls)));
    RETURN_IF_ERROR(WriteAddressFile(config.data_dir(), "listen.addr", link_server.address));
  }
  // Once nothing more can refuse the start (a refused start prints one line).
  LogLinkSecurity(*node, link_tls);
  if (admin_token.created) app::Log("info", "admin_token_created", {{"file", admin_token.file}});
  if (!admin_token.warning.empty()) {
    app::Log("warn", "admin_token_file", {{"file", admin_token.file}, {"detail", admin_token.warning}});
  }
  std::unique_ptr<transport::ParentLink> parent_link;
  if (!config.parent().empty()) {
    parent_link = std::make_unique<transport::ParentLink>(
        node.get(), config.parent(), transport::LinkChannelCredentials(link_tls),
        /*bind_units=*/link_tls != nullptr, /*gzip=*/config.link_compression() == "gzip");
    parent_link->Start();
  }
  node->SetBoundAddresses(server.address, link_server.address);
  std::unique_ptr<transport::MetricsServer> metrics;
  if (!config.metrics_listen().empty()) {
    app::NodeService* n = node.get();
    ASSIGN_OR_RETURN(metrics, transport::MetricsServer::Start(config.metrics_listen(), [n] {
                       return n->metrics().Render(n->Status(), n->store().ApproximateBytes());
                     }));
    RETURN_IF_ERROR(WriteAddressFile(config.data_dir(), "metrics.addr", metrics->address()));
  }
  app::Log("info", "serving",
           {{"level", core::LevelName(node->identity().level())},
            {"name", node->identity().name()},
            {"admin", server.address},
            {"listen", link_server.address},
            {"parent", config.parent()},
            {"links", link_tls != nullptr ? "mtls" : "plaintext"},
            {"data_dir", config.data_dir()}});
  // Last: whoever waits for admin.addr (scripts, tests) finds the node
  // serving and its "serving" line already logged.
  RETURN_IF_ERROR(WriteAddressFile(config.data_dir(), "admin.addr", server.address));

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
  council::app::SetProcessDefaults();
  if (std::getenv("GRPC_VERBOSITY") == nullptr) gpr_set_log_function(DropGrpcLog);
  absl::SetProgramUsageMessage(
      "one council node: stores records durably and serves the admin API.\n"
      "  councild --data-dir DIR --unit ID --level province|district|commune --name NAME\n"
      "           [--parent-unit ID] [--listen HOST:PORT] [--admin-listen HOST:PORT]\n"
      "           [--parent HOST:PORT] [--config FILE]\n"
      "           (--tls-ca FILE --tls-cert FILE --tls-key FILE | --insecure)\n"
      "           [--admin-token-file FILE] [--recover-from-parent] [--metrics-listen HOST:PORT]\n"
      "           [--link-compression gzip|none]\n"
      "           [--signing-key FILE] [--signing-cert FILE] [--signing-ca FILE]\n"
      "  councild restore --from BACKUP_DIR --data-dir DIR\n"
      "           restore a backup (councilctl backup create) into a new data directory\n"
      "Flags may be written with dashes or, as listed below, underscores.");
  std::vector<std::string> args(argv, argv + argc);
  const bool restore = args.size() > 1 && args[1] == "restore";
  if (restore) args.erase(args.begin() + 1);
  std::vector<std::string> rest = council::app::ParseFlags(std::move(args), __FILE__);
  if (rest.size() > 1) {
    std::fprintf(stderr, "councild: unexpected argument '%s'\n", rest[1].c_str());
    return 2;
  }
  if (restore) {
    absl::StatusOr<std::string> done =
        council::app::RestoreNode(absl::GetFlag(FLAGS_from), absl::GetFlag(FLAGS_data_dir));
    if (!done.ok()) {
      std::fprintf(stderr, "councild restore: %s\n", std::string(done.status().message()).c_str());
      return done.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
    }
    std::printf("%s\n", done->c_str());
    return 0;
  }
  if (!absl::GetFlag(FLAGS_from).empty()) {
    std::fprintf(stderr, "councild: --from is for 'councild restore'\n");
    return 2;
  }
  absl::Status s = council::Run();
  if (!s.ok()) {
    std::fprintf(stderr, "councild: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
