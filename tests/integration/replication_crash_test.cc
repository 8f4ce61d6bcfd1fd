// kill -9 of a district in the middle of a large sync (DESIGN.md property 4):
// a commune imports 20,000 reports while its district forwards them to the
// province; the district is SIGKILLed mid-stream and restarted on the same
// data directory and port. Everything converges at the province exactly
// once: the province's export of the commune's records equals the commune's
// own, byte for byte, and each id appears once.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "node_test.h"
#include "tree_harness.h"

namespace council::itest {
namespace {

constexpr int kRecords = 20000;
// SIGKILL the district once it holds this many of the commune's reports.
constexpr uint64_t kKillAfter = 3000;

// Report drafts (no id: created at the importing node), one JSON per line.
std::string ImportFile(int n) {
  static const char* kLabels[] = {"tháng 1", "tháng 2", "tháng 3", "tháng 4",
                                  "tháng 5", "tháng 6", "tháng 7", "tháng 8",
                                  "tháng 9", "tháng 10", "tháng 11", "tháng 12"};
  std::string out;
  out.reserve(static_cast<size_t>(n) * 420);
  for (int i = 0; i < n; ++i) {
    int month = i % 12 + 1;
    absl::StrAppendFormat(
        &out,
        "{\"doc\":{\"number\":\"%d/BC-HĐND\",\"title\":\"Báo cáo nhanh kết quả tiếp xúc "
        "cử tri %s năm 2023 — tổ dân phố số %d\",\"document_type\":\"Báo cáo\","
        "\"issuing_body\":\"Thường trực HĐND phường Phổ Vinh\"},"
        "\"text\":\"Tổ dân phố số %d tổ chức tiếp xúc cử tri; ghi nhận %d ý kiến, kiến nghị "
        "về đất đai, đường giao thông và chính sách xã hội.\","
        "\"report\":{\"period\":\"2023-M%02d\",\"period_label\":\"%s năm 2023\","
        "\"metrics\":{\"voter_meetings\":\"%d\",\"petitions_received\":\"%d\"}}}\n",
        i + 1, kLabels[month - 1], i % 97 + 1, i % 97 + 1, i % 13, month, kLabels[month - 1],
        i % 5 + 1, i % 13);
  }
  return out;
}

uint64_t CountOf(const v1::StatusReply& s, const std::string& kind) {
  for (const v1::KindCount& c : s.counts()) {
    if (c.kind() == kind) return c.count();
  }
  return 0;
}

// The ids of an export, checking each appears once.
std::vector<std::string> ExportIds(const std::string& exported, const std::string& where) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const std::string& line : Lines(exported)) {
    v1::Record r;
    if (!ParseJson(line, &r)) break;
    EXPECT_TRUE(seen.insert(r.id()).second) << "exported twice at " << where << ": " << r.id();
    ids.push_back(r.id());
  }
  return ids;
}

class ReplicationCrashTest : public TreeTest {};

TEST_F(ReplicationCrashTest, DistrictKilledMidSyncConvergesWithoutDuplicates) {
  StartTree({"51", "522", "21550"});
  ASSERT_FALSE(HasFatalFailure());
  const std::string file = temp().Sub("bao_cao_tiep_xuc_cu_tri.jsonl");
  ASSERT_TRUE(WriteFile(file, ImportFile(kRecords)));

  // The import runs in the background while the district syncs.
  absl::StatusOr<std::unique_ptr<Subprocess>> import = Subprocess::Start(
      CtlArgv(tree().admin_addr("21550"), {"import", "--file", file}));
  ASSERT_TRUE(import.ok()) << import.status();

  uint64_t at_district = 0;
  absl::Status mid = WaitFor(
      [&] {
        absl::StatusOr<v1::StatusReply> s = tree().Status("522");
        at_district = s.ok() ? CountOf(*s, "report") : 0;
        return at_district >= kKillAfter;
      },
      milliseconds(60000), "the district holding some of the import",
      [&] { return absl::StrCat(at_district, " reports at 522"); }, milliseconds(50));
  ASSERT_TRUE(mid.ok()) << mid;
  EXPECT_EQ(tree().Kill("522"), 128 + SIGKILL);

  std::optional<int> imported = (*import)->Wait(milliseconds(60000));
  ASSERT_TRUE(imported.has_value()) << "import did not finish";
  ASSERT_EQ(*imported, 0) << (*import)->Stderr();
  EXPECT_EQ((*import)->Stdout(),
            absl::StrCat("imported ", kRecords, " records (", kRecords,
                         " created, 0 applied, 0 unchanged)\n"));

  // The kill came mid-sync: the commune still had records unacknowledged.
  absl::StatusOr<v1::StatusReply> commune = tree().Status("21550");
  ASSERT_TRUE(commune.ok()) << commune.status();
  std::optional<v1::LinkStatus> up = CouncilTree::LinkTo(*commune, "522");
  ASSERT_TRUE(up.has_value());
  EXPECT_GT(up->outbound_backlog(), 0u)
      << "the district had everything before the kill: not a mid-sync crash";
  EXPECT_LT(at_district, static_cast<uint64_t>(kRecords));

  ASSERT_TRUE(tree().Start("522").ok());
  absl::Status synced = tree().WaitSyncedUp("21550", milliseconds(60000));
  ASSERT_TRUE(synced.ok()) << synced;

  // Counts: the province holds exactly what the commune holds.
  absl::StatusOr<v1::StatusReply> province = tree().Status("51");
  commune = tree().Status("21550");
  ASSERT_TRUE(province.ok() && commune.ok());
  EXPECT_EQ(CountOf(*commune, "report"), static_cast<uint64_t>(kRecords));
  EXPECT_EQ(CountOf(*province, "report"), CountOf(*commune, "report"));
  // The province has seen the commune's log through its last sequence.
  RunResult units = tree().Ctl("51", {"--json", "units"});
  ASSERT_EQ(units.exit_code, 0) << Describe(units);
  uint64_t seen = 0;
  for (const std::string& line : Lines(units.out)) {
    v1::UnitInfo info;
    if (ParseJson(line, &info) && info.unit().id() == "21550") seen = info.records_seen();
  }
  EXPECT_EQ(seen, commune->last_seq());

  // Byte for byte, each id once, at the district and at the province.
  absl::StatusOr<std::string> own = tree().Export("21550", {"--unit", "21550"});
  ASSERT_TRUE(own.ok()) << own.status();
  std::vector<std::string> own_ids = ExportIds(*own, "21550");
  EXPECT_EQ(own_ids.size(), static_cast<size_t>(kRecords) + 1) << "reports and the unit record";
  for (const std::string unit : {"522", "51"}) {
    absl::StatusOr<std::string> there = tree().Export(unit, {"--unit", "21550"});
    ASSERT_TRUE(there.ok()) << there.status();
    EXPECT_EQ(ExportIds(*there, unit), own_ids) << "at " << unit;
    EXPECT_TRUE(*there == *own) << "export --unit 21550 at " << unit << " differs from the "
                                << "commune's (" << there->size() << " vs " << own->size()
                                << " bytes)";
  }
}

// The most bytes waiting unread in an established TCP socket whose local
// port is `port` (the kernel's receive queue, from /proc/net/tcp{,6}).
uint64_t UnreadBytesOnPort(int port) {
  const std::string local = absl::StrFormat(":%04X", port);
  uint64_t most = 0;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    for (std::string line; std::getline(in, line);) {
      std::vector<std::string> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
      // sl local rem st tx_queue:rx_queue ...; state 01 is ESTABLISHED.
      if (f.size() < 5 || f[3] != "01" || !absl::EndsWith(f[1], local)) continue;
      std::vector<std::string> q = absl::StrSplit(f[4], ':');
      uint64_t rx = 0;
      if (q.size() == 2 && absl::SimpleHexAtoi(q[1], &rx)) most = std::max(most, rx);
    }
  }
  return most;
}

// Sends SIGCONT to a stopped process when it goes out of scope.
class Continue {
 public:
  explicit Continue(pid_t pid) : pid_(pid) {}
  ~Continue() { kill(pid_, SIGCONT); }

 private:
  pid_t pid_;
};

// The parent durably applies a batch but its Ack never reaches the child,
// which crashes. After the child restarts, the parent's hello says it holds
// everything; the link must then count as caught up (no outbound backlog,
// `sync wait` succeeds) without waiting for some later write.
TEST_F(ReplicationCrashTest, AckLostInCrashLeavesNoPhantomBacklog) {
  StartTree({"51", "522", "21550"});
  ASSERT_FALSE(HasFatalFailure());
  const pid_t district = tree().node("522").pid();
  const int district_port = std::stoi(tree().listen_addr("522").substr(10));

  // Freeze the district; the commune's batch waits in the district's socket.
  ASSERT_EQ(kill(district, SIGSTOP), 0);
  Continue resume(district);
  absl::StatusOr<std::string> id =
      tree().Create("21550", {"report", "create", "--period", "2023-M10", "--title",
                              "Báo cáo kết quả kỳ họp chuyên đề tháng 10 năm 2023"});
  ASSERT_TRUE(id.ok()) << id.status();
  uint64_t unread = 0;
  absl::Status queued = WaitFor(
      [&] { return (unread = UnreadBytesOnPort(district_port)) >= 100; }, milliseconds(10000),
      "the commune's batch queued at the frozen district",
      [&] { return absl::StrCat(unread, " bytes unread"); }, milliseconds(10));
  ASSERT_TRUE(queued.ok()) << queued;

  // The commune dies before any Ack can come back; the district then reads
  // and applies the batch, and cannot acknowledge it.
  EXPECT_EQ(tree().Kill("21550"), 128 + SIGKILL);
  ASSERT_EQ(kill(district, SIGCONT), 0);
  absl::StatusOr<v1::Record> at_district = tree().WaitForRecord("522", *id, milliseconds(10000));
  ASSERT_TRUE(at_district.ok()) << "precondition: the district applied the orphaned batch; "
                                << at_district.status();

  ASSERT_TRUE(tree().Start("21550").ok());
  absl::Status synced = tree().WaitSynced("21550", milliseconds(10000));
  EXPECT_TRUE(synced.ok()) << synced;
  absl::StatusOr<v1::StatusReply> commune = tree().Status("21550");
  ASSERT_TRUE(commune.ok()) << commune.status();
  std::optional<v1::LinkStatus> up = CouncilTree::LinkTo(*commune, "522");
  ASSERT_TRUE(up.has_value());
  EXPECT_TRUE(up->connected()) << up->DebugString();
  EXPECT_EQ(up->outbound_backlog(), 0u)
      << "the district holds everything (its hello said so), yet the commune still counts "
      << "the unacknowledged batch as backlog: " << up->DebugString();
}

}  // namespace
}  // namespace council::itest
