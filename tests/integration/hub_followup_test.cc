// directive track and petitions at the province over a real tree: automatic
// receipts and a commune's "done" show per target, an overdue petition is
// listed until the province answers it, and the consolidation counts both.
#include <ctime>
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "hub_fixture.h"

namespace council::itest {
namespace {

// December of next year: a due date that is not past.
std::string FutureDue() {
  time_t now = time(nullptr);
  struct tm tm;
  gmtime_r(&now, &tm);
  return absl::StrCat(tm.tm_year + 1900 + 1, "-12-15");
}

const std::regex kMinute(R"(\d{4}-\d\d-\d\d \d\d:\d\d UTC)");

// The table line of `unit` in `table` (lines starting with it).
std::string LineOf(const std::string& table, const std::string& unit) {
  for (const std::string& line : Lines(table)) {
    if (absl::StartsWith(line, unit + " ")) return line;
  }
  return "";
}

class HubFollowUpTest : public HubTest {};

TEST_F(HubFollowUpTest, DirectiveTrackingAtTheProvince) {
  StartHub();
  std::string due = FutureDue();
  std::string d1 = Create("51", {"directive", "issue", "--title",
                                 "Đôn đốc tổ chức tiếp xúc cử tri trước kỳ họp cuối năm 2023",
                                 "--due", due, "--to-level", "commune", "--number", "215/HĐND-VP"});
  std::string d2 = Create("527", {"directive", "issue", "--title",
                                  "Đôn đốc gửi báo cáo kết quả giám sát chuyên đề", "--due",
                                  "2020-06-30", "--to", "21583"});
  SyncDownAndUp();
  std::string update = Create("21550", {"directive", "update", d1, "--status", "done", "--note",
                                        "Đã tổ chức 14 buổi tiếp xúc cử tri"});
  SyncUp();

  v1::TrackReply track = Json<v1::TrackReply>("51", {"directive", "track", d1});
  EXPECT_EQ(track.directive().id(), d1);
  ASSERT_EQ(track.targets_size(), 4) << track.DebugString();
  const std::vector<std::string> communes = {"21550", "21553", "21580", "21583"};
  for (int i = 0; i < 4; ++i) {
    const v1::TargetStatus& t = track.targets(i);
    SCOPED_TRACE(t.unit());
    EXPECT_EQ(t.unit(), communes[i]);
    EXPECT_GT(t.received_ms(), 0);
    EXPECT_FALSE(t.overdue());
    if (t.unit() == "21550") {
      EXPECT_EQ(t.status(), v1::DIRECTIVE_STATUS_DONE);
      EXPECT_GE(t.done_ms(), t.received_ms());
      EXPECT_EQ(t.note(), "Đã tổ chức 14 buổi tiếp xúc cử tri");
    } else {
      EXPECT_EQ(t.status(), v1::DIRECTIVE_STATUS_RECEIVED);
      EXPECT_EQ(t.done_ms(), 0);
    }
  }
  std::string table = CtlOk("51", {"directive", "track", d1});
  std::vector<std::string> lines = Lines(table);
  ASSERT_EQ(lines.size(), 6u) << table;
  EXPECT_TRUE(absl::StartsWith(lines[0], d1 + " \"Đôn đốc")) << lines[0];
  EXPECT_TRUE(absl::StrContains(lines[0], "due " + due)) << lines[0];
  EXPECT_TRUE(std::regex_match(lines[1], std::regex(
                  "UNIT +NAME +STATUS +RECEIVED +DONE +OVERDUE +NOTE"))) << lines[1];
  std::string done_line = LineOf(table, "21550");
  EXPECT_TRUE(std::regex_search(done_line, std::regex(
                  R"( done +\d{4}-\d\d-\d\d \d\d:\d\d UTC +\d{4}-\d\d-\d\d \d\d:\d\d UTC +no +Đã tổ chức)")))
      << done_line;
  std::string received_line = LineOf(table, "21580");
  EXPECT_TRUE(std::regex_search(received_line, std::regex(
                  R"( received +\d{4}-\d\d-\d\d \d\d:\d\d UTC +— +no)"))) << received_line;

  auto csv = CsvRows(CtlOk("51", {"directive", "track", d1, "--csv"}),
                     {"unit", "name", "status", "received_ms", "done_ms", "updated_ms", "note",
                      "overdue"});
  ASSERT_EQ(csv.size(), 4u);
  EXPECT_EQ(csv[0]["status"], "done");
  EXPECT_EQ(csv[0]["done_ms"], absl::StrCat(track.targets(0).done_ms()));
  EXPECT_EQ(csv[1]["status"], "received");
  EXPECT_EQ(csv[1]["overdue"], "false");

  // A directive past due, received but not done: overdue.
  v1::TrackReply late = Json<v1::TrackReply>("51", {"directive", "track", d2});
  ASSERT_EQ(late.targets_size(), 1);
  EXPECT_EQ(late.targets(0).unit(), "21583");
  EXPECT_EQ(late.targets(0).status(), v1::DIRECTIVE_STATUS_RECEIVED);
  EXPECT_TRUE(late.targets(0).overdue());
  EXPECT_TRUE(absl::StrContains(LineOf(CtlOk("51", {"directive", "track", d2}), "21583"), " yes"));

  v1::ConsolidateReply c = Json<v1::ConsolidateReply>("51", {"consolidate", "--period", "2023"});
  ASSERT_EQ(c.rows_size(), 2);
  EXPECT_EQ(c.rows(0).directives(), 2u);
  EXPECT_EQ(c.rows(0).directives_received(), 2u);
  EXPECT_EQ(c.rows(0).directives_done(), 1u);
  EXPECT_EQ(c.rows(1).directives(), 3u);
  EXPECT_EQ(c.rows(1).directives_overdue(), 1u);
  EXPECT_EQ(c.total().directives(), 5u);
  EXPECT_EQ(c.total().directives_received(), 5u);
  EXPECT_EQ(c.total().directives_done(), 1u);
  EXPECT_EQ(c.total().directives_overdue(), 1u);

  ExpectOneLineError(tree().Ctl("51", {"directive", "track", update}), 1, {"not a directive"});
  ExpectOneLineError(tree().Ctl("51", {"directive", "track", "51:999"}), 1, {"51:999"});
}

TEST_F(HubFollowUpTest, OverduePetitionUntilTheProvinceAnswers) {
  StartHub({"51", "522", "527", "21550", "21580"});
  std::string late = Create("21580", {
      "petition", "create", "--title",
      "Kiến nghị về việc chậm bồi thường, hỗ trợ khi thu hồi đất làm đường ven biển",
      "--field", "đất đai", "--competent-level", "province", "--due", "2020-01-31",
      "--petitioner", "Cử tri thôn Vĩnh Bình", "--location", "xã Đức Lợi"});
  const std::string quoted_title = "Kiến nghị \"khẩn\" về sạt lở bờ biển, đề nghị xây kè chắn sóng";
  std::string open = Create("21550", {"petition", "create", "--title", quoted_title, "--field",
                                      "thiên tai", "--competent-level", "province", "--due",
                                      FutureDue()});
  SyncUp();

  std::vector<v1::PetitionInfo> overdue = JsonLines<v1::PetitionInfo>("51", {"petitions", "--overdue"});
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].id(), late);
  EXPECT_EQ(overdue[0].unit(), "21580");
  EXPECT_TRUE(overdue[0].overdue());
  EXPECT_FALSE(overdue[0].answered());
  EXPECT_EQ(overdue[0].due_date(), "2020-01-31");
  EXPECT_EQ(overdue[0].competent_level(), v1::LEVEL_PROVINCE);
  EXPECT_EQ(JsonLines<v1::PetitionInfo>("51", {"petitions", "--open"}).size(), 2u);
  std::vector<v1::PetitionInfo> land =
      JsonLines<v1::PetitionInfo>("51", {"petitions", "--field", "DAT DAI"});
  ASSERT_EQ(land.size(), 1u);
  EXPECT_EQ(land[0].id(), late);
  EXPECT_TRUE(absl::StrContains(LineOf(CtlOk("51", {"petitions", "--overdue"}), late),
                                " OVERDUE "));
  auto csv = CsvRows(CtlOk("51", {"petitions", "--csv"}),
                     {"id", "unit", "title", "field", "competent_level", "due_date",
                      "recorded_ms", "answered", "answered_ms", "answer_id", "age_days",
                      "overdue"});
  ASSERT_EQ(csv.size(), 2u);
  EXPECT_EQ(csv[0]["id"], late);  // oldest first
  EXPECT_EQ(csv[0]["overdue"], "true");
  EXPECT_EQ(csv[1]["title"], quoted_title);
  EXPECT_EQ(csv[1]["field"], "thiên tai");
  v1::ConsolidateReply before = Json<v1::ConsolidateReply>("51", {"consolidate", "--period", "2023"});
  EXPECT_EQ(before.total().petitions(), 2u);
  EXPECT_EQ(before.total().petitions_overdue(), 1u);
  EXPECT_EQ(before.rows(1).petitions_overdue(), 1u);

  std::string answer = Create("51", {
      "petition", "answer", late, "--title", "Trả lời kiến nghị cử tri xã Đức Lợi về bồi thường",
      "--body-file", WriteTemp("tra_loi.txt",
                               "UBND tỉnh đã chỉ đạo Sở Tài nguyên và Môi trường phối hợp với "
                               "UBND huyện Mộ Đức hoàn thành chi trả bồi thường trong quý IV.\n")});
  EXPECT_TRUE(JsonLines<v1::PetitionInfo>("51", {"petitions", "--overdue"}).empty());
  std::vector<v1::PetitionInfo> still_open = JsonLines<v1::PetitionInfo>("51", {"petitions", "--open"});
  ASSERT_EQ(still_open.size(), 1u);
  EXPECT_EQ(still_open[0].id(), open);
  std::vector<v1::PetitionInfo> all = JsonLines<v1::PetitionInfo>("51", {"petitions"});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_TRUE(all[0].answered());
  EXPECT_FALSE(all[0].overdue());
  EXPECT_EQ(all[0].answer_id(), answer);
  EXPECT_GE(all[0].answered_ms(), all[0].recorded_ms());
  EXPECT_TRUE(absl::StrContains(LineOf(CtlOk("51", {"petitions"}), late), " answered "));
  EXPECT_EQ(Lines(CtlOk("51", {"petitions", "--overdue"})).size(), 1u);  // the header
  v1::ConsolidateReply after = Json<v1::ConsolidateReply>("51", {"consolidate", "--period", "2023"});
  EXPECT_EQ(after.total().petitions_answered(), 1u);
  EXPECT_EQ(after.total().petitions_open(), 1u);
  EXPECT_EQ(after.total().petitions_overdue(), 0u);

  // The answer reaches the commune where the petition was recorded.
  SyncDownAndUp();
  std::vector<v1::PetitionInfo> at_commune = JsonLines<v1::PetitionInfo>("21580", {"petitions"});
  ASSERT_EQ(at_commune.size(), 1u);
  EXPECT_TRUE(at_commune[0].answered());
  EXPECT_EQ(at_commune[0].answer_id(), answer);
}

}  // namespace
}  // namespace council::itest
