#include "tree_harness.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace council::itest {
namespace {

using Clock = std::chrono::steady_clock;

absl::Status FromJson(const std::string& json, google::protobuf::Message* out) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(json, out, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("cannot parse ", out->GetTypeName(), ": ",
                                            status.ToString(), "; json: ", json));
  }
  return absl::OkStatus();
}

absl::Status CtlError(const std::string& unit, const std::vector<std::string>& args,
                      const RunResult& r) {
  std::string cmd;
  for (const std::string& a : args) absl::StrAppend(&cmd, cmd.empty() ? "" : " ", a);
  return absl::InternalError(absl::StrCat("at ", unit, ": councilctl ", cmd, ": ", Describe(r)));
}

std::string LinkGap(const std::string& side, const std::optional<v1::LinkStatus>& l) {
  if (!l) return absl::StrCat(side, ": link not listed");
  if (!l->connected()) {
    return absl::StrCat(side, ": not connected (", l->last_error(), ")");
  }
  if (l->outbound_backlog() != 0 || l->inbound_backlog() != 0) {
    return absl::StrCat(side, ": backlog out ", l->outbound_backlog(), " in ",
                        l->inbound_backlog());
  }
  return "";
}

}  // namespace

std::vector<UnitSpec> StandardTree() {
  return {
      {"51", "province", "HĐND tỉnh Quảng Ngãi", ""},
      {"522", "district", "HĐND thị xã Đức Phổ", "51"},
      {"523", "district", "HĐND huyện Ba Tơ", "51"},
      {"21550", "commune", "HĐND phường Phổ Vinh", "522"},
      {"21551", "commune", "HĐND phường Phổ Ninh", "522"},
      {"21580", "commune", "HĐND xã Ba Động", "523"},
      {"21581", "commune", "HĐND xã Ba Thành", "523"},
  };
}

std::vector<UnitSpec> StandardTreeOf(const std::set<std::string>& units) {
  std::vector<UnitSpec> out;
  for (const UnitSpec& u : StandardTree()) {
    if (units.count(u.unit)) out.push_back(u);
  }
  return out;
}

absl::Status WaitFor(const std::function<bool()>& done, milliseconds timeout,
                     const std::string& what, const std::function<std::string()>& last,
                     milliseconds interval) {
  const Clock::time_point deadline = Clock::now() + timeout;
  while (true) {
    if (done()) return absl::OkStatus();
    if (Clock::now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "not within ", timeout.count(), " ms: ", what,
          last ? absl::StrCat("; last seen: ", last()) : std::string()));
    }
    std::this_thread::sleep_for(interval);
  }
}

bool CtlHasSyncWait() {
  static const bool has = [] {
    RunResult r = Run({CouncilctlPath(), "--help"}, "", milliseconds(10000));
    return r.exit_code == 0 && absl::StrContains(r.out, "sync wait");
  }();
  return has;
}

// ---------------------------------------------------------------- CouncilTree

CouncilTree::CouncilTree(std::string root_dir) : root_dir_(std::move(root_dir)) {}

CouncilTree::~CouncilTree() { StopAll(); }

CouncilTree::Member& CouncilTree::member(const std::string& unit) {
  auto it = members_.find(unit);
  if (it == members_.end()) {
    ADD_FAILURE() << "unit " << unit << " is not in the tree";
    std::abort();
  }
  return it->second;
}

const CouncilTree::Member& CouncilTree::member(const std::string& unit) const {
  return const_cast<CouncilTree*>(this)->member(unit);
}

int CouncilTree::PickPort() {
  for (int i = 0; i < 100; ++i) {
    int port = UnusedPort();
    if (port > 0 && ports_.insert(port).second) return port;
  }
  return -1;
}

void CouncilTree::EnableTls(std::string pki_dir) { pki_dir_ = std::move(pki_dir); }

void CouncilTree::Add(const UnitSpec& spec) {
  if (!spec.parent.empty() && !members_.count(spec.parent)) {
    ADD_FAILURE() << "parent " << spec.parent << " of " << spec.unit << " not added first";
  }
  Member m;
  m.spec = spec;
  m.data_dir = absl::StrCat(root_dir_, "/node_", spec.unit);
  std::filesystem::create_directories(m.data_dir);
  m.port = PickPort();
  order_.push_back(spec.unit);
  members_.emplace(spec.unit, std::move(m));
}

absl::Status CouncilTree::StartMember(Member& m) {
  NodeOptions o;
  o.unit = m.spec.unit;
  o.level = m.spec.level;
  o.name = m.spec.name;
  o.parent_unit = m.spec.parent;
  o.extra_args = {"--listen", listen_addr(m.spec.unit)};
  if (!m.spec.parent.empty()) {
    o.extra_args.push_back("--parent");
    o.extra_args.push_back(listen_addr(m.spec.parent));
  }
  // Last, so that they override the flags above (the last one given wins).
  o.extra_args.insert(o.extra_args.end(), m.extra_args.begin(), m.extra_args.end());
  if (tls()) {
    absl::StatusOr<TlsPaths> paths = MakePki(pki_dir_, m.spec.unit);
    if (!paths.ok()) return paths.status();
    o.tls = *paths;
  }
  absl::StatusOr<std::unique_ptr<NodeProcess>> p = NodeProcess::Start(m.data_dir, o);
  if (!p.ok()) return p.status();
  m.process = *std::move(p);
  return absl::OkStatus();
}

absl::Status CouncilTree::Start(const std::string& unit) {
  Member& m = member(unit);
  if (m.process && m.process->Running()) {
    return absl::FailedPreconditionError(absl::StrCat(unit, " is already running"));
  }
  absl::Status s = StartMember(m);
  // Someone took the probed port before the node bound it: before anyone
  // dials this node, another port is as good.
  for (int retry = 0; !s.ok() && !m.started_once && retry < 3 && PortTaken(s); ++retry) {
    m.port = PickPort();
    s = StartMember(m);
  }
  if (!s.ok()) return absl::Status(s.code(), absl::StrCat("starting ", unit, ": ", s.message()));
  m.started_once = true;
  // The node-to-node address is published before admin.addr.
  std::optional<std::string> published = ReadFile(m.data_dir + "/listen.addr");
  if (!published || TrimNewlines(*published) != listen_addr(unit)) {
    return absl::InternalError(absl::StrCat(unit, " listens on '", published.value_or("?"),
                                            "', expected ", listen_addr(unit)));
  }
  return absl::OkStatus();
}

void CouncilTree::Relocate(const std::string& unit, std::string dir,
                           std::vector<std::string> extra_args) {
  Member& m = member(unit);
  m.data_dir = std::move(dir);
  m.extra_args = std::move(extra_args);
}

void CouncilTree::Reparent(const std::string& unit, const std::string& parent) {
  member(unit).spec.parent = parent;
}

absl::Status CouncilTree::StartAll() {
  for (const std::string& unit : order_) {
    if (Running(unit)) continue;
    absl::Status s = Start(unit);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

int CouncilTree::Stop(const std::string& unit) {
  Member& m = member(unit);
  if (!m.process) return -1;
  return m.process->Stop();
}

int CouncilTree::Kill(const std::string& unit) {
  Member& m = member(unit);
  if (!m.process) return -1;
  return m.process->Kill();
}

absl::Status CouncilTree::Restart(const std::string& unit) {
  if (Running(unit)) {
    int code = Stop(unit);
    if (code != 0) {
      return absl::InternalError(absl::StrCat(unit, " exited with ", code,
                                              " on SIGTERM; stderr: ", node(unit).Stderr()));
    }
  }
  return Start(unit);
}

void CouncilTree::StopAll() {
  for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
    Member& m = members_.at(*it);
    if (m.process && m.process->Running()) m.process->Stop();
  }
}

bool CouncilTree::Running(const std::string& unit) {
  Member& m = member(unit);
  return m.process && m.process->Running();
}

NodeProcess& CouncilTree::node(const std::string& unit) {
  Member& m = member(unit);
  if (!m.process) {
    ADD_FAILURE() << unit << " was never started";
    std::abort();
  }
  return *m.process;
}

const UnitSpec& CouncilTree::spec(const std::string& unit) const { return member(unit).spec; }

std::string CouncilTree::admin_addr(const std::string& unit) { return node(unit).admin_addr(); }

std::string CouncilTree::listen_addr(const std::string& unit) const {
  return absl::StrCat("127.0.0.1:", member(unit).port);
}

std::string CouncilTree::data_dir(const std::string& unit) const { return member(unit).data_dir; }

RunResult CouncilTree::Ctl(const std::string& unit, const std::vector<std::string>& args,
                           milliseconds timeout) {
  NodeProcess& n = node(unit);
  std::vector<std::string> argv = {CouncilctlPath(), "--node", n.admin_addr(), "--token-file",
                                   n.token_file()};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, "", timeout);
}

absl::StatusOr<std::string> CouncilTree::Create(const std::string& unit,
                                                const std::vector<std::string>& args) {
  RunResult r = Ctl(unit, args);
  std::string id = TrimNewlines(r.out);
  if (r.exit_code != 0 || id.empty() || r.out != id + "\n" ||
      id.find('\n') != std::string::npos) {
    return CtlError(unit, args, r);
  }
  return id;
}

absl::StatusOr<v1::StatusReply> CouncilTree::Status(const std::string& unit) {
  std::vector<std::string> args = {"--json", "status"};
  RunResult r = Ctl(unit, args, milliseconds(15000));
  if (r.exit_code != 0) return CtlError(unit, args, r);
  v1::StatusReply status;
  absl::Status s = FromJson(r.out, &status);
  if (!s.ok()) return s;
  return status;
}

std::optional<v1::Record> CouncilTree::Find(const std::string& unit, const std::string& id,
                                            std::string* why) {
  RunResult r = Ctl(unit, {"--json", "show", id}, milliseconds(15000));
  if (r.exit_code != 0) {
    if (why) *why = Describe(r);
    return std::nullopt;
  }
  v1::Record rec;
  absl::Status s = FromJson(r.out, &rec);
  if (!s.ok()) {
    if (why) *why = s.ToString();
    return std::nullopt;
  }
  return rec;
}

absl::StatusOr<v1::Record> CouncilTree::WaitForRecord(const std::string& unit,
                                                      const std::string& id,
                                                      milliseconds timeout) {
  std::optional<v1::Record> found;
  std::string why;
  absl::Status s = WaitFor([&] { return (found = Find(unit, id, &why)).has_value(); }, timeout,
                           absl::StrCat(id, " at ", unit), [&] { return why; });
  if (!s.ok()) return s;
  return *found;
}

absl::StatusOr<std::vector<v1::Record>> CouncilTree::List(
    const std::string& unit, const std::vector<std::string>& args) {
  std::vector<std::string> all = {"--json", "list"};
  all.insert(all.end(), args.begin(), args.end());
  RunResult r = Ctl(unit, all);
  if (r.exit_code != 0) return CtlError(unit, all, r);
  std::vector<v1::Record> records;
  for (const std::string& line : Lines(r.out)) {
    v1::Record rec;
    absl::Status s = FromJson(line, &rec);
    if (!s.ok()) return s;
    records.push_back(std::move(rec));
  }
  return records;
}

absl::Status CouncilTree::Import(const std::string& unit, const std::vector<v1::Record>& drafts,
                                 const std::string& file) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string lines;
  for (const v1::Record& d : drafts) {
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(d, &json, options).ok()) {
      return absl::InternalError("a draft cannot be written as JSON");
    }
    absl::StrAppend(&lines, json, "\n");
  }
  if (!WriteFile(file, lines)) return absl::InternalError(absl::StrCat("cannot write ", file));
  const std::vector<std::string> args = {"import", "--file", file};
  RunResult r = Ctl(unit, args);
  if (r.exit_code != 0) return CtlError(unit, args, r);
  return absl::OkStatus();
}

absl::StatusOr<std::string> CouncilTree::Export(const std::string& unit,
                                                const std::vector<std::string>& args) {
  std::vector<std::string> all = {"export"};
  all.insert(all.end(), args.begin(), args.end());
  RunResult r = Ctl(unit, all, milliseconds(60000));
  if (r.exit_code != 0) return CtlError(unit, all, r);
  return r.out;
}

std::optional<v1::LinkStatus> CouncilTree::LinkTo(const v1::StatusReply& status,
                                                  const std::string& peer) {
  for (const v1::LinkStatus& l : status.links()) {
    if (l.peer() == peer) return l;
  }
  return std::nullopt;
}

std::string CouncilTree::SyncGap(const std::string& unit) {
  const std::string& parent = spec(unit).parent;
  if (!Running(unit)) return absl::StrCat(unit, " is not running");
  if (!Running(parent)) return absl::StrCat("parent ", parent, " is not running");
  absl::StatusOr<v1::StatusReply> child = Status(unit);
  if (!child.ok()) return child.status().ToString();
  absl::StatusOr<v1::StatusReply> up = Status(parent);
  if (!up.ok()) return up.status().ToString();
  std::string gap = LinkGap(absl::StrCat(unit, "->", parent), LinkTo(*child, parent));
  if (gap.empty()) gap = LinkGap(absl::StrCat(parent, "->", unit), LinkTo(*up, unit));
  return gap;
}

absl::Status CouncilTree::WaitSynced(const std::string& unit, milliseconds timeout) {
  if (spec(unit).parent.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(unit, " has no parent"));
  }
  const Clock::time_point deadline = Clock::now() + timeout;
  if (CtlHasSyncWait()) {
    const auto seconds = std::max<int64_t>(1, (timeout.count() + 999) / 1000);
    std::vector<std::string> args = {"sync", "wait", "--timeout", absl::StrCat(seconds)};
    RunResult r = Ctl(unit, args, timeout + milliseconds(10000));
    if (r.exit_code != 0) return absl::DeadlineExceededError(CtlError(unit, args, r).message());
  }
  // `sync wait` sees the link from the child's side, where what the parent
  // has for the child is known only as last reported; the parent's own
  // status says whether the child has acknowledged all of it.
  std::string gap;
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
  return WaitFor([&] { return (gap = SyncGap(unit)).empty(); },
                 std::max(left, milliseconds(1000)),
                 absl::StrCat(unit, " synced with its parent"), [&] { return gap; });
}

absl::Status CouncilTree::WaitSyncedUp(const std::string& unit, milliseconds timeout) {
  for (std::string u = unit; !spec(u).parent.empty(); u = spec(u).parent) {
    absl::Status s = WaitSynced(u, timeout);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status CouncilTree::WaitAllSynced(milliseconds timeout) {
  std::vector<std::string> linked;
  for (const std::string& unit : order_) {
    if (!spec(unit).parent.empty() && Running(unit)) linked.push_back(unit);
  }
  std::vector<std::string> pass = linked;  // top-down
  pass.insert(pass.end(), linked.rbegin(), linked.rend());
  for (const std::string& unit : pass) {
    absl::Status s = WaitSynced(unit, timeout);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

// ------------------------------------------------------------------- TreeTest

void TreeTest::StartTree(const std::set<std::string>& units) {
  std::vector<UnitSpec> specs = StandardTreeOf(units);
  ASSERT_EQ(specs.size(), units.size()) << "unknown unit among those asked for";
  for (const UnitSpec& u : specs) {
    tree_.Add(u);
    started_.push_back(u.unit);
  }
  absl::Status s = tree_.StartAll();
  ASSERT_TRUE(s.ok()) << s;
  const std::string& root = specs.front().unit;
  for (const UnitSpec& u : specs) {
    absl::StatusOr<v1::Record> unit_record =
        tree_.WaitForRecord(root, absl::StrCat(u.unit, ":1"), milliseconds(20000));
    ASSERT_TRUE(unit_record.ok()) << unit_record.status();
    ASSERT_TRUE(unit_record->has_unit()) << unit_record->DebugString();
    ASSERT_EQ(unit_record->unit().id(), u.unit);
  }
  s = tree_.WaitAllSynced();
  ASSERT_TRUE(s.ok()) << s;
}

void TreeTest::JoinTree(const std::string& unit) {
  std::vector<UnitSpec> specs = StandardTreeOf({unit});
  ASSERT_EQ(specs.size(), 1u) << "unknown unit " << unit;
  tree_.Add(specs[0]);
  started_.push_back(unit);
  absl::Status s = tree_.Start(unit);
  ASSERT_TRUE(s.ok()) << s;
}

void TreeTest::TearDown() {
  for (auto it = started_.rbegin(); it != started_.rend(); ++it) {
    if (!tree_.Running(*it)) continue;
    int code = tree_.Stop(*it);
    EXPECT_EQ(code, 0) << *it << " did not exit cleanly on SIGTERM; stderr: "
                       << tree_.node(*it).Stderr();
  }
}

}  // namespace council::itest
