#include "hub_fixture.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace council::itest {
namespace {

const std::vector<std::string> kCommunes = {"21550", "21553", "21580", "21583"};
const std::vector<std::string> kDistricts = {"522", "527"};

}  // namespace

std::vector<UnitSpec> HubTree() {
  return {
      {"51", "province", "HĐND tỉnh Quảng Ngãi", ""},
      {"522", "district", "HĐND thị xã Đức Phổ", "51"},
      {"527", "district", "HĐND huyện Mộ Đức", "51"},
      {"21550", "commune", "HĐND phường Phổ Vinh", "522"},
      {"21553", "commune", "HĐND phường Phổ Ninh", "522"},
      {"21580", "commune", "HĐND xã Đức Lợi", "527"},
      {"21583", "commune", "HĐND xã Đức Lân", "527"},
  };
}

CsvTable ParseCsv(const std::string& text) {
  CsvTable rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, in_field = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c != '"') {
        field.push_back(c);
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"' && field.empty() && !in_field) {
      quoted = in_field = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      in_field = false;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) {
        ADD_FAILURE() << "bare CR at byte " << i << " of CSV:\n" << text;
        return rows;
      }
      if (c == '\r') ++i;
      row.push_back(std::move(field));
      field.clear();
      in_field = false;
      rows.push_back(std::move(row));
      row.clear();
    } else if (c == '"') {
      ADD_FAILURE() << "quote inside an unquoted field at byte " << i << " of CSV:\n" << text;
      return rows;
    } else {
      field.push_back(c);
      in_field = true;
    }
  }
  if (quoted) ADD_FAILURE() << "unterminated quoted field in CSV:\n" << text;
  if (in_field || !row.empty()) ADD_FAILURE() << "CSV does not end with a line end:\n" << text;
  return rows;
}

std::vector<std::map<std::string, std::string>> CsvRows(const std::string& csv,
                                                        const std::vector<std::string>& header) {
  std::vector<std::map<std::string, std::string>> out;
  CsvTable table = ParseCsv(csv);
  if (table.empty()) {
    ADD_FAILURE() << "CSV without a header row";
    return out;
  }
  if (!header.empty()) {
    EXPECT_EQ(absl::StrJoin(table[0], ","), absl::StrJoin(header, ","));
  }
  for (size_t i = 1; i < table.size(); ++i) {
    EXPECT_EQ(table[i].size(), table[0].size()) << "row " << i << ": " << absl::StrJoin(table[i], "|");
    std::map<std::string, std::string>& row = out.emplace_back();
    for (size_t j = 0; j < table[0].size() && j < table[i].size(); ++j) row[table[0][j]] = table[i][j];
  }
  return out;
}

void HubTest::StartHub(const std::set<std::string>& units) {
  std::vector<UnitSpec> specs;
  for (const UnitSpec& u : HubTree()) {
    if (units.empty() || units.count(u.unit)) specs.push_back(u);
  }
  for (const UnitSpec& u : specs) {
    tree_.Add(u);
    started_.push_back(u.unit);
  }
  absl::Status s = tree_.StartAll();
  ASSERT_TRUE(s.ok()) << s;
  for (const UnitSpec& u : specs) {
    absl::StatusOr<v1::Record> unit_record =
        tree_.WaitForRecord("51", absl::StrCat(u.unit, ":1"), milliseconds(20000));
    ASSERT_TRUE(unit_record.ok()) << unit_record.status();
  }
  s = tree_.WaitAllSynced();
  ASSERT_TRUE(s.ok()) << s;
}

void HubTest::TearDown() {
  for (auto it = started_.rbegin(); it != started_.rend(); ++it) {
    if (!tree_.Running(*it)) continue;
    int code = tree_.Stop(*it);
    EXPECT_EQ(code, 0) << *it << " did not exit cleanly on SIGTERM; stderr: "
                       << tree_.node(*it).Stderr();
  }
}

std::string HubTest::CtlOk(const std::string& unit, const std::vector<std::string>& args) {
  RunResult r = tree_.Ctl(unit, args);
  EXPECT_EQ(r.exit_code, 0) << "at " << unit << ": councilctl " << absl::StrJoin(args, " ")
                            << ": " << Describe(r);
  return r.out;
}

std::string HubTest::Create(const std::string& unit, const std::vector<std::string>& args) {
  absl::StatusOr<std::string> id = tree_.Create(unit, args);
  EXPECT_TRUE(id.ok()) << id.status();
  return id.value_or("");
}

void HubTest::SyncWait(const std::vector<std::string>& units) {
  for (const std::string& unit : units) {
    if (std::find(started_.begin(), started_.end(), unit) == started_.end()) continue;
    // `sync wait` and the parent's view of the link (CouncilTree::WaitSynced):
    // the child alone may not yet know of a record just made above it.
    absl::Status synced = tree_.WaitSynced(unit, milliseconds(30000));
    ASSERT_TRUE(synced.ok()) << "sync at " << unit << ": " << synced;
  }
}

void HubTest::SyncUp() {
  SyncWait(kCommunes);
  SyncWait(kDistricts);
}

void HubTest::SyncDownAndUp() {
  SyncWait(kDistricts);
  SyncWait(kCommunes);
  SyncUp();
}

std::string HubTest::WriteTemp(const std::string& name, const std::string& content) {
  std::string path = temp_.Sub(name);
  EXPECT_TRUE(WriteFile(path, content)) << path;
  return path;
}

}  // namespace council::itest
