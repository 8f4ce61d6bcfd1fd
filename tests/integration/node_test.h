// A gtest fixture with one running councild, and helpers that drive it with
// councilctl and decode its JSON output.
#ifndef COUNCIL_TESTS_INTEGRATION_NODE_TEST_H_
#define COUNCIL_TESTS_INTEGRATION_NODE_TEST_H_

#include <memory>
#include <string>
#include <vector>

#include "common/scoped_temp_dir.h"
#include "council/v1/admin.pb.h"
#include "council/v1/record.pb.h"
#include "gtest/gtest.h"
#include "harness.h"

namespace council::itest {

using ::council::testing::ScopedTempDir;

// Parses one protobuf JSON object (strict: unknown fields are errors). On
// failure adds a test failure and returns false.
bool ParseJson(const std::string& json, google::protobuf::Message* out);

// Record ids of this shape: "<unit>:<n>".
bool LooksLikeRecordId(const std::string& s);
// The n of "<unit>:<n>", 0 if malformed.
uint64_t SeqOf(const std::string& id);

// Expects a refused command: exit code `exit_code`, nothing on stdout, and
// exactly one line "councilctl: ..." on stderr containing every `needles`.
void ExpectOneLineError(const RunResult& r, int exit_code,
                        const std::vector<std::string>& needles);

class NodeTest : public ::testing::Test {
 protected:
  // Starts node() with options(); fails the test if it does not come up.
  void SetUp() override;
  void TearDown() override;
  virtual NodeOptions options() const { return {}; }

  NodeProcess& node() { return *node_; }
  const std::string& data_dir() const { return data_dir_; }
  const ScopedTempDir& temp() const { return temp_; }

  // Stops the node if it runs (expecting exit 0) and starts it again on the
  // same data directory.
  void Restart();

  // councilctl against node().
  RunResult Ctl(const std::vector<std::string>& args, const std::string& stdin_data = "") {
    return node_->Ctl(args, stdin_data);
  }
  // Runs a create command; expects exit 0 and a record id alone on stdout.
  std::string CreateOk(const std::vector<std::string>& args);
  // `--json show ID`, decoded; fails the test on error.
  v1::Record Show(const std::string& id);
  // `--json status`, decoded.
  v1::StatusReply Status();
  // `export [args]`: the raw output; expects exit 0.
  std::string Export(const std::vector<std::string>& args = {});
  // `--json list [args]`: the ids listed, in order.
  std::vector<std::string> ListIds(const std::vector<std::string>& args = {});
  // Writes `content` to a new file in the temp dir; returns its path.
  std::string WriteTemp(const std::string& name, const std::string& content);

 private:
  ScopedTempDir temp_{"council_it_"};
  std::string data_dir_;
  std::unique_ptr<NodeProcess> node_;
};

}  // namespace council::itest

#endif  // COUNCIL_TESTS_INTEGRATION_NODE_TEST_H_
