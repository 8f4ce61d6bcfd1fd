// Reorganising the tree (issue 8): the district level is removed while its
// communes hold writes the province has not seen — some still in the
// communes' outboxes, some already at the district — and everything reaches
// the province under the new tree, attributed to its original unit.
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
  absl::StatusOr<std::string> directive = tree().Create(
      "51", {"directive", "issue", "--title", "Triển khai mô hình chính quyền hai cấp", "--due",
             "2026-12-31", "--to-level", "commune"});
  ASSERT_TRUE(directive.ok()) << directive.status();
  for (const std::string commune : {"21550", "21551"}) {
    ASSERT_TRUE(tree().WaitForRecord(commune, *directive).ok()) << commune;
  }
  v1::TrackReply track;
  absl::Status receipts = WaitFor(
      [&] {
        RunResult r = tree().Ctl("51", {"--json", "directive", "track", *directive});
        track.Clear();
        if (r.exit_code != 0 || !google::protobuf::util::JsonStringToMessage(r.out, &track).ok()) {
          return false;
        }
        int received = 0;
        for (const v1::TargetStatus& t : track.targets()) received += t.received_ms() > 0;
        return received == track.targets_size() && received > 0;
      },
      milliseconds(20000), "the communes' receipts at the province");
  EXPECT_TRUE(receipts.ok()) << receipts << "\n" << track.DebugString();
  std::vector<std::string> targets;
  for (const v1::TargetStatus& t : track.targets()) targets.push_back(t.unit());
  EXPECT_EQ(targets, (std::vector<std::string>{"21550", "21551"})) << track.DebugString();
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

}  // namespace
}  // namespace council::itest
