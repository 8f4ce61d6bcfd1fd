// The live link (DESIGN.md property 5) and how status reports it: new
// writes are pushed as they happen once caught up; status shows the parent
// link connected with empty backlogs after convergence and disconnected once
// the parent stops; "synced" cannot be reached while the parent is down.
#include <chrono>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tree_harness.h"

namespace council::itest {
namespace {

using Clock = std::chrono::steady_clock;

class ReplicationLinkTest : public TreeTest {};

std::string ReportAt(CouncilTree& tree, const std::string& unit, int n) {
  absl::StatusOr<std::string> id = tree.Create(
      unit, {"report", "create", "--period", "2023-M09", "--title",
             absl::StrCat("Báo cáo nhanh số ", n, " về kỳ họp chuyên đề tháng 9 năm 2023"),
             "--metric", absl::StrCat("thematic_sessions=", n)});
  EXPECT_TRUE(id.ok()) << id.status();
  return id.value_or("");
}

// Expects a connected link with nothing pending either way.
void ExpectQuiet(const std::optional<v1::LinkStatus>& l, const std::string& role,
                 const std::string& where) {
  ASSERT_TRUE(l.has_value()) << where;
  EXPECT_EQ(l->role(), role) << where;
  EXPECT_TRUE(l->connected()) << where << ": " << l->DebugString();
  EXPECT_EQ(l->outbound_backlog(), 0u) << where << ": " << l->DebugString();
  EXPECT_EQ(l->inbound_backlog(), 0u) << where << ": " << l->DebugString();
  EXPECT_EQ(l->failed_attempts(), 0u) << where << ": " << l->DebugString();
}

TEST_F(ReplicationLinkTest, NewReportIsPushedToProvinceWithinBound) {
  StartTree({"51", "522", "21550"});
  ASSERT_FALSE(HasFatalFailure());
  // Bound of 5 s per report: generous, this is not a timing test; the
  // reconnect backoff plays no part since the links stay up.
  for (int n = 1; n <= 3; ++n) {
    const std::string id = ReportAt(tree(), "21550", n);
    ASSERT_FALSE(id.empty());
    const Clock::time_point written = Clock::now();
    absl::StatusOr<v1::Record> at_province =
        tree().WaitForRecord("51", id, milliseconds(5000));
    ASSERT_TRUE(at_province.ok()) << at_province.status();
    EXPECT_LT(Clock::now() - written, std::chrono::seconds(5));
    EXPECT_EQ(at_province->report().metrics().at("thematic_sessions"), n);
  }
}

TEST_F(ReplicationLinkTest, StatusShowsParentLinkStateAndBacklogs) {
  StartTree({"51", "522", "21550"});
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_FALSE(ReportAt(tree(), "21550", 1).empty());
  absl::Status synced = tree().WaitSyncedUp("21550");
  ASSERT_TRUE(synced.ok()) << synced;

  absl::StatusOr<v1::StatusReply> commune = tree().Status("21550");
  ASSERT_TRUE(commune.ok()) << commune.status();
  EXPECT_EQ(commune->parent_unit(), "522");
  EXPECT_EQ(commune->parent_address(), tree().listen_addr("522"));
  ASSERT_GE(commune->links_size(), 1);
  EXPECT_EQ(commune->links(0).peer(), "522") << "the parent link comes first";
  EXPECT_EQ(commune->links(0).address(), tree().listen_addr("522"));
  ExpectQuiet(CouncilTree::LinkTo(*commune, "522"), "parent", "21550 -> 522");
  absl::StatusOr<v1::StatusReply> district = tree().Status("522");
  ASSERT_TRUE(district.ok()) << district.status();
  ExpectQuiet(CouncilTree::LinkTo(*district, "51"), "parent", "522 -> 51");
  ExpectQuiet(CouncilTree::LinkTo(*district, "21550"), "child", "522 -> 21550");
  absl::StatusOr<v1::StatusReply> province = tree().Status("51");
  ASSERT_TRUE(province.ok()) << province.status();
  ExpectQuiet(CouncilTree::LinkTo(*province, "522"), "child", "51 -> 522");

  // The parent goes away: status says so, within a bound.
  ASSERT_EQ(tree().Stop("522"), 0) << tree().node("522").Stderr();
  std::optional<v1::LinkStatus> up;
  absl::Status down = WaitFor(
      [&] {
        absl::StatusOr<v1::StatusReply> s = tree().Status("21550");
        up = s.ok() ? CouncilTree::LinkTo(*s, "522") : std::nullopt;
        return up.has_value() && !up->connected();
      },
      milliseconds(10000), "21550 showing its parent link down",
      [&] { return up ? up->DebugString() : std::string("no link"); });
  ASSERT_TRUE(down.ok()) << down;
  EXPECT_EQ(up->role(), "parent");
  EXPECT_FALSE(up->last_error().empty()) << up->DebugString();
  absl::Status province_side = WaitFor(
      [&] {
        absl::StatusOr<v1::StatusReply> s = tree().Status("51");
        up = s.ok() ? CouncilTree::LinkTo(*s, "522") : std::nullopt;
        return up.has_value() && !up->connected();
      },
      milliseconds(10000), "51 showing its child link down",
      [&] { return up ? up->DebugString() : std::string("no link"); });
  EXPECT_TRUE(province_side.ok()) << province_side;

  // "Synced" cannot be reached with the parent down: sync wait --timeout 2
  // (or the harness's equivalent) fails, promptly.
  const Clock::time_point asked = Clock::now();
  if (CtlHasSyncWait()) {
    RunResult r = tree().Ctl("21550", {"sync", "wait", "--timeout", "2"}, milliseconds(15000));
    EXPECT_FALSE(r.timed_out) << Describe(r);
    EXPECT_NE(r.exit_code, 0) << Describe(r);
  } else {
    absl::Status s = tree().WaitSynced("21550", milliseconds(2000));
    EXPECT_TRUE(absl::IsDeadlineExceeded(s)) << s;
  }
  EXPECT_LT(Clock::now() - asked, std::chrono::seconds(12));

  // A write while the parent is down is outbound backlog until it returns.
  ASSERT_FALSE(ReportAt(tree(), "21550", 2).empty());
  commune = tree().Status("21550");
  ASSERT_TRUE(commune.ok()) << commune.status();
  EXPECT_EQ(CouncilTree::LinkTo(*commune, "522")->outbound_backlog(), 1u);

  // It keeps trying: each failed attempt is counted, and status shows them.
  absl::Status retried = WaitFor(
      [&] {
        absl::StatusOr<v1::StatusReply> s = tree().Status("21550");
        up = s.ok() ? CouncilTree::LinkTo(*s, "522") : std::nullopt;
        return up.has_value() && up->failed_attempts() >= 2;
      },
      milliseconds(20000), "21550 counting failed attempts to reach 522",
      [&] { return up ? up->DebugString() : std::string("no link"); });
  ASSERT_TRUE(retried.ok()) << retried;
  RunResult shown = tree().Ctl("21550", {"status"});
  EXPECT_TRUE(absl::StrContains(shown.out, ", failed attempts ")) << Describe(shown);

  ASSERT_TRUE(tree().Start("522").ok());
  synced = tree().WaitSyncedUp("21550");
  ASSERT_TRUE(synced.ok()) << synced;
  commune = tree().Status("21550");
  ASSERT_TRUE(commune.ok()) << commune.status();
  ExpectQuiet(CouncilTree::LinkTo(*commune, "522"), "parent", "21550 -> 522 after restart");
  EXPECT_GE(CouncilTree::LinkTo(*commune, "522")->reconnects(), 1u);
}

}  // namespace
}  // namespace council::itest
