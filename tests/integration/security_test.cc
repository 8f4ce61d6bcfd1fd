// Security of real councild processes: mutual TLS on node links with the
// link bound to the unit its certificate names, the refusal to start
// without a stated link security, and the admin credential.
#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "health.grpc.pb.h"
#include "node_test.h"
#include "tree_harness.h"

namespace council::itest {
namespace {

constexpr char kRefusedCredential[] =
    "councilctl: the node refused the admin credential: use --token-file "
    "<data-dir>/admin.token or set COUNCIL_TOKEN_FILE\n";

// The admin token may come from the environment: tests start from none.
void ClearTokenEnvironment() {
  unsetenv("COUNCIL_TOKEN");
  unsetenv("COUNCIL_TOKEN_FILE");
}

// councilctl with exactly `argv` after the binary (no token added).
RunResult RawCtl(const std::vector<std::string>& argv) {
  std::vector<std::string> all = {CouncilctlPath()};
  all.insert(all.end(), argv.begin(), argv.end());
  return itest::Run(all, "", milliseconds(30000));
}

// The status link of the node at `node` towards `peer`.
std::optional<v1::LinkStatus> LinkOf(const NodeProcess& node, const std::string& peer) {
  RunResult r = node.Ctl({"--json", "status"});
  if (r.exit_code != 0) return std::nullopt;
  v1::StatusReply status;
  if (!ParseJson(r.out, &status)) return std::nullopt;
  return CouncilTree::LinkTo(status, peer);
}

bool Holds(const NodeProcess& node, const std::string& id) {
  return node.Ctl({"show", id}).exit_code == 0;
}

class SecurityTest : public ::testing::Test {
 protected:
  void SetUp() override { ClearTokenEnvironment(); }

  std::string NewDir(const std::string& name) {
    std::string dir = temp_.Sub(name);
    std::filesystem::create_directories(dir);
    return dir;
  }

  // Starts a node of unit `unit` under `parent` (its listen address, "" for
  // none) with `tls`, listening on a free port; *listen gets its address.
  absl::StatusOr<std::unique_ptr<NodeProcess>> StartNode(const std::string& unit,
                                                         const std::string& level,
                                                         const std::string& parent_unit,
                                                         const std::string& parent_addr,
                                                         const TlsPaths& tls,
                                                         std::string* listen = nullptr) {
    NodeOptions o;
    o.unit = unit;
    o.level = level;
    o.name = absl::StrCat("HĐND ", unit);
    o.parent_unit = parent_unit;
    o.tls = tls;
    if (listen != nullptr) {
      *listen = absl::StrCat("127.0.0.1:", UnusedPort());
      o.extra_args = {"--listen", *listen};
    }
    if (!parent_addr.empty()) {
      o.extra_args.push_back("--parent");
      o.extra_args.push_back(parent_addr);
    }
    return NodeProcess::Start(NewDir(absl::StrCat("node_", unit)), o);
  }

  // Waits until the child's link to `parent` has failed at least once;
  // returns its last error (fails the test if it never does).
  std::string AwaitLinkFailure(const NodeProcess& child, const std::string& parent) {
    std::string error;
    absl::Status s = WaitFor(
        [&] {
          std::optional<v1::LinkStatus> link = LinkOf(child, parent);
          if (!link) return false;
          EXPECT_FALSE(link->connected()) << link->DebugString();
          error = link->last_error();
          return !error.empty();
        },
        milliseconds(20000), "the child's link attempt failing");
    EXPECT_TRUE(s.ok()) << s;
    return error;
  }

  // Waits until `child` has failed at least `n` attempts to reach `parent`.
  void AwaitFailedAttempts(const NodeProcess& child, const std::string& parent, uint64_t n) {
    std::optional<v1::LinkStatus> link;
    absl::Status s = WaitFor(
        [&] {
          link = LinkOf(child, parent);
          return link && link->failed_attempts() >= n;
        },
        milliseconds(20000), absl::StrCat("the child failing ", n, " attempts"),
        [&] { return link ? link->DebugString() : std::string("no link"); });
    EXPECT_TRUE(s.ok()) << s;
  }

  ScopedTempDir temp_{"council_security_"};
};

// ------------------------------------------------------------- mutual TLS

class TlsTreeTest : public TreeTest {};

TEST_F(TlsTreeTest, TlsTreeSyncsRecordsBothWays) {
  ClearTokenEnvironment();
  tree().EnableTls(temp().Sub("pki"));
  StartTree({"51", "522", "21550"});
  ASSERT_FALSE(HasFatalFailure());
  absl::StatusOr<std::string> report =
      tree().Create("21550", {"report", "create", "--period", "2023-YTD08", "--title",
                              "Báo cáo kết quả hoạt động 8 tháng đầu năm 2023", "--metric",
                              "sessions_held=2"});
  ASSERT_TRUE(report.ok()) << report.status();
  absl::StatusOr<std::string> directive =
      tree().Create("51", {"directive", "issue", "--title", "Đôn đốc giải quyết kiến nghị cử tri",
                           "--due", "2030-12-15", "--to", "21550"});
  ASSERT_TRUE(directive.ok()) << directive.status();
  absl::StatusOr<v1::Record> up = tree().WaitForRecord("51", *report, milliseconds(30000));
  ASSERT_TRUE(up.ok()) << up.status();
  EXPECT_EQ(up->doc().title(), "Báo cáo kết quả hoạt động 8 tháng đầu năm 2023");
  absl::StatusOr<v1::Record> down = tree().WaitForRecord("21550", *directive, milliseconds(30000));
  ASSERT_TRUE(down.ok()) << down.status();
  ASSERT_TRUE(tree().WaitAllSynced().ok());
  for (const std::string unit : {"51", "522", "21550"}) {
    std::string err = tree().node(unit).Stderr();
    EXPECT_TRUE(absl::StrContains(err, "links=mtls")) << err;
    EXPECT_FALSE(absl::StrContains(err, "event=insecure")) << err;
    EXPECT_FALSE(absl::StrContains(err, "link_refused")) << err;
  }
  absl::StatusOr<v1::StatusReply> status = tree().Status("522");
  ASSERT_TRUE(status.ok()) << status.status();
  for (const std::string peer : {"51", "21550"}) {
    std::optional<v1::LinkStatus> link = CouncilTree::LinkTo(*status, peer);
    ASSERT_TRUE(link.has_value()) << peer;
    EXPECT_TRUE(link->connected()) << link->DebugString();
    EXPECT_TRUE(link->refused().empty()) << link->DebugString();
  }
}

// A child whose certificate the province CA did not sign never gets past the
// TLS handshake: nothing of it reaches the parent.
TEST_F(SecurityTest, ChildWithoutAValidCertificateIsRefused) {
  const std::string pki = temp_.Sub("pki");
  absl::StatusOr<TlsPaths> parent_tls = MakePki(pki, "51");
  ASSERT_TRUE(parent_tls.ok()) << parent_tls.status();
  std::string listen;
  auto parent = StartNode("51", "province", "", "", *parent_tls, &listen);
  ASSERT_TRUE(parent.ok()) << parent.status();

  // A certificate for 522 from another CA, and a self-signed one. The child
  // trusts the province CA (so it would accept the parent) and its own
  // issuer (so it starts).
  absl::StatusOr<TlsPaths> foreign = MakePki(temp_.Sub("other-pki"), "522");
  ASSERT_TRUE(foreign.ok()) << foreign.status();
  const std::string self_dir = NewDir("self-signed");
  RunResult made = itest::Run({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj", "/CN=522",
                        "-addext", "subjectAltName=URI:council:unit:522,DNS:localhost,IP:127.0.0.1",
                        "-addext", "extendedKeyUsage=serverAuth,clientAuth", "-keyout",
                        self_dir + "/node.key", "-out", self_dir + "/node.crt"});
  ASSERT_EQ(made.exit_code, 0) << Describe(made);
  const std::string province_ca = ReadFile(parent_tls->ca).value_or("");
  struct Case {
    std::string name;
    TlsPaths tls;
  };
  std::vector<Case> cases = {
      {"other CA", {NewDir("bundle1") + "/ca.crt", foreign->cert, foreign->key}},
      {"self-signed", {NewDir("bundle2") + "/ca.crt", self_dir + "/node.crt", self_dir + "/node.key"}},
  };
  ASSERT_TRUE(WriteFile(cases[0].tls.ca, province_ca + ReadFile(foreign->ca).value_or("")));
  ASSERT_TRUE(WriteFile(cases[1].tls.ca, province_ca + ReadFile(self_dir + "/node.crt").value_or("")));

  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    NodeOptions o;
    o.unit = "522";
    o.level = "district";
    o.parent_unit = "51";
    o.tls = c.tls;
    o.extra_args = {"--parent", listen};
    auto child = NodeProcess::Start(NewDir("child_" + c.name), o);
    ASSERT_TRUE(child.ok()) << child.status();
    std::string report = TrimNewlines(
        (*child)->Ctl({"report", "create", "--period", "2023", "--title", "Báo cáo năm 2023"}).out);
    ASSERT_FALSE(report.empty());
    std::string error = AwaitLinkFailure(**child, "51");
    EXPECT_FALSE(error.empty());
    // Two more attempts, then still nothing at the parent.
    AwaitFailedAttempts(**child, "51", 3);
    EXPECT_FALSE(Holds(**parent, "522:1")) << "the parent took the child's unit record";
    EXPECT_FALSE(Holds(**parent, report)) << "the parent took the child's report";
    std::optional<v1::LinkStatus> at_parent = LinkOf(**parent, "522");
    EXPECT_TRUE(!at_parent || !at_parent->connected()) << at_parent->DebugString();
    EXPECT_EQ((*child)->Stop(), 0);
  }
  EXPECT_EQ((*parent)->Stop(), 0);
}

// A valid certificate speaks only for the unit it names.
TEST_F(SecurityTest, ChildCertificateNamingAnotherUnitIsRefused) {
  const std::string pki = temp_.Sub("pki");
  absl::StatusOr<TlsPaths> parent_tls = MakePki(pki, "51");
  ASSERT_TRUE(parent_tls.ok()) << parent_tls.status();
  absl::StatusOr<TlsPaths> other_unit = MakePki(pki, "523");  // a real district's certificate
  ASSERT_TRUE(other_unit.ok()) << other_unit.status();
  std::string listen;
  auto parent = StartNode("51", "province", "", "", *parent_tls, &listen);
  ASSERT_TRUE(parent.ok()) << parent.status();
  auto child = StartNode("522", "district", "51", listen, *other_unit);
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_TRUE(absl::StrContains((*child)->Stderr(), "event=tls_cert_unit_mismatch"))
      << (*child)->Stderr();

  std::string error = AwaitLinkFailure(**child, "51");
  EXPECT_TRUE(absl::StrContains(error, "certificate names unit 523")) << error;
  EXPECT_TRUE(absl::StrContains(error, "522")) << error;

  // Counted and logged at the parent; nothing applied there.
  std::optional<v1::LinkStatus> at_parent;
  absl::Status counted = WaitFor(
      [&] {
        at_parent = LinkOf(**parent, "522");
        return at_parent && at_parent->refused().count("certificate") > 0;
      },
      milliseconds(10000), "the parent counting the refused link");
  ASSERT_TRUE(counted.ok()) << counted;
  EXPECT_FALSE(at_parent->connected());
  EXPECT_EQ(at_parent->reconnects(), 0u);
  EXPECT_TRUE(absl::StrContains(at_parent->last_refusal(), "523")) << at_parent->DebugString();
  std::string log = (*parent)->Stderr();
  EXPECT_TRUE(absl::StrContains(log, "event=link_refused peer=522 cert_unit=523")) << log;
  EXPECT_FALSE(absl::StrContains(log, "event=link_up")) << log;
  EXPECT_FALSE(Holds(**parent, "522:1"));
  RunResult status = (*parent)->Ctl({"status"});
  EXPECT_TRUE(absl::StrContains(status.out, "refused: certificate ")) << status.out;
  EXPECT_EQ((*child)->Stop(), 0);
  EXPECT_EQ((*parent)->Stop(), 0);
}

TEST_F(SecurityTest, ChildRefusesAParentWhoseCertificateNamesAnotherUnit) {
  const std::string pki = temp_.Sub("pki");
  absl::StatusOr<TlsPaths> impostor = MakePki(pki, "52");  // not the configured parent 51
  ASSERT_TRUE(impostor.ok()) << impostor.status();
  absl::StatusOr<TlsPaths> child_tls = MakePki(pki, "522");
  ASSERT_TRUE(child_tls.ok()) << child_tls.status();
  std::string listen;
  auto parent = StartNode("51", "province", "", "", *impostor, &listen);
  ASSERT_TRUE(parent.ok()) << parent.status();
  auto child = StartNode("522", "district", "51", listen, *child_tls);
  ASSERT_TRUE(child.ok()) << child.status();

  std::string error = AwaitLinkFailure(**child, "51");
  EXPECT_TRUE(absl::StrContains(error, "certificate names unit 52,")) << error;
  std::optional<v1::LinkStatus> link;
  ASSERT_TRUE(WaitFor(
                  [&] {
                    link = LinkOf(**child, "51");
                    return link && link->refused().count("certificate") > 0;
                  },
                  milliseconds(10000), "the child counting the refused parent")
                  .ok());
  EXPECT_FALSE(link->connected());
  EXPECT_TRUE(absl::StrContains((*child)->Stderr(), "event=link_refused peer=51 cert_unit=52"))
      << (*child)->Stderr();
  EXPECT_FALSE(absl::StrContains((*child)->Stderr(), "event=link_up")) << (*child)->Stderr();
  AwaitFailedAttempts(**child, "51", 3);
  EXPECT_FALSE(Holds(**child, "51:1")) << "the child took the impostor's records";
  EXPECT_FALSE(Holds(**parent, "522:1")) << "the child sent its records to the impostor";
  EXPECT_EQ((*child)->Stop(), 0);
  EXPECT_EQ((*parent)->Stop(), 0);
}

// ------------------------------------------------------ startup checks

// Expects councild to have refused to start: exit 1, one stderr line.
void ExpectRefusedStart(const RunResult& r, const std::string& needle) {
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  std::vector<std::string> lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << Describe(r);
  EXPECT_TRUE(absl::StartsWith(lines[0], "councild: ")) << lines[0];
  EXPECT_TRUE(absl::StrContains(lines[0], needle)) << lines[0] << " lacks " << needle;
}

TEST_F(SecurityTest, NodeWithoutLinkSecurityRefusesToStart) {
  const std::string dir = temp_.Sub("never-created");
  NodeOptions o;
  o.insecure = false;
  o.extra_args = {"--listen", "127.0.0.1:0"};
  RunResult r = itest::Run(CouncildArgs(dir, o), "", milliseconds(15000));
  EXPECT_EQ(r.err,
            "councild: node links need --tls-ca/--tls-cert/--tls-key, or --insecure for "
            "plaintext\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(dir)) << "a refused start created its data dir";
  // Without links at all, too: every node states how its links are secured.
  o.extra_args.clear();
  ExpectRefusedStart(itest::Run(CouncildArgs(dir, o), "", milliseconds(15000)),
                     "node links need --tls-ca/--tls-cert/--tls-key, or --insecure");
}

TEST_F(SecurityTest, BadTlsFlagsAndFilesAreNamed) {
  absl::StatusOr<TlsPaths> tls = MakePki(temp_.Sub("pki"), "522");
  ASSERT_TRUE(tls.ok()) << tls.status();
  const std::string dir = temp_.Sub("d");
  auto with = [&](TlsPaths paths, bool insecure = false) {
    NodeOptions o;
    o.tls = paths;
    std::vector<std::string> argv = CouncildArgs(dir, o);
    if (insecure) argv.push_back("--insecure");
    return itest::Run(argv, "", milliseconds(15000));
  };
  const std::string missing = temp_.Sub("nowhere.crt");
  ExpectRefusedStart(with({tls->ca, missing, tls->key}), "--tls-cert " + missing);
  ExpectRefusedStart(with({missing, tls->cert, tls->key}), "--tls-ca " + missing);
  ExpectRefusedStart(with({tls->ca, tls->cert, tls->ca}), "--tls-key " + tls->ca);
  ExpectRefusedStart(with({tls->ca, tls->cert, ""}), "--tls-key is missing");
  ExpectRefusedStart(with(*tls, /*insecure=*/true), "--insecure");
  // A key of another certificate, and a CA that did not sign the certificate.
  absl::StatusOr<TlsPaths> other = MakePki(temp_.Sub("other-pki"), "522");
  ASSERT_TRUE(other.ok()) << other.status();
  ExpectRefusedStart(with({tls->ca, tls->cert, other->key}), "is not the key of the certificate");
  ExpectRefusedStart(with({other->ca, tls->cert, tls->key}), "does not verify against --tls-ca");
  EXPECT_FALSE(std::filesystem::exists(dir)) << "a refused start created its data dir";
}

TEST_F(SecurityTest, InsecureStartsWithALoudWarning) {
  auto node = NodeProcess::Start(NewDir("d"));
  ASSERT_TRUE(node.ok()) << node.status();
  std::string err = (*node)->Stderr();
  EXPECT_TRUE(absl::StrContains(err, "level=warn unit=522 event=insecure")) << err;
  EXPECT_TRUE(absl::StrContains(err, "links=plaintext")) << err;
  EXPECT_EQ((*node)->Stop(), 0);
}

// --------------------------------------------------- admin credential

class AdminCredentialTest : public NodeTest {
 protected:
  void SetUp() override {
    ClearTokenEnvironment();
    NodeTest::SetUp();
  }
  void TearDown() override {
    ClearTokenEnvironment();
    NodeTest::TearDown();
  }
  std::string token_file() const { return data_dir() + "/admin.token"; }
};

TEST_F(AdminCredentialTest, TokenFileIsCreatedPrivate) {
  struct stat st;
  ASSERT_EQ(stat(token_file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string token = ReadFile(token_file()).value_or("");
  ASSERT_EQ(token.size(), 65u) << token;
  EXPECT_EQ(token.back(), '\n');
  for (char c : token.substr(0, 64)) EXPECT_TRUE(absl::ascii_isxdigit(c)) << token;
  // The same token after a restart.
  Restart();
  EXPECT_EQ(ReadFile(token_file()).value_or(""), token);
  EXPECT_EQ(Ctl({"status"}).exit_code, 0);
}

TEST_F(AdminCredentialTest, CallsWithoutTheCredentialAreRefused) {
  const std::string addr = node().admin_addr();
  // No token anywhere.
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"status"},
                                             {"report", "create", "--period", "2023", "--title",
                                              "Báo cáo"},
                                             {"export"}}) {
    std::vector<std::string> argv = {"--node", addr};
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = RawCtl(argv);
    EXPECT_EQ(r.exit_code, 1) << Describe(r);
    EXPECT_EQ(r.err, kRefusedCredential) << Describe(r);
    EXPECT_EQ(r.out, "");
  }
  // A wrong token, by each route.
  const std::string wrong = WriteTemp("wrong.token", std::string(64, 'a') + "\n");
  RunResult r = RawCtl({"--node", addr, "--token-file", wrong, "status"});
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_EQ(r.err, kRefusedCredential);
  setenv("COUNCIL_TOKEN", std::string(64, 'b').c_str(), 1);
  r = RawCtl({"--node", addr, "status"});
  EXPECT_EQ(r.err, kRefusedCredential) << Describe(r);
  unsetenv("COUNCIL_TOKEN");
  setenv("COUNCIL_TOKEN_FILE", wrong.c_str(), 1);
  r = RawCtl({"--node", addr, "status"});
  EXPECT_EQ(r.err, kRefusedCredential) << Describe(r);
  unsetenv("COUNCIL_TOKEN_FILE");
  // A prefix of the right token is wrong too.
  std::string right = TrimNewlines(ReadFile(token_file()).value_or(""));
  setenv("COUNCIL_TOKEN", right.substr(0, 63).c_str(), 1);
  r = RawCtl({"--node", addr, "status"});
  EXPECT_EQ(r.err, kRefusedCredential) << Describe(r);
  unsetenv("COUNCIL_TOKEN");

  EXPECT_TRUE(absl::StrContains(node().Stderr(), "event=admin_refused")) << node().Stderr();
  EXPECT_TRUE(ListIds({"--kind", "report"}).empty()) << "a refused create stored something";
}

TEST_F(AdminCredentialTest, TheRightTokenWorksByEveryRoute) {
  const std::string addr = node().admin_addr();
  const std::string right = TrimNewlines(ReadFile(token_file()).value_or(""));
  RunResult r = RawCtl({"--node", addr, "--token-file", token_file(), "status"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  setenv("COUNCIL_TOKEN", right.c_str(), 1);
  r = RawCtl({"--node", addr, "report", "create", "--period", "2023", "--title", "Báo cáo năm"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  unsetenv("COUNCIL_TOKEN");
  setenv("COUNCIL_TOKEN_FILE", token_file().c_str(), 1);
  r = RawCtl({"--node", addr, "--json", "list", "--kind", "report"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(Lines(r.out).size(), 1u) << r.out;
  // --token-file wins over the environment.
  const std::string wrong = WriteTemp("wrong.token", std::string(64, 'c'));
  r = RawCtl({"--node", addr, "--token-file", wrong, "status"});
  EXPECT_EQ(r.err, kRefusedCredential) << Describe(r);
  unsetenv("COUNCIL_TOKEN_FILE");
  // An unreadable --token-file is named.
  const std::string missing = temp().Sub("missing.token");
  r = RawCtl({"--node", addr, "--token-file", missing, "status"});
  ExpectOneLineError(r, 1, {"--token-file " + missing});
}

// Every Admin method, whatever its name, is behind the one check; health
// checking stays open.
TEST_F(AdminCredentialTest, EveryAdminMethodNeedsTheCredential) {
  const auto* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName("council.v1.Admin");
  ASSERT_NE(service, nullptr);
  ASSERT_GE(service->method_count(), 12);
  auto channel = grpc::CreateChannel(node().admin_addr(), grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  const std::string right = TrimNewlines(ReadFile(token_file()).value_or(""));
  auto call = [&](const std::string& method, const std::string& authorization) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!authorization.empty()) ctx.AddMetadata("authorization", authorization);
    grpc::CompletionQueue cq;
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1), response;
    auto rpc = stub.PrepareUnaryCall(&ctx, method, request, &cq);
    rpc->StartCall();
    grpc::Status status;
    rpc->Finish(&response, &status, reinterpret_cast<void*>(1));
    void* tag;
    bool ok;
    cq.Next(&tag, &ok);
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
    return status;
  };
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string method = absl::StrCat("/council.v1.Admin/", service->method(i)->name());
    SCOPED_TRACE(method);
    for (const std::string& authorization :
         {std::string(), "Bearer " + std::string(64, '0'), right, "Basic " + right,
          "Bearer " + right + "0"}) {
      grpc::Status s = call(method, authorization);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << authorization;
      EXPECT_EQ(s.error_message(), "admin credential missing or wrong");
    }
    grpc::Status s = call(method, "Bearer " + right);
    EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  }
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::health::v1::HealthCheckRequest req;
  grpc::health::v1::HealthCheckResponse resp;
  grpc::Status s = health->Check(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

class OwnTokenFileTest : public AdminCredentialTest {
 protected:
  NodeOptions options() const override {
    NodeOptions o;
    o.admin_token_file = own_;
    return o;
  }
  void SetUp() override {
    ASSERT_TRUE(WriteFile(own_, "quang-ngai-ops-2023-secret-token\n"));
    chmod(own_.c_str(), 0600);
    AdminCredentialTest::SetUp();
  }
  const std::string own_ = temp().Sub("ops.token");
};

TEST_F(OwnTokenFileTest, AdminTokenFileFlagIsUsed) {
  EXPECT_FALSE(std::filesystem::exists(data_dir() + "/admin.token"));
  setenv("COUNCIL_TOKEN", "quang-ngai-ops-2023-secret-token", 1);
  RunResult r = RawCtl({"--node", node().admin_addr(), "status"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  unsetenv("COUNCIL_TOKEN");
  r = RawCtl({"--node", node().admin_addr(), "status"});
  EXPECT_EQ(r.err, kRefusedCredential) << Describe(r);
}

TEST_F(SecurityTest, MissingAdminTokenFileIsAStartupError) {
  const std::string missing = temp_.Sub("no.token");
  NodeOptions o;
  o.admin_token_file = missing;
  ExpectRefusedStart(itest::Run(CouncildArgs(NewDir("d"), o), "", milliseconds(15000)),
                     "--admin-token-file " + missing);
}

}  // namespace
}  // namespace council::itest
