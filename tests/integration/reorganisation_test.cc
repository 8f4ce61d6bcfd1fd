// Reorganising the tree (issue 8): the district level is removed while its
// communes hold writes the province has not seen — some still in the
// communes' outboxes, some already at the district — and everything reaches
// the province under the new tree, attributed to its original unit.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "tree_harness.h"

namespace council::itest {
namespace {

class ReorganisationTest : public TreeTest {
 protected:
  std::string Report(const std::string& unit, const std::string& title) {
    absl::StatusOr<std::string> id =
        tree().Create(unit, {"report", "create", "--period", "2025-H1", "--title", title});
    EXPECT_TRUE(id.ok()) << id.status();
    return id.value_or("");
  }
  // unit -> (parent, merged_into) as `units --json` at `at` shows them.
  std::map<std::string, std::pair<std::string, std::string>> Placement(const std::string& at) {
    std::map<std::string, std::pair<std::string, std::string>> out;
    RunResult r = tree().Ctl(at, {"--json", "units"});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    for (absl::string_view line : absl::StrSplit(r.out, '\n', absl::SkipEmpty())) {
      v1::UnitInfo info;
      EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(std::string(line), &info).ok()) << line;
      out[info.unit().id()] = {info.unit().parent(), info.unit().merged_into()};
    }
    return out;
  }
  // Issues a directive at `at` to `scope`, waits until each target holds it
  // and `at` has every target's receipt; the targets, sorted.
  std::vector<std::string> IssueAndTrack(const std::string& at, const std::vector<std::string>& scope,
                                         const std::string& title) {
    std::vector<std::string> args = {"directive", "issue", "--title", title, "--due", "2026-12-31"};
    args.insert(args.end(), scope.begin(), scope.end());
    absl::StatusOr<std::string> directive = tree().Create(at, args);
    EXPECT_TRUE(directive.ok()) << directive.status();
    if (!directive.ok()) return {};
    v1::TrackReply track;
    absl::Status receipts = WaitFor(
        [&] {
          RunResult r = tree().Ctl(at, {"--json", "directive", "track", *directive});
          track.Clear();
          if (r.exit_code != 0 || !google::protobuf::util::JsonStringToMessage(r.out, &track).ok()) {
            return false;
          }
          int received = 0;
          for (const v1::TargetStatus& t : track.targets()) received += t.received_ms() > 0;
          return received == track.targets_size() && received > 0;
        },
        milliseconds(20000), absl::StrCat("the targets' receipts at ", at));
    EXPECT_TRUE(receipts.ok()) << receipts << "\n" << track.DebugString();
    std::vector<std::string> targets;
    for (const v1::TargetStatus& t : track.targets()) {
      targets.push_back(t.unit());
      EXPECT_TRUE(tree().Find(t.unit(), *directive).has_value()) << t.unit() << " lacks " << *directive;
    }
    std::sort(targets.begin(), targets.end());
    return targets;
  }
  // Expects `command` at `at` to fail with exit 1 naming `needle`.
  void ExpectRefused(const std::string& at, const std::vector<std::string>& command,
                     const std::string& needle) {
    RunResult r = tree().Ctl(at, command);
    EXPECT_EQ(r.exit_code, 1) << Describe(r);
    EXPECT_TRUE(absl::StrContains(r.err, needle)) << Describe(r);
  }
};

TEST_F(ReorganisationTest, DistrictLevelRemovedWhileCommunesHoldUnsyncedWrites) {
  StartTree({"51", "522", "21550", "21551"});
  // In flight at the district: it holds a report the province has not seen.
  tree().Stop("51");
  std::string at_district = Report("21550", "Báo cáo đã lên huyện, chưa lên tỉnh");
  ASSERT_TRUE(tree().WaitSynced("21550").ok());
  tree().Stop("522");
  ASSERT_TRUE(tree().Start("51").ok());
  // In the communes' outboxes: written while the district is down.
  std::string queued_a = Report("21550", "Báo cáo kỳ họp chuyên đề tháng 6");
  std::string queued_b = Report("21551", "Báo cáo giám sát giải quyết kiến nghị");

  RunResult bad = tree().Ctl("51", {"unit", "dissolve", "51"});
  EXPECT_EQ(bad.exit_code, 1) << Describe(bad);
  RunResult dissolved = tree().Ctl("51", {"unit", "dissolve", "522"});
  ASSERT_EQ(dissolved.exit_code, 0) << Describe(dissolved);
  EXPECT_TRUE(absl::StrContains(dissolved.out, "21550 now under 51")) << dissolved.out;
  EXPECT_TRUE(absl::StrContains(dissolved.out, "522 merged into 51")) << dissolved.out;

  // Each commune office is pointed at the province and restarted.
  for (const std::string commune : {"21550", "21551"}) {
    tree().Reparent(commune, "51");
    ASSERT_TRUE(tree().Restart(commune).ok()) << commune;
  }
  for (const std::string& id : {at_district, queued_a, queued_b}) {
    absl::StatusOr<v1::Record> rec = tree().WaitForRecord("51", id);
    ASSERT_TRUE(rec.ok()) << id << ": " << rec.status();
    EXPECT_EQ(rec->origin(), id.substr(0, id.find(':')));  // still its own unit's
  }
  ASSERT_TRUE(tree().WaitSynced("21550").ok());
  ASSERT_TRUE(tree().WaitSynced("21551").ok());

  auto placement = Placement("51");
  EXPECT_EQ(placement["21550"], std::make_pair(std::string("51"), std::string()));
  EXPECT_EQ(placement["21551"], std::make_pair(std::string("51"), std::string()));
  EXPECT_EQ(placement["522"], std::make_pair(std::string("51"), std::string("51")));

  // Routing follows the new tree: a directive to the communes goes straight
  // down, not to the dissolved district, and their receipts come back.
  EXPECT_EQ(IssueAndTrack("51", {"--to-level", "commune"}, "Triển khai mô hình chính quyền hai cấp"),
            (std::vector<std::string>{"21550", "21551"}));
  // Consolidation rows: the communes under the province, no district row.
  RunResult table = tree().Ctl("51", {"consolidate", "--period", "2025-H1"});
  ASSERT_EQ(table.exit_code, 0) << Describe(table);
  EXPECT_TRUE(absl::StrContains(table.out, "21550")) << table.out;
  EXPECT_FALSE(absl::StrContains(table.out, "\n522 ")) << table.out;

  absl::StatusOr<v1::StatusReply> status = tree().Status("51");
  ASSERT_TRUE(status.ok());
  for (const v1::LinkStatus& l : status->links()) {
    EXPECT_TRUE(l.refused().empty()) << l.peer();
  }
}

// A commune moved from one district to another while it holds a write its
// old district never received: the write reaches the province through the
// new district, and directives follow the new tree.
TEST_F(ReorganisationTest, CommuneMovedToAnotherDistrictKeepsItsUnsyncedWrites) {
  StartTree({"51", "522", "523", "21550"});
  std::string synced = Report("21550", "Báo cáo tiếp xúc cử tri trước kỳ họp");
  ASSERT_TRUE(tree().WaitForRecord("51", synced).ok());
  tree().Stop("522");
  std::string queued = Report("21550", "Báo cáo giám sát chuyên đề về đất đai");

  ExpectRefused("51", {"unit", "move", "21550", "--to", "529"}, "unknown unit 529");
  ExpectRefused("51", {"unit", "move", "21550", "--to", "522"}, "already under 522");
  ExpectRefused("51", {"unit", "move", "522", "--to", "21550"}, "cycle");
  ExpectRefused("523", {"unit", "move", "21550", "--to", "523"}, "21550");
  RunResult moved = tree().Ctl("51", {"unit", "move", "21550", "--to", "523"});
  ASSERT_EQ(moved.exit_code, 0) << Describe(moved);
  EXPECT_TRUE(absl::StrContains(moved.out, "21550 now under 523")) << moved.out;

  tree().Reparent("21550", "523");
  ASSERT_TRUE(tree().Restart("21550").ok());
  for (const std::string at : {"523", "51"}) {
    for (const std::string& id : {synced, queued}) {
      absl::StatusOr<v1::Record> rec = tree().WaitForRecord(at, id);
      ASSERT_TRUE(rec.ok()) << at << " " << id << ": " << rec.status();
      EXPECT_EQ(rec->origin(), "21550");
    }
  }
  ASSERT_TRUE(tree().WaitSynced("21550").ok());
  EXPECT_EQ(Placement("51")["21550"], std::make_pair(std::string("523"), std::string()));
  EXPECT_EQ(Placement("523")["21550"], std::make_pair(std::string("523"), std::string()));

  EXPECT_EQ(IssueAndTrack("51", {"--to", "21550"}, "Báo cáo kết quả giải quyết kiến nghị"),
            std::vector<std::string>{"21550"});
  EXPECT_EQ(IssueAndTrack("523", {"--to-level", "commune"}, "Chuẩn bị kỳ họp cuối năm"),
            std::vector<std::string>{"21550"});
}

// A district merged into another: its commune moves under the absorbing
// district, and the merged district is no longer a directive's target nor a
// row of its own in consolidated tables.
TEST_F(ReorganisationTest, DistrictMergedIntoAnotherHandsOverItsCommunes) {
  StartTree({"51", "522", "523", "21580"});
  std::string before = Report("523", "Báo cáo kết quả hoạt động 6 tháng đầu năm");
  ASSERT_TRUE(tree().WaitForRecord("51", before).ok());

  ExpectRefused("51", {"unit", "merge", "523", "--into", "21580"}, "cycle");
  RunResult merged = tree().Ctl("51", {"unit", "merge", "523", "--into", "522"});
  ASSERT_EQ(merged.exit_code, 0) << Describe(merged);
  EXPECT_TRUE(absl::StrContains(merged.out, "21580 now under 522")) << merged.out;
  EXPECT_TRUE(absl::StrContains(merged.out, "523 merged into 522")) << merged.out;
  ExpectRefused("51", {"unit", "merge", "523", "--into", "522"}, "already merged into 522");
  ExpectRefused("51", {"unit", "move", "21580", "--to", "523"}, "was merged into 522");

  tree().Reparent("21580", "522");
  ASSERT_TRUE(tree().Restart("21580").ok());
  std::string after = Report("21580", "Báo cáo tiếp xúc cử tri sau sáp nhập");
  ASSERT_TRUE(tree().WaitForRecord("522", after).ok());
  ASSERT_TRUE(tree().WaitForRecord("51", after).ok());
  auto placement = Placement("51");
  EXPECT_EQ(placement["21580"], std::make_pair(std::string("522"), std::string()));
  EXPECT_EQ(placement["523"], std::make_pair(std::string("522"), std::string("522")));

  EXPECT_EQ(IssueAndTrack("51", {"--to-level", "district"}, "Tổng kết hoạt động năm 2025"),
            std::vector<std::string>{"522"});
  EXPECT_EQ(IssueAndTrack("51", {"--to-level", "commune"}, "Triển khai nghị quyết sáp nhập"),
            std::vector<std::string>{"21580"});
  // One row, 522's, counting 523's report and both units below it.
  RunResult table = tree().Ctl("51", {"--json", "consolidate", "--period", "2025-H1"});
  ASSERT_EQ(table.exit_code, 0) << Describe(table);
  v1::ConsolidateReply consolidated;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(table.out, &consolidated).ok()) << table.out;
  ASSERT_EQ(consolidated.rows_size(), 1) << table.out;
  EXPECT_EQ(consolidated.rows(0).unit(), "522");
  EXPECT_EQ(consolidated.rows(0).units(), 3u) << table.out;
  EXPECT_EQ(consolidated.rows(0).reports(), 2u) << table.out;
}

}  // namespace
}  // namespace council::itest
