// End-to-end tests of the hub's views: a tree of real councild processes
// (province 51; districts 522 and 527; communes 21550, 21553 under 522 and
// 21580, 21583 under 527) driven by councilctl, with helpers that decode its
// JSON and CSV output.
#ifndef COUNCIL_TESTS_INTEGRATION_HUB_FIXTURE_H_
#define COUNCIL_TESTS_INTEGRATION_HUB_FIXTURE_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "council/v1/admin.pb.h"
#include "gtest/gtest.h"
#include "node_test.h"
#include "tree_harness.h"

namespace council::itest {

using Metrics = std::map<std::string, int64_t>;
using CsvTable = std::vector<std::vector<std::string>>;

// The hub tree, parents first.
std::vector<UnitSpec> HubTree();

// Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF line ends).
// Adds a test failure and stops at malformed input.
CsvTable ParseCsv(const std::string& text);

// Expects `csv` to be a header equal to `header` (if not empty) and rows of as
// many fields; returns the rows as maps from header name to field.
std::vector<std::map<std::string, std::string>> CsvRows(
    const std::string& csv, const std::vector<std::string>& header = {});

class HubTest : public ::testing::Test {
 protected:
  void TearDown() override;

  // Adds the units of HubTree() named in `units` (all if empty), starts them,
  // and waits until the root holds every unit record and every link is idle.
  void StartHub(const std::set<std::string>& units = {});

  CouncilTree& tree() { return tree_; }

  // councilctl at `unit`; expects exit 0 and returns stdout.
  std::string CtlOk(const std::string& unit, const std::vector<std::string>& args);
  // A create command at `unit`: its id (fails the test otherwise).
  std::string Create(const std::string& unit, const std::vector<std::string>& args);
  // `--json args` at `unit`, decoded as one message / one message per line.
  template <typename T>
  T Json(const std::string& unit, const std::vector<std::string>& args) {
    T out;
    std::vector<std::string> all = {"--json"};
    all.insert(all.end(), args.begin(), args.end());
    ParseJson(CtlOk(unit, all), &out);
    return out;
  }
  template <typename T>
  std::vector<T> JsonLines(const std::string& unit, const std::vector<std::string>& args) {
    std::vector<T> out;
    std::vector<std::string> all = {"--json"};
    all.insert(all.end(), args.begin(), args.end());
    for (const std::string& line : Lines(CtlOk(unit, all))) ParseJson(line, &out.emplace_back());
    return out;
  }

  // `sync wait --timeout 30` at each of `units` that was started, in order;
  // fails the test if one times out.
  void SyncWait(const std::vector<std::string>& units);
  // The communes, then the districts (records flowing up reach the province).
  void SyncUp();
  // Districts, communes, communes, districts: records flowing down land, and
  // what they cause (receipts) comes back up.
  void SyncDownAndUp();

  // A file in the temp dir holding `content`; its path.
  std::string WriteTemp(const std::string& name, const std::string& content);

 private:
  ScopedTempDir temp_{"council_hub_"};
  CouncilTree tree_{temp_.path()};
  std::vector<std::string> started_;
};

}  // namespace council::itest

#endif  // COUNCIL_TESTS_INTEGRATION_HUB_FIXTURE_H_
