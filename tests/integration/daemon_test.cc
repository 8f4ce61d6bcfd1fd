// councild as a process: signals, restarts, identity, startup errors, the
// config file, and the gRPC health service.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "health.grpc.pb.h"
#include "node_test.h"

namespace council::itest {
namespace {

// Expects councild to have refused to start: exit 1 and one stderr line
// "councild: ..." containing every needle.
void ExpectStartupError(const RunResult& r, const std::vector<std::string>& needles) {
  EXPECT_FALSE(r.timed_out) << "councild kept running: " << Describe(r);
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  std::vector<std::string> lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << "expected one line on stderr: " << Describe(r);
  EXPECT_TRUE(absl::StartsWith(lines[0], "councild: ")) << lines[0];
  for (const std::string& needle : needles) {
    EXPECT_TRUE(absl::StrContains(lines[0], needle))
        << "'" << lines[0] << "' does not mention '" << needle << "'";
  }
}

RunResult RunCouncild(const std::vector<std::string>& argv) {
  return Run(argv, "", milliseconds(15000));
}

class DaemonTest : public ::testing::Test {
 protected:
  std::string NewDir(const std::string& name) {
    std::string dir = temp_.Sub(name);
    std::filesystem::create_directories(dir);
    return dir;
  }
  ScopedTempDir temp_{"council_daemon_"};
};

TEST_F(DaemonTest, SigtermExitsZero) {
  auto node = NodeProcess::Start(NewDir("d"));
  ASSERT_TRUE(node.ok()) << node.status();
  ASSERT_EQ((*node)->Ctl({"status"}).exit_code, 0);
  EXPECT_EQ((*node)->Stop(), 0) << (*node)->Stderr();
}

TEST_F(DaemonTest, SigintExitsZero) {
  auto node = NodeProcess::Start(NewDir("d"));
  ASSERT_TRUE(node.ok()) << node.status();
  kill((*node)->pid(), SIGINT);
  // Stop() would send SIGTERM; wait for the SIGINT exit instead, bounded.
  auto start = std::chrono::steady_clock::now();
  while ((*node)->Running() &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_FALSE((*node)->Running()) << "councild ignored SIGINT";
  EXPECT_EQ((*node)->Stop(), 0) << (*node)->Stderr();
}

TEST_F(DaemonTest, AdminAddressFileNamesTheBoundPort) {
  std::string dir = NewDir("d");
  auto node = NodeProcess::Start(dir);
  ASSERT_TRUE(node.ok()) << node.status();
  const std::string addr = (*node)->admin_addr();
  EXPECT_TRUE(absl::StartsWith(addr, "127.0.0.1:")) << addr;
  EXPECT_NE(addr, "127.0.0.1:0");
  EXPECT_EQ(ReadFile(dir + "/admin.addr").value(), addr + "\n");
  EXPECT_EQ((*node)->Stop(), 0);
}

TEST_F(DaemonTest, RestartKeepsRecordsAndContinuesTheSequence) {
  std::string dir = NewDir("d");
  auto node = NodeProcess::Start(dir);
  ASSERT_TRUE(node.ok()) << node.status();
  RunResult created = (*node)->Ctl({"report", "create", "--period", "2023-Q3", "--title",
                                    "Báo cáo quý III năm 2023"});
  ASSERT_EQ(created.exit_code, 0) << Describe(created);
  std::string id = TrimNewlines(created.out);
  std::string shown = (*node)->Ctl({"--json", "show", id}).out;
  std::string exported = (*node)->Ctl({"export"}).out;
  ASSERT_EQ((*node)->Stop(), 0);

  auto again = NodeProcess::Start(dir);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->Ctl({"--json", "show", id}).out, shown);
  EXPECT_EQ((*again)->Ctl({"export"}).out, exported) << "a restart changed the records";
  RunResult next = (*again)->Ctl({"report", "create", "--period", "2023-Q4", "--title",
                                  "Báo cáo quý IV năm 2023"});
  ASSERT_EQ(next.exit_code, 0) << Describe(next);
  EXPECT_EQ(SeqOf(TrimNewlines(next.out)), SeqOf(id) + 1);
  EXPECT_EQ((*again)->Stop(), 0);
}

TEST_F(DaemonTest, RestartWithAnotherUnitIsRefused) {
  std::string dir = NewDir("d");
  {
    auto node = NodeProcess::Start(dir);
    ASSERT_TRUE(node.ok()) << node.status();
    ASSERT_EQ((*node)->Stop(), 0);
  }
  // A stale address file from the earlier run must not survive a failed start.
  ASSERT_TRUE(WriteFile(dir + "/admin.addr", "127.0.0.1:1\n"));
  NodeOptions other;
  other.unit = "523";
  other.name = "HĐND huyện Mộ Đức";
  ExpectStartupError(RunCouncild(CouncildArgs(dir, other)), {"522", "523"});
  EXPECT_FALSE(std::filesystem::exists(dir + "/admin.addr"))
      << "a stale admin.addr was left for scripts to find";

  // The directory still belongs to 522 and works.
  auto node = NodeProcess::Start(dir);
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_EQ((*node)->Stop(), 0);
}

TEST_F(DaemonTest, RestartWithAnotherLevelIsRefused) {
  std::string dir = NewDir("d");
  {
    auto node = NodeProcess::Start(dir);
    ASSERT_TRUE(node.ok()) << node.status();
    ASSERT_EQ((*node)->Stop(), 0);
  }
  NodeOptions other;
  other.level = "commune";
  ExpectStartupError(RunCouncild(CouncildArgs(dir, other)), {"district", "commune"});
}

TEST_F(DaemonTest, StartupErrors) {
  // No unit on a fresh directory.
  std::string fresh = temp_.Sub("fresh");
  ExpectStartupError(RunCouncild({CouncildPath(), "--data-dir", fresh, "--level", "commune",
                                  "--name", "HĐND xã", "--admin-listen", "127.0.0.1:0",
                                  "--insecure"}),
                     {"--unit"});
  EXPECT_FALSE(std::filesystem::exists(fresh)) << "a refused first start created its data dir";
  // A bad level.
  NodeOptions bad_level;
  bad_level.level = "county";
  ExpectStartupError(RunCouncild(CouncildArgs(temp_.Sub("l"), bad_level)), {"county"});
  // A bad unit id.
  NodeOptions bad_unit;
  bad_unit.unit = "xã 1";
  ExpectStartupError(RunCouncild(CouncildArgs(temp_.Sub("u"), bad_unit)), {"xã 1"});
  // A bad admin address.
  ExpectStartupError(RunCouncild({CouncildPath(), "--data-dir", temp_.Sub("a"), "--unit", "1",
                                  "--level", "commune", "--name", "x", "--admin-listen",
                                  "127.0.0.1:99999"}),
                     {"99999"});
  // A data directory that is a regular file.
  std::string file = temp_.Sub("plain-file");
  ASSERT_TRUE(WriteFile(file, "not a directory"));
  ExpectStartupError(RunCouncild(CouncildArgs(file, {})), {file});
  // A missing config file.
  std::string missing = temp_.Sub("missing.textproto");
  ExpectStartupError(RunCouncild({CouncildPath(), "--config", missing}), {missing});
}

TEST_F(DaemonTest, HelpListsEveryFlag) {
  RunResult r = RunCouncild({CouncildPath(), "--help"});
  ASSERT_FALSE(r.timed_out) << Describe(r);
  const std::string help = r.out + r.err;
  EXPECT_FALSE(absl::StrContains(help, "No flags matched")) << help;
  for (const char* flag : {"--data_dir", "--unit", "--level", "--metrics_listen",
                           "--link_compression", "--signing_key", "--recover_from_parent"}) {
    EXPECT_TRUE(absl::StrContains(help, flag)) << flag << " missing from:\n" << help;
  }
}

TEST_F(DaemonTest, SecondDaemonOnTheSameDirectoryIsRefused) {
  std::string dir = NewDir("d");
  auto node = NodeProcess::Start(dir);
  ASSERT_TRUE(node.ok()) << node.status();
  ExpectStartupError(RunCouncild(CouncildArgs(dir, {})), {dir});
  // The first one is unaffected.
  EXPECT_EQ((*node)->Ctl({"status"}).exit_code, 0);
  EXPECT_EQ(ReadFile(dir + "/admin.addr").value_or(""), (*node)->admin_addr() + "\n")
      << "the refused daemon removed the running one's address file";
  EXPECT_EQ((*node)->Stop(), 0);
}

TEST_F(DaemonTest, AdminPortInUseIsAStartupError) {
  auto first = NodeProcess::Start(NewDir("a"));
  ASSERT_TRUE(first.ok()) << first.status();
  std::vector<std::string> argv = CouncildArgs(NewDir("b"), {});
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == "--admin-listen") argv[i + 1] = (*first)->admin_addr();
  }
  ExpectStartupError(RunCouncild(argv), {(*first)->admin_addr()});
  EXPECT_EQ((*first)->Stop(), 0);
}

TEST_F(DaemonTest, ConfigFileWithFlagOverrides) {
  std::string dir = temp_.Sub("from-config");
  std::string config = temp_.Sub("node.textproto");
  ASSERT_TRUE(WriteFile(config, absl::StrCat("# Phổ Vinh ward council\n"
                                             "data_dir: \"", dir, "\"\n"
                                             "unit: \"21550\"\n"
                                             "level: LEVEL_COMMUNE\n"
                                             "name: \"HĐND phường Phổ Vinh\"\n"
                                             "parent_unit: \"522\"\n"
                                             "admin_listen: \"127.0.0.1:7101\"\n"
                                             "insecure: true\n")));
  auto p = Subprocess::Start({CouncildPath(), "--config", config, "--name",
                              "HĐND phường Phổ Vinh (mới)", "--admin-listen", "127.0.0.1:0"});
  ASSERT_TRUE(p.ok()) << p.status();
  // Wait (bounded) for the address file in the configured data dir.
  std::string addr;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline && (*p)->Running()) {
    std::optional<std::string> content = ReadFile(dir + "/admin.addr");
    if (content && absl::EndsWith(*content, "\n")) {
      addr = TrimNewlines(*content);
      break;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_FALSE(addr.empty()) << "no admin.addr; stderr: " << (*p)->Stderr();
  RegisterAdminToken(addr, dir + "/admin.token");
  RunResult status = RunCtl(addr, {"--json", "status"});
  ASSERT_EQ(status.exit_code, 0) << Describe(status);
  v1::StatusReply s;
  ASSERT_TRUE(ParseJson(status.out, &s));
  EXPECT_EQ(s.unit(), "21550");
  EXPECT_EQ(s.level(), v1::LEVEL_COMMUNE);
  EXPECT_EQ(s.name(), "HĐND phường Phổ Vinh (mới)");  // the flag wins
  EXPECT_EQ(s.parent_unit(), "522");
  (*p)->Signal(SIGTERM);
  EXPECT_EQ((*p)->Wait(milliseconds(10000)), std::optional<int>(0)) << (*p)->Stderr();
}

TEST_F(DaemonTest, BadConfigFileNamesTheFile) {
  std::string config = temp_.Sub("bad.textproto");
  ASSERT_TRUE(WriteFile(config, "unit: \"21550\"\nlevle: LEVEL_COMMUNE\n"));
  ExpectStartupError(RunCouncild({CouncildPath(), "--config", config}), {config});
}

TEST_F(DaemonTest, HealthServiceReportsServing) {
  auto node = NodeProcess::Start(NewDir("d"));
  ASSERT_TRUE(node.ok()) << node.status();
  {
    auto channel =
        grpc::CreateChannel((*node)->admin_addr(), grpc::InsecureChannelCredentials());
    auto stub = grpc::health::v1::Health::NewStub(channel);

    grpc::health::v1::HealthCheckRequest request;
    request.set_service("");
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status status = stub->Check(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

    grpc::health::v1::HealthCheckRequest unknown;
    unknown.set_service("no.such.Service");
    grpc::ClientContext context2;
    context2.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status status2 = stub->Check(&context2, unknown, &response);
    EXPECT_EQ(status2.error_code(), grpc::StatusCode::NOT_FOUND);
  }
  // A health check must not hold up a clean shutdown.
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ((*node)->Stop(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3))
      << "SIGTERM took the whole shutdown grace after a health check";
}

}  // namespace
}  // namespace council::itest
