// consolidate and missing at the province over a real tree: figures equal
// the sums of what the communes and districts reported, an amended report
// replaces its old figures, a silent commune is missing, and only reports of
// exactly the period asked for count.
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "hub_fixture.h"

namespace council::itest {
namespace {

constexpr char kPeriod[] = "2023-YTD08";

// Each unit's subtree in the hub tree.
const std::map<std::string, std::vector<std::string>> kSubtree = {
    {"522", {"522", "21550", "21553"}}, {"527", {"527", "21580", "21583"}},
    {"21550", {"21550"}}, {"21553", {"21553"}}, {"21580", {"21580"}}, {"21583", {"21583"}}};

Metrics Sum(const std::map<std::string, Metrics>& written, const std::vector<std::string>& units) {
  Metrics sum;
  for (const std::string& u : units) {
    auto it = written.find(u);
    if (it == written.end()) continue;
    for (const auto& [name, value] : it->second) sum[name] += value;
  }
  return sum;
}

Metrics Of(const v1::ConsolidatedRow& row) { return Metrics(row.metrics().begin(), row.metrics().end()); }

std::vector<std::string> MetricArgs(const Metrics& m) {
  std::vector<std::string> args;
  for (const auto& [name, value] : m) {
    args.push_back("--metric");
    args.push_back(absl::StrCat(name, "=", value));
  }
  return args;
}

class HubConsolidateTest : public HubTest {
 protected:
  // A 2023-YTD08 report at `unit` with `metrics`, remembered in written_.
  std::string Report(const std::string& unit, const Metrics& metrics, const std::string& number) {
    std::vector<std::string> args = {
        "report", "create", "--period", kPeriod, "--period-label", "8 tháng đầu năm 2023",
        "--title", "Báo cáo kết quả hoạt động 8 tháng đầu năm 2023", "--number", number,
        "--issued-on", "2023-09-05", "--signer", "Phó Chủ tịch HĐND", "--body-file",
        WriteTemp(absl::StrCat("bc_", unit, ".txt"),
                  "I. KẾT QUẢ ĐẠT ĐƯỢC\nThường trực HĐND đã tổ chức các kỳ họp theo luật định, "
                  "phối hợp tổ chức tiếp xúc cử tri trước và sau kỳ họp.\n"
                  "II. TỒN TẠI, HẠN CHẾ\nMột số kiến nghị của cử tri chưa được giải quyết kịp thời.\n")};
    for (std::string& a : MetricArgs(metrics)) args.push_back(std::move(a));
    written_[unit] = metrics;
    return Create(unit, args);
  }

  // Expects the province's consolidation for kPeriod (rows of `level`) to
  // match written_ row by row and in total, with `missing` units silent.
  void ExpectConsolidated(const std::vector<std::string>& level_args,
                          const std::vector<std::string>& row_units,
                          const std::set<std::string>& missing) {
    std::vector<std::string> args = {"consolidate", "--period", kPeriod};
    args.insert(args.end(), level_args.begin(), level_args.end());
    v1::ConsolidateReply reply = Json<v1::ConsolidateReply>("51", args);
    EXPECT_EQ(reply.period(), kPeriod);
    EXPECT_TRUE(std::regex_match(reply.as_of(), std::regex(R"(\d{4}-\d\d-\d\d)"))) << reply.as_of();
    ASSERT_EQ(reply.rows_size(), static_cast<int>(row_units.size())) << reply.DebugString();
    uint64_t units = 0, reports = 0, silent = 0;
    std::vector<std::string> all;
    for (int i = 0; i < reply.rows_size(); ++i) {
      const v1::ConsolidatedRow& row = reply.rows(i);
      SCOPED_TRACE(row.unit());
      EXPECT_EQ(row.unit(), row_units[i]);
      const std::vector<std::string>& sub = kSubtree.at(row_units[i]);
      uint64_t row_missing = 0;
      for (const std::string& u : sub) row_missing += missing.count(u);
      EXPECT_EQ(row.units(), sub.size());
      EXPECT_EQ(row.missing(), row_missing);
      EXPECT_EQ(row.reports(), sub.size() - row_missing);
      EXPECT_EQ(Of(row), Sum(written_, sub));
      units += sub.size();
      reports += sub.size() - row_missing;
      silent += row_missing;
      all.insert(all.end(), sub.begin(), sub.end());
    }
    EXPECT_EQ(reply.total().units(), units);
    EXPECT_EQ(reply.total().reports(), reports);
    EXPECT_EQ(reply.total().missing(), silent);
    EXPECT_EQ(Of(reply.total()), Sum(written_, all));
  }

  std::map<std::string, Metrics> written_;  // unit -> its current kPeriod report
};

TEST_F(HubConsolidateTest, FiguresMissingUnitsAndAmendmentsAtTheProvince) {
  StartHub();
  Report("21550", {{"sessions_held", 2}, {"resolutions_passed", 9}, {"voter_meetings", 14},
                   {"petitions_received", 37}, {"petitions_resolved", 31}}, "41/BC-HĐND");
  std::string amended = Report("21553", {{"sessions_held", 2}, {"resolutions_passed", 7},
                                         {"voter_meetings", 11}, {"petitions_received", 25},
                                         {"petitions_resolved", 20}}, "38/BC-HĐND");
  Report("21580", {{"sessions_held", 3}, {"resolutions_passed", 11}, {"voter_meetings", 18},
                   {"petitions_received", 42}, {"petitions_resolved", 35}}, "27/BC-HĐND");
  Report("522", {{"sessions_held", 3}, {"resolutions_passed", 15}, {"voter_meetings", 6}},
         "112/BC-HĐND");
  // Another period: never counted in 2023-YTD08.
  Create("21550", {"report", "create", "--period", "2023-H1", "--title",
                   "Báo cáo kết quả hoạt động 6 tháng đầu năm 2023", "--metric", "sessions_held=1",
                   "--metric", "resolutions_passed=5", "--metric", "petitions_received=20"});
  SyncUp();

  {
    SCOPED_TRACE("(a) district rows");
    ExpectConsolidated({}, {"522", "527"}, {"527", "21583"});
  }
  {
    SCOPED_TRACE("(a) commune rows");
    ExpectConsolidated({"--level", "commune"}, {"21550", "21553", "21580", "21583"}, {"21583"});
  }
  {
    SCOPED_TRACE("(c) missing");
    std::set<std::string> ids;
    for (const v1::Unit& u : JsonLines<v1::Unit>("51", {"missing", "--period", kPeriod})) {
      ids.insert(u.id());
    }
    EXPECT_EQ(ids, (std::set<std::string>{"527", "21583"}));
    std::vector<v1::Unit> communes =
        JsonLines<v1::Unit>("51", {"missing", "--period", kPeriod, "--level", "commune"});
    ASSERT_EQ(communes.size(), 1u);
    EXPECT_EQ(communes[0].id(), "21583");
    EXPECT_EQ(communes[0].parent(), "527");
    EXPECT_EQ(communes[0].name(), "HĐND xã Đức Lân");
    std::vector<std::string> table = Lines(CtlOk("51", {"missing", "--period", kPeriod}));
    ASSERT_EQ(table.size(), 3u);
    EXPECT_TRUE(std::regex_match(table[0], std::regex("ID +LEVEL +NAME +PARENT"))) << table[0];
    EXPECT_TRUE(absl::StartsWith(table[2], "21583 ")) << table[2];
    EXPECT_EQ(CtlOk("522", {"missing", "--period", kPeriod}), "none\n");
    auto rows = CsvRows(CtlOk("51", {"missing", "--period", kPeriod, "--csv"}),
                        {"id", "level", "name", "parent"});
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1]["id"], "21583");
    EXPECT_EQ(rows[1]["level"], "commune");
  }
  {
    SCOPED_TRACE("period rule");
    v1::ConsolidateReply year = Json<v1::ConsolidateReply>("51", {"consolidate", "--period", "2023"});
    EXPECT_EQ(year.total().reports(), 0u);
    EXPECT_EQ(year.total().missing(), 6u);
    EXPECT_TRUE(year.total().metrics().empty()) << year.DebugString();
    v1::ConsolidateReply h1 = Json<v1::ConsolidateReply>("51", {"consolidate", "--period", "2023-H1"});
    EXPECT_EQ(h1.total().reports(), 1u);
    EXPECT_EQ(Of(h1.total()), (Metrics{{"petitions_received", 20}, {"resolutions_passed", 5},
                                       {"sessions_held", 1}}));
  }
  {
    SCOPED_TRACE("(g) table and CSV");
    std::vector<std::string> table = Lines(CtlOk("51", {"consolidate", "--period", kPeriod}));
    ASSERT_EQ(table.size(), 5u);
    EXPECT_TRUE(std::regex_match(table[0], std::regex(R"(period 2023-YTD08, as of \d{4}-\d\d-\d\d)")))
        << table[0];
    EXPECT_TRUE(std::regex_match(
        table[1], std::regex("UNIT +NAME +LEVEL +UNITS +REPORTS +MISSING +petitions_received +"
                             "petitions_resolved +resolutions_passed +sessions_held +voter_meetings +"
                             "DIRECTIVES +RECEIVED +DONE +OVERDUE +PETITIONS +ANSWERED +OPEN +P.OVERDUE")))
        << table[1];
    EXPECT_TRUE(absl::StartsWith(table[4], "TOTAL ")) << table[4];
    Metrics total = Sum(written_, {"522", "21550", "21553", "527", "21580", "21583"});
    auto rows = CsvRows(
        CtlOk("51", {"consolidate", "--period", kPeriod, "--csv"}),
        {"unit", "name", "level", "units", "reports", "missing", "petitions_received",
         "petitions_resolved", "resolutions_passed", "sessions_held", "voter_meetings",
         "directives", "directives_received", "directives_done", "directives_overdue", "petitions",
         "petitions_answered", "petitions_open", "petitions_overdue"});
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0]["unit"], "522");
    EXPECT_EQ(rows[0]["name"], "HĐND thị xã Đức Phổ");
    EXPECT_EQ(rows[0]["level"], "district");
    EXPECT_EQ(rows[1]["missing"], "2");
    EXPECT_EQ(rows[2]["unit"], "TOTAL");
    EXPECT_EQ(rows[2]["reports"], "4");
    for (const auto& [name, value] : total) EXPECT_EQ(rows[2][name], absl::StrCat(value)) << name;
  }
  {
    SCOPED_TRACE("(b) amended report");
    absl::StatusOr<v1::Record> record = tree().WaitForRecord("21553", amended);
    ASSERT_TRUE(record.ok()) << record.status();
    Metrics changed = {{"sessions_held", 2}, {"resolutions_passed", 8},
                       {"petitions_received", 26}, {"petitions_resolved", 24}};
    record->mutable_report()->mutable_metrics()->clear();  // voter_meetings dropped
    for (const auto& [name, value] : changed) (*record->mutable_report()->mutable_metrics())[name] = value;
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(*record, &json, options).ok());
    EXPECT_EQ(CtlOk("21553", {"put", "--file", WriteTemp("amended.json", json)}), amended + "\n");
    written_["21553"] = changed;
    SyncUp();
    EXPECT_EQ(tree().Find("51", amended).value_or(v1::Record()).version(), 2u);
    ExpectConsolidated({}, {"522", "527"}, {"527", "21583"});
    ExpectConsolidated({"--level", "commune"}, {"21550", "21553", "21580", "21583"}, {"21583"});
  }
  {
    SCOPED_TRACE("operational errors");
    ExpectOneLineError(tree().Ctl("51", {"consolidate", "--period", kPeriod, "--under", "999"}), 1,
                       {"unknown unit 999"});
    ExpectOneLineError(tree().Ctl("51", {"missing", "--period", kPeriod, "--under", "999"}), 1,
                       {"999"});
  }
}

}  // namespace
}  // namespace council::itest
