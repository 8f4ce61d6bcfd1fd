// search at the province (case and diacritics ignored, every word required,
// title above body, --kind / --under / --limit), and the flag checks every
// hub command makes before it sends anything.
#include <algorithm>
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "hub_fixture.h"

namespace council::itest {
namespace {

std::vector<std::string> Ids(const std::vector<v1::SearchHit>& hits) {
  std::vector<std::string> ids;
  for (const v1::SearchHit& h : hits) ids.push_back(h.id());
  return ids;
}

bool Has(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

class HubSearchTest : public HubTest {
 protected:
  std::vector<v1::SearchHit> Search(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"search"};
    all.insert(all.end(), args.begin(), args.end());
    return JsonLines<v1::SearchHit>("51", all);
  }
};

TEST_F(HubSearchTest, FoldedWordsKindsAndRanking) {
  StartHub({"51", "522", "21553"});
  std::string conclusion = Create("522", {
      "conclusion", "create", "--title",
      "Kết luận Hội nghị giao ban Thường trực HĐND thị xã tháng 8 năm 2023", "--meeting-date",
      "2023-08-25", "--meeting-kind", "giao ban", "--chair", "Phó Chủ tịch HĐND thị xã",
      "--task", "Đôn đốc các phường hoàn thành báo cáo 8 tháng đầu năm", "--number",
      "86/TB-HĐND"});
  std::string body_only = Create("21553", {
      "report", "create", "--period", "2023-YTD08", "--title",
      "Báo cáo tình hình tiếp xúc cử tri 8 tháng đầu năm 2023", "--body-file",
      WriteTemp("bc.txt", "Thực hiện Kết luận Hội nghị giao ban của Thường trực HĐND thị xã, "
                          "phường đã tổ chức 11 buổi tiếp xúc cử tri.\n")});
  std::string partial = Create("21553", {"report", "create", "--period", "2023-Q3", "--title",
                                         "Báo cáo kết quả giám sát quý III năm 2023"});
  std::string directive = Create("51", {"directive", "issue", "--title",
                                        "Đôn đốc giải quyết kiến nghị cử tri trước kỳ họp",
                                        "--due", "2023-12-15", "--to-subtree"});
  SyncDownAndUp();

  std::vector<v1::SearchHit> hits = Search({"ket", "luan", "giao", "ban"});
  std::vector<std::string> ids = Ids(hits);
  ASSERT_GE(ids.size(), 2u);
  EXPECT_EQ(ids[0], conclusion);
  EXPECT_EQ(hits[0].kind(), "conclusion");
  EXPECT_EQ(hits[0].unit(), "522");
  EXPECT_EQ(hits[0].title(), "Kết luận Hội nghị giao ban Thường trực HĐND thị xã tháng 8 năm 2023");
  EXPECT_TRUE(Has(ids, body_only));
  EXPECT_FALSE(Has(ids, partial)) << "every word must match";
  EXPECT_GT(hits[0].score(), hits[std::find(ids.begin(), ids.end(), body_only) - ids.begin()].score());

  std::vector<std::string> upper = Ids(Search({"KẾT LUẬN"}));
  EXPECT_TRUE(Has(upper, conclusion));
  EXPECT_TRUE(Has(upper, body_only));
  std::vector<std::string> accented = Ids(Search({"đôn", "đốc"}));
  EXPECT_EQ(accented, Ids(Search({"don doc"})));
  ASSERT_GE(accented.size(), 2u);
  EXPECT_EQ(accented[0], directive) << "title above a task";
  EXPECT_TRUE(Has(accented, conclusion));

  std::vector<v1::SearchHit> directives = Search({"don", "doc", "--kind", "directive"});
  ASSERT_EQ(directives.size(), 1u);
  EXPECT_EQ(directives[0].id(), directive);
  std::vector<v1::SearchHit> conclusions = Search({"ket luan giao ban", "--kind", "conclusion"});
  ASSERT_EQ(conclusions.size(), 1u);
  EXPECT_EQ(conclusions[0].id(), conclusion);
  EXPECT_EQ(Ids(Search({"ket luan giao ban", "--under", "21553"})),
            std::vector<std::string>{body_only});
  EXPECT_EQ(Ids(Search({"ket luan giao ban", "--limit", "1"})), std::vector<std::string>{conclusion});
  EXPECT_TRUE(Search({"khủng", "long"}).empty());
  EXPECT_EQ(CtlOk("51", {"search", "khủng", "long"}), "SCORE  ID  KIND  UNIT  DATE  TITLE\n");
}

TEST_F(HubSearchTest, TableAndCsv) {
  StartHub({"51"});
  std::string id = Create("51", {"conclusion", "create", "--title",
                                 "Kết luận phiên họp, \"giao ban\" Thường trực HĐND tỉnh",
                                 "--meeting-date", "2023-09-06", "--issued-on", "2023-09-08"});
  std::vector<std::string> table = Lines(CtlOk("51", {"search", "giao", "ban"}));
  ASSERT_EQ(table.size(), 2u);
  EXPECT_TRUE(absl::StartsWith(table[0], "SCORE  ID")) << table[0];
  EXPECT_TRUE(std::regex_match(table[1], std::regex("[0-9.]+ +" + id +
                                                    " +conclusion +51 +2023-09-08 +Kết luận.*")))
      << table[1];
  auto rows = CsvRows(CtlOk("51", {"search", "giao", "ban", "--csv"}),
                      {"id", "kind", "unit", "date", "title", "score"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["title"], "Kết luận phiên họp, \"giao ban\" Thường trực HĐND tỉnh");
  EXPECT_EQ(rows[0]["date"], "2023-09-08");
}

// Typographic punctuation common in official documents (“ ” – …) separates
// words: "giao ban" finds "Kết luận “giao ban” tháng 9".
TEST_F(HubSearchTest, TypographicPunctuationSeparatesWords) {
  StartHub({"51"});
  std::string id = Create("51", {"conclusion", "create", "--title",
                                 "Kết luận “giao ban” tháng 9 – năm 2023…", "--meeting-date",
                                 "2023-09-06"});
  EXPECT_EQ(Ids(Search({"giao", "ban"})), std::vector<std::string>{id});
  EXPECT_EQ(Ids(Search({"2023"})), std::vector<std::string>{id});
}

// Flag values are checked before anything is sent: a node that is not
// there is never reached (exit 2, not 1).
TEST(HubUsageTest, BadFlagsAreUsageErrors) {
  std::string nowhere = absl::StrCat("127.0.0.1:", UnusedPort());
  auto refused = [&](const std::vector<std::string>& args, const std::string& needle) {
    SCOPED_TRACE(absl::StrCat(args.empty() ? "" : args[0], " ", needle));
    ExpectOneLineError(RunCtl(nowhere, args), 2, {needle});
  };
  refused({"consolidate"}, "--period");
  refused({"consolidate", "--period", "2023-H3"}, "2023-H3");
  refused({"consolidate", "--period", "2023", "--level", "town"}, "town");
  refused({"consolidate", "--period", "2023", "--under", "5 1"}, "5 1");
  refused({"consolidate", "--period", "2023", "--csv", "--json"}, "--csv");
  refused({"missing", "--period", "23"}, "23");
  refused({"missing", "--period", "2023", "--level", "hamlet"}, "hamlet");
  refused({"directive", "track"}, "directive id");
  refused({"directive", "track", "51"}, "51");
  refused({"directive", "track", "51:1", "51:2"}, "51:2");
  refused({"petitions", "--under", "a/b"}, "a/b");
  refused({"petitions", "--open", "yes"}, "yes");
  refused({"search"}, "search text");
  refused({"search", "...", "!?"}, "no words");
  refused({"search", "ket", "--kind", "memo"}, "memo");
  refused({"search", "ket", "--limit", "-1"}, "--limit");
  ExpectOneLineError(RunCtl(nowhere, {"consolidate", "--period", "2023"}), 1, {"cannot reach"});

  const std::vector<std::pair<std::vector<std::string>, std::string>> help = {
      {{"consolidate"}, "directives_received,directives_done,directives_overdue"},
      {{"missing"}, "id,level,name,parent"},
      {{"directive", "track"}, "received_ms,done_ms,updated_ms,note,overdue"},
      {{"petitions"}, "age_days,overdue"},
      {{"search"}, "id,kind,unit,date,title"}};
  for (const auto& [command, names] : help) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    RunResult r = RunCtl(nowhere, args);
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    EXPECT_TRUE(absl::StrContains(r.out, names)) << r.out;
    EXPECT_TRUE(absl::StrContains(r.out, "--json")) << r.out;
  }
}

}  // namespace
}  // namespace council::itest
