// Record ids, unit ids, kinds and levels (node/core/{ids,kinds,levels}.h).
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "node/core/ids.h"
#include "node/core/kinds.h"
#include "node/core/levels.h"

namespace council::core {
namespace {

TEST(RecordId, MakeAndParseRoundTrip) {
  EXPECT_EQ(MakeRecordId("51", 3), "51:3");
  EXPECT_EQ(MakeRecordId("21550", 17), "21550:17");
  for (const char* id : {"51:3", "21550:17", "522:1", "ha-noi_01:18446744073709551615"}) {
    absl::StatusOr<RecordIdParts> p = ParseRecordId(id);
    ASSERT_TRUE(p.ok()) << id << ": " << p.status();
    EXPECT_EQ(MakeRecordId(p->origin, p->seq), id);
  }
  absl::StatusOr<RecordIdParts> p = ParseRecordId("21550:17");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->origin, "21550");
  EXPECT_EQ(p->seq, 17u);
}

TEST(RecordId, RejectsMalformedIds) {
  for (const char* id : {"", "51", "51:", ":3", "51:0", "51:-3", "51:+3", "51:x",
                         "51:3x", "51 :3", "5 1:3", "Đức:3", "51:3:4x",
                         "51:18446744073709551616", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:1"}) {
    absl::StatusOr<RecordIdParts> p = ParseRecordId(id);
    EXPECT_FALSE(p.ok()) << "'" << id << "' parsed as " << (p.ok() ? p->origin : "");
    if (!p.ok()) {
      EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

// An id names exactly one record: text that is not the canonical spelling of
// (origin, n) must not be accepted as an alias of "51:3".
TEST(RecordId, RejectsNonCanonicalSpellings) {
  for (const char* id : {"51: 3", "51:3 ", "51:\t3", "51:3\n", "51:03", "51:003"}) {
    absl::StatusOr<RecordIdParts> p = ParseRecordId(id);
    EXPECT_FALSE(p.ok()) << "'" << id << "' was accepted as " << p->origin << ":" << p->seq;
  }
}

TEST(RecordId, ErrorShowsTheBadIdAndTheShape) {
  absl::StatusOr<RecordIdParts> p = ParseRecordId("51-3");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("51-3"), std::string::npos) << p.status();
  EXPECT_NE(p.status().message().find("<unit>:<number>"), std::string::npos) << p.status();
}

TEST(UnitId, Rules) {
  EXPECT_TRUE(ValidateUnitId("51").ok());
  EXPECT_TRUE(ValidateUnitId("21550").ok());
  EXPECT_TRUE(ValidateUnitId("HN-ba_dinh").ok());
  EXPECT_TRUE(ValidateUnitId(std::string(32, 'a')).ok());
  EXPECT_FALSE(ValidateUnitId(std::string(33, 'a')).ok());
  EXPECT_FALSE(ValidateUnitId("").ok());
  EXPECT_FALSE(ValidateUnitId("51:3").ok());
  EXPECT_FALSE(ValidateUnitId("Phổ Vinh").ok());
  absl::Status s = ValidateUnitId("a b", "--unit");
  EXPECT_NE(s.message().find("--unit"), std::string::npos) << s;
}

TEST(Kinds, NamesAndParseAreInverse) {
  std::set<std::string> names;
  for (Kind k : AllKinds()) {
    std::string name = KindName(k);
    EXPECT_FALSE(name.empty());
    names.insert(name);
    absl::StatusOr<Kind> parsed = ParseKind(name);
    ASSERT_TRUE(parsed.ok()) << name;
    EXPECT_EQ(*parsed, k);
  }
  EXPECT_EQ(names, (std::set<std::string>{"report", "conclusion", "directive",
                                          "directive_update", "petition",
                                          "petition_answer", "unit"}));
  EXPECT_EQ(KindName(v1::Record::BODY_NOT_SET), "");
  v1::Record r;
  r.mutable_petition_answer();
  EXPECT_EQ(KindName(r), "petition_answer");
}

TEST(Kinds, ParseRejectsUnknownAndListsKinds) {
  for (const char* bad : {"", "reports", "Report", "REPORT", "directive-update", "thông báo"}) {
    absl::StatusOr<Kind> k = ParseKind(bad);
    ASSERT_FALSE(k.ok()) << bad;
    EXPECT_EQ(k.status().code(), absl::StatusCode::kInvalidArgument);
  }
  absl::StatusOr<Kind> k = ParseKind("memo");
  EXPECT_NE(k.status().message().find("memo"), std::string::npos);
  EXPECT_NE(k.status().message().find("petition_answer"), std::string::npos);
}

TEST(Levels, ParseNamesAndEnumNames) {
  EXPECT_EQ(ParseLevel("province").value(), v1::LEVEL_PROVINCE);
  EXPECT_EQ(ParseLevel("district").value(), v1::LEVEL_DISTRICT);
  EXPECT_EQ(ParseLevel("commune").value(), v1::LEVEL_COMMUNE);
  EXPECT_EQ(ParseLevel("national").value(), v1::LEVEL_NATIONAL);
  EXPECT_EQ(ParseLevel("Commune").value(), v1::LEVEL_COMMUNE);
  EXPECT_EQ(ParseLevel("LEVEL_DISTRICT").value(), v1::LEVEL_DISTRICT);
  for (v1::Level l : {v1::LEVEL_NATIONAL, v1::LEVEL_PROVINCE, v1::LEVEL_DISTRICT,
                      v1::LEVEL_COMMUNE}) {
    EXPECT_EQ(ParseLevel(LevelName(l)).value(), l);
  }
  EXPECT_EQ(LevelName(v1::LEVEL_UNSPECIFIED), "");
}

TEST(Levels, ParseRejectsOthers) {
  for (const char* bad : {"", "county", "xa", "level_", "LEVEL_UNSPECIFIED", "unspecified",
                          "1", "communes", " commune"}) {
    absl::StatusOr<v1::Level> l = ParseLevel(bad);
    EXPECT_FALSE(l.ok()) << "'" << bad << "'";
  }
  absl::StatusOr<v1::Level> l = ParseLevel("county");
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(l.status().message().find("county"), std::string::npos);
}

TEST(Levels, RankOrdersFromTheTop) {
  EXPECT_LT(LevelRank(v1::LEVEL_NATIONAL), LevelRank(v1::LEVEL_PROVINCE));
  EXPECT_LT(LevelRank(v1::LEVEL_PROVINCE), LevelRank(v1::LEVEL_DISTRICT));
  EXPECT_LT(LevelRank(v1::LEVEL_DISTRICT), LevelRank(v1::LEVEL_COMMUNE));
  EXPECT_EQ(LevelRank(v1::LEVEL_NATIONAL), 0);
  EXPECT_EQ(LevelRank(v1::LEVEL_COMMUNE), 3);
  // Unspecified sits below everything: nothing is "under" it.
  EXPECT_GT(LevelRank(v1::LEVEL_UNSPECIFIED), LevelRank(v1::LEVEL_COMMUNE));
}

}  // namespace
}  // namespace council::core
