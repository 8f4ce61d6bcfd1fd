// Reorganisation in the core (node/core/reorganise.h, unit_tree.h): who may
// place a unit, which record places it, and the drafts of move, merge and
// dissolve.
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "node/core/hub.h"
#include "node/core/reorganise.h"
#include "node/core/routing.h"
#include "test_records.h"

namespace council::core {
namespace {

using ::council::testing::UnitRecord;


v1::Record Reorg(v1::Record draft, const std::string& origin, uint64_t hlc) {
  draft.set_origin(origin);
  draft.set_hlc(hlc);
  return draft;
}

// 51 ─┬─ 522 ─┬─ 21550
//     │       └─ 21553
//     └─ 527 ── 21580
UnitTree Tree() {
  UnitTree t;
  t.Upsert(UnitRecord("51", "51", "", v1::LEVEL_PROVINCE, 1));
  t.Upsert(UnitRecord("522", "522", "51", v1::LEVEL_DISTRICT, 1));
  t.Upsert(UnitRecord("527", "527", "51", v1::LEVEL_DISTRICT, 1));
  t.Upsert(UnitRecord("21550", "21550", "522", v1::LEVEL_COMMUNE, 1));
  t.Upsert(UnitRecord("21553", "21553", "522", v1::LEVEL_COMMUNE, 1));
  t.Upsert(UnitRecord("21580", "21580", "527", v1::LEVEL_COMMUNE, 1));
  return t;
}

TEST(Reorganise, DissolvingADistrictMovesItsCommunesUpAndMergesIt) {
  UnitTree t = Tree();
  absl::StatusOr<std::vector<v1::Record>> drafts = DissolveDrafts(t, "51", "522");
  ASSERT_TRUE(drafts.ok()) << drafts.status();
  ASSERT_EQ(drafts->size(), 3u);
  uint64_t hlc = 10;
  for (const v1::Record& d : *drafts) EXPECT_TRUE(t.Upsert(Reorg(d, "51", hlc++)));
  EXPECT_EQ(t.ParentOf("21550"), "51");
  EXPECT_EQ(t.ParentOf("21553"), "51");
  EXPECT_TRUE(t.Merged("522"));
  EXPECT_EQ(t.ParentOf("522"), "51");
  // Consolidation rows skip the merged district; directives no longer target it.
  EXPECT_EQ(RowUnits(t, "51", v1::LEVEL_UNSPECIFIED),
            (std::vector<std::string>{"21550", "21553", "527"}));
  EXPECT_EQ(RowUnits(t, "51", v1::LEVEL_DISTRICT), (std::vector<std::string>{"527"}));
  v1::Record directive;
  directive.set_origin("51");
  directive.mutable_directive()->mutable_scope()->set_kind(v1::SCOPE_SUBTREE);
  EXPECT_FALSE(IsDirectiveTarget(directive, "522", t));
  EXPECT_TRUE(IsDirectiveTarget(directive, "21550", t));
}

TEST(Reorganise, ANewerReorganisationBeatsTheOwnRecordAndAnOlderOneDoesNot) {
  UnitTree t = Tree();
  v1::Record move = (*MoveDrafts(t, "51", "21550", "527"))[0];
  t.Upsert(Reorg(move, "51", 5));
  EXPECT_EQ(t.ParentOf("21550"), "527");
  // The commune's own record from before the move does not undo it...
  EXPECT_FALSE(t.Upsert(UnitRecord("21550", "21550", "522", v1::LEVEL_COMMUNE, 4)));
  EXPECT_EQ(t.ParentOf("21550"), "527");
  // ...its node, re-pointed at the new parent, agrees with it later on.
  t.Upsert(UnitRecord("21550", "21550", "527", v1::LEVEL_COMMUNE, 8));
  EXPECT_EQ(t.ParentOf("21550"), "527");
  EXPECT_EQ(t.Find("21550")->name(), "HĐND 21550");
}

TEST(Reorganise, OnlyAnAncestorPlacesAUnit) {
  UnitTree t = Tree();
  v1::Record move = (*MoveDrafts(t, "51", "21553", "527"))[0];
  EXPECT_FALSE(t.Upsert(Reorg(move, "21550", 9)));  // a sibling commune
  EXPECT_FALSE(t.Upsert(Reorg(move, "527", 9)));    // the destination, not an ancestor
  EXPECT_EQ(t.ParentOf("21553"), "522");
  EXPECT_TRUE(t.Upsert(Reorg(move, "51", 9)));
  EXPECT_EQ(t.ParentOf("21553"), "527");
}

TEST(Reorganise, RefusesWhatTheOperatorMayNotDo) {
  UnitTree t = Tree();
  auto refused = [](const absl::StatusOr<std::vector<v1::Record>>& d, absl::string_view why) {
    EXPECT_FALSE(d.ok());
    EXPECT_TRUE(absl::StrContains(d.status().message(), why)) << d.status();
  };
  refused(MoveDrafts(t, "522", "21550", "527"), "not this node");       // not a common ancestor
  refused(MoveDrafts(t, "51", "522", "21550"), "cycle");                // under its own child
  refused(MoveDrafts(t, "51", "51", "522"), "not below this node");     // the root itself
  refused(MoveDrafts(t, "51", "21550", "99999"), "unknown unit 99999");
  refused(MoveDrafts(t, "51", "21550", "522"), "already under");
  refused(DissolveDrafts(t, "51", "51"), "has no parent");
  std::vector<v1::Record> dissolve = *DissolveDrafts(t, "51", "522");
  for (const v1::Record& d : dissolve) t.Upsert(Reorg(d, "51", 20));
  refused(MoveDrafts(t, "51", "21550", "522"), "was merged into 51");
}

}  // namespace
}  // namespace council::core
