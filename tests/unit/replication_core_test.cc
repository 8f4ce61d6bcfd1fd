// The replication core's pieces one by one: unit tree, routing, link cursor
// rules, backoff. (The whole is exercised by tests/simulation.)
#include "gtest/gtest.h"
#include "node/core/authorize.h"
#include "node/core/backoff.h"
#include "node/core/link.h"
#include "node/core/routing.h"
#include "node/core/unit_tree.h"
#include "test_records.h"

namespace council::core {
namespace {

using ::council::testing::UnitRecord;


// 51 ─┬─ 522 ─┬─ 21550
//     │       └─ 21553
//     └─ 527 ─── 21580
UnitTree SampleTree() {
  UnitTree t;
  t.Upsert(UnitRecord("51", "51", "", v1::LEVEL_PROVINCE));
  t.Upsert(UnitRecord("522", "522", "51", v1::LEVEL_DISTRICT));
  t.Upsert(UnitRecord("527", "527", "51", v1::LEVEL_DISTRICT));
  t.Upsert(UnitRecord("21550", "21550", "522", v1::LEVEL_COMMUNE));
  t.Upsert(UnitRecord("21553", "21553", "522", v1::LEVEL_COMMUNE));
  t.Upsert(UnitRecord("21580", "21580", "527", v1::LEVEL_COMMUNE));
  return t;
}

v1::Record Directive(const std::string& origin, v1::ScopeKind kind) {
  v1::Record r;
  r.set_id(origin + ":9");
  r.set_origin(origin);
  r.mutable_directive()->mutable_scope()->set_kind(kind);
  r.mutable_directive()->set_due_date("2023-12-15");
  return r;
}

TEST(UnitTree, AncestryAndChildren) {
  UnitTree t = SampleTree();
  EXPECT_TRUE(t.InSubtree("21550", "51"));
  EXPECT_TRUE(t.InSubtree("21550", "21550"));
  EXPECT_FALSE(t.InSubtree("21580", "522"));
  EXPECT_EQ(t.ChildrenOf("522"), (std::vector<std::string>{"21550", "21553"}));
  EXPECT_EQ(t.ChildTowards("51", "21553"), "522");
  EXPECT_EQ(t.ChildTowards("522", "21580"), "");
}

TEST(UnitTree, OwnRecordBeatsRegistrationWhateverTheOrder) {
  UnitTree t;
  t.Upsert(UnitRecord("21583", "21583", "527", v1::LEVEL_COMMUNE, 5));
  EXPECT_FALSE(t.Upsert(UnitRecord("51", "21583", "522", v1::LEVEL_COMMUNE, 9)));
  EXPECT_EQ(t.ParentOf("21583"), "527");
  EXPECT_TRUE(t.Upsert(UnitRecord("21583", "21583", "51", v1::LEVEL_COMMUNE, 10)));
  EXPECT_EQ(t.ParentOf("21583"), "51");  // re-parented by its own newer record
}

TEST(UnitTree, CyclesDoNotHang) {
  UnitTree t;
  t.Upsert(UnitRecord("a", "a", "b", v1::LEVEL_DISTRICT));
  t.Upsert(UnitRecord("b", "b", "a", v1::LEVEL_DISTRICT));
  EXPECT_FALSE(t.InSubtree("a", "c"));
  EXPECT_EQ(t.ChildTowards("c", "a"), "");
}

TEST(Routing, UpIsTotalExceptBackToTheParent) {
  UnitTree t = SampleTree();
  v1::Record report;
  report.set_origin("21550");
  report.mutable_report()->set_period("2023");
  EXPECT_TRUE(RouteRecord(report, {"522", "51"}, t, "21550").up);
  EXPECT_TRUE(RouteRecord(report, {"522", "51"}, t, "").up);
  EXPECT_TRUE(RouteRecord(report, {"522", "51"}, t, "21550").children.empty());
  EXPECT_FALSE(RouteRecord(report, {"51", ""}, t, "522").up);
  EXPECT_FALSE(RouteRecord(Directive("51", v1::SCOPE_SUBTREE), {"522", "51"}, t, "51").up);
}

TEST(Routing, NamedUnitsGoOnlyTowardsThem) {
  UnitTree t = SampleTree();
  v1::Record d = Directive("51", v1::SCOPE_UNITS);
  d.mutable_directive()->mutable_scope()->add_units("21580");
  EXPECT_EQ(RouteRecord(d, {"51", ""}, t, "").children, (std::vector<std::string>{"527"}));
  EXPECT_EQ(RouteRecord(d, {"527", "51"}, t, "51").children, (std::vector<std::string>{"21580"}));
  EXPECT_TRUE(RouteRecord(d, {"522", "51"}, t, "51").children.empty());
  EXPECT_TRUE(IsDirectiveTarget(d, "21580", t));
  EXPECT_FALSE(IsDirectiveTarget(d, "527", t));
}

TEST(Routing, LevelUnderAUnitReachesThatUnitsCommunesOnly) {
  UnitTree t = SampleTree();
  v1::Record d = Directive("51", v1::SCOPE_LEVEL);
  d.mutable_directive()->mutable_scope()->set_level(v1::LEVEL_COMMUNE);
  d.mutable_directive()->mutable_scope()->set_under("522");
  EXPECT_EQ(RouteRecord(d, {"51", ""}, t, "").children, (std::vector<std::string>{"522"}));
  EXPECT_EQ(RouteRecord(d, {"522", "51"}, t, "51").children,
            (std::vector<std::string>{"21550", "21553"}));
  EXPECT_TRUE(IsDirectiveTarget(d, "21553", t));
  EXPECT_FALSE(IsDirectiveTarget(d, "21580", t));
  EXPECT_FALSE(IsDirectiveTarget(d, "522", t));
}

TEST(Routing, DistrictLevelStopsAtDistricts) {
  UnitTree t = SampleTree();
  v1::Record d = Directive("51", v1::SCOPE_LEVEL);
  d.mutable_directive()->mutable_scope()->set_level(v1::LEVEL_DISTRICT);
  EXPECT_EQ(RouteRecord(d, {"51", ""}, t, "").children, (std::vector<std::string>{"522", "527"}));
  EXPECT_TRUE(RouteRecord(d, {"522", "51"}, t, "51").children.empty());
  EXPECT_TRUE(IsDirectiveTarget(d, "527", t));
}

TEST(Routing, SubtreeOfADistrictNeverCrossesToASibling) {
  UnitTree t = SampleTree();
  v1::Record d = Directive("522", v1::SCOPE_SUBTREE);
  // At the province, arriving from 522: it only goes up (nowhere: root).
  EXPECT_TRUE(RouteRecord(d, {"51", ""}, t, "522").children.empty());
  EXPECT_EQ(RouteRecord(d, {"522", "51"}, t, "").children,
            (std::vector<std::string>{"21550", "21553"}));
}

TEST(Routing, PetitionAnswerGoesToTheRecordingCouncil) {
  UnitTree t = SampleTree();
  v1::Record a;
  a.set_origin("51");
  a.mutable_petition_answer()->set_petition_id("21553:4");
  EXPECT_EQ(RouteRecord(a, {"51", ""}, t, "").children, (std::vector<std::string>{"522"}));
  EXPECT_EQ(RouteRecord(a, {"522", "51"}, t, "51").children, (std::vector<std::string>{"21553"}));
}

TEST(Routing, UnitRecordsReachThePathAndEveryoneBelow) {
  UnitTree t = SampleTree();
  v1::Record own = UnitRecord("51", "51", "", v1::LEVEL_PROVINCE);
  EXPECT_EQ(RouteRecord(own, {"51", ""}, t, "").children, (std::vector<std::string>{"522", "527"}));
  v1::Record reg = UnitRecord("51", "21583", "527", v1::LEVEL_COMMUNE);
  t.Upsert(reg);
  EXPECT_EQ(RouteRecord(reg, {"51", ""}, t, "").children, (std::vector<std::string>{"527"}));
}

TEST(Authorize, AChildSpeaksOnlyForItsSubtree) {
  UnitTree t = SampleTree();
  NodePlace district{"522", "51"};
  v1::Record report;
  report.set_id("21550:3");
  report.set_origin("21550");
  report.mutable_report()->set_period("2023");
  EXPECT_TRUE(AuthorizeArrival(report, district, t, "21550").ok());
  EXPECT_TRUE(AuthorizeArrival(report, district, t, "").ok());  // local import
  report.set_origin("21553");  // a sibling's origin, pushed by 21550
  report.set_id("21553:3");
  absl::Status s = AuthorizeArrival(report, district, t, "21550");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("21553"), std::string::npos);
  // A forged directive "from the province", pushed up by a commune.
  v1::Record forged = Directive("51", v1::SCOPE_SUBTREE);
  EXPECT_FALSE(AuthorizeArrival(forged, district, t, "21550").ok());
}

TEST(Authorize, ANewUnitMayIntroduceItselfBelowTheChild) {
  UnitTree t = SampleTree();
  NodePlace province{"51", ""};
  v1::Record intro = UnitRecord("21559", "21559", "21550", v1::LEVEL_COMMUNE);
  EXPECT_TRUE(AuthorizeArrival(intro, province, t, "522").ok());
  v1::Record elsewhere = UnitRecord("21559", "21559", "21580", v1::LEVEL_COMMUNE);
  EXPECT_FALSE(AuthorizeArrival(elsewhere, province, t, "522").ok());
}

TEST(Authorize, AParentSendsAncestorsRecordsOrWhatAddressesUs) {
  UnitTree t = SampleTree();
  NodePlace commune{"21550", "522"};
  EXPECT_TRUE(AuthorizeArrival(Directive("51", v1::SCOPE_SUBTREE), commune, t, "522").ok());
  v1::Record sibling;
  sibling.set_id("21553:2");
  sibling.set_origin("21553");
  sibling.mutable_report()->set_period("2023");
  EXPECT_FALSE(AuthorizeArrival(sibling, commune, t, "522").ok());
}

TEST(OutboxSender, PipelinesWithinTheWindowAndResumesAfterThePeer) {
  OutboxSender s(2);
  s.Start(10);  // the peer holds our outbox through 10
  EXPECT_EQ(s.next(), 11u);
  EXPECT_FALSE(s.CanSend(10));
  EXPECT_TRUE(s.CanSend(30));
  s.OnSent(15);
  s.OnSent(20);
  EXPECT_FALSE(s.CanSend(30));  // two batches in flight
  s.OnAck(15);
  EXPECT_TRUE(s.CanSend(30));
  EXPECT_EQ(s.acked(), 15u);
  s.OnAck(12);  // a late, older ack changes nothing
  EXPECT_EQ(s.acked(), 15u);
  s.OnAck(25);  // the peer holds more than was sent: skip ahead
  EXPECT_EQ(s.next(), 26u);
  EXPECT_EQ(s.in_flight(), 0u);
}

TEST(CheckBatch, AppliesContiguousIgnoresOldRefusesGaps) {
  EXPECT_EQ(CheckBatch(10, 11, 20), BatchCheck::kApply);
  EXPECT_EQ(CheckBatch(10, 5, 12), BatchCheck::kApply);  // overlap: re-applying is harmless
  EXPECT_EQ(CheckBatch(10, 3, 10), BatchCheck::kStale);
  EXPECT_EQ(CheckBatch(10, 12, 20), BatchCheck::kGap);
  EXPECT_EQ(CheckBatch(10, 0, 5), BatchCheck::kInvalid);
  EXPECT_EQ(CheckBatch(10, 9, 8), BatchCheck::kInvalid);
}

TEST(Backoff, GrowsDoublesAndCaps) {
  BackoffPolicy p{250, 30000};
  EXPECT_EQ(BackoffDelayMs(p, 0, 0.5), 250);
  EXPECT_EQ(BackoffDelayMs(p, 1, 0.5), 500);
  EXPECT_EQ(BackoffDelayMs(p, 3, 0.5), 2000);
  EXPECT_EQ(BackoffDelayMs(p, 40, 0.5), 30000);
  EXPECT_EQ(BackoffDelayMs(p, 40, 0.0), 15000);
  EXPECT_LT(BackoffDelayMs(p, 40, 0.999), 45000);
}

}  // namespace
}  // namespace council::core
