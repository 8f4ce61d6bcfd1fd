#include "node_test.h"

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "google/protobuf/util/json_util.h"
#include "node/core/ids.h"

namespace council::itest {

bool ParseJson(const std::string& json, google::protobuf::Message* out) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(json, out, options);
  if (!status.ok()) {
    ADD_FAILURE() << "cannot parse as " << out->GetTypeName() << ": " << status.ToString()
                  << "\njson: " << json;
    return false;
  }
  return true;
}

bool LooksLikeRecordId(const std::string& s) { return core::ParseRecordId(s).ok(); }

uint64_t SeqOf(const std::string& id) {
  absl::StatusOr<core::RecordIdParts> p = core::ParseRecordId(id);
  return p.ok() ? p->seq : 0;
}

void ExpectOneLineError(const RunResult& r, int exit_code,
                        const std::vector<std::string>& needles) {
  EXPECT_FALSE(r.timed_out) << Describe(r);
  EXPECT_EQ(r.exit_code, exit_code) << Describe(r);
  EXPECT_EQ(r.out, "") << Describe(r);
  std::vector<std::string> lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << "expected one line on stderr: " << Describe(r);
  EXPECT_TRUE(absl::StartsWith(lines[0], "councilctl: ")) << lines[0];
  EXPECT_TRUE(absl::EndsWith(r.err, "\n")) << Describe(r);
  for (const std::string& needle : needles) {
    EXPECT_TRUE(absl::StrContains(lines[0], needle))
        << "stderr '" << lines[0] << "' does not mention '" << needle << "'";
  }
}

void NodeTest::SetUp() {
  data_dir_ = temp_.Sub("node");
  std::filesystem::create_directories(data_dir_);
  absl::StatusOr<std::unique_ptr<NodeProcess>> node = NodeProcess::Start(data_dir_, options());
  ASSERT_TRUE(node.ok()) << node.status();
  node_ = *std::move(node);
}

void NodeTest::TearDown() {
  if (node_ && node_->Running()) {
    int code = node_->Stop();
    EXPECT_EQ(code, 0) << "councild did not exit cleanly on SIGTERM; stderr: "
                       << node_->Stderr();
  }
  node_.reset();
}

void NodeTest::Restart() {
  ASSERT_TRUE(node_);
  if (node_->Running()) {
    int code = node_->Stop();
    ASSERT_EQ(code, 0) << node_->Stderr();
  }
  node_.reset();
  absl::StatusOr<std::unique_ptr<NodeProcess>> node = NodeProcess::Start(data_dir_, options());
  ASSERT_TRUE(node.ok()) << node.status();
  node_ = *std::move(node);
}

std::string NodeTest::CreateOk(const std::vector<std::string>& args) {
  RunResult r = Ctl(args);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  std::string id = TrimNewlines(r.out);
  EXPECT_TRUE(LooksLikeRecordId(id)) << "not a record id: " << Describe(r);
  EXPECT_EQ(r.out, id + "\n") << "a create prints the id alone";
  return id;
}

v1::Record NodeTest::Show(const std::string& id) {
  v1::Record record;
  RunResult r = Ctl({"--json", "show", id});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  if (r.exit_code == 0) ParseJson(r.out, &record);
  return record;
}

v1::StatusReply NodeTest::Status() {
  v1::StatusReply status;
  RunResult r = Ctl({"--json", "status"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  if (r.exit_code == 0) ParseJson(r.out, &status);
  return status;
}

std::string NodeTest::Export(const std::vector<std::string>& args) {
  std::vector<std::string> all = {"export"};
  all.insert(all.end(), args.begin(), args.end());
  RunResult r = Ctl(all);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  return r.out;
}

std::vector<std::string> NodeTest::ListIds(const std::vector<std::string>& args) {
  std::vector<std::string> all = {"--json", "list"};
  all.insert(all.end(), args.begin(), args.end());
  RunResult r = Ctl(all);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  std::vector<std::string> ids;
  for (const std::string& line : Lines(r.out)) {
    v1::Record record;
    if (ParseJson(line, &record)) ids.push_back(record.id());
  }
  return ids;
}

std::string NodeTest::WriteTemp(const std::string& name, const std::string& content) {
  std::string path = temp_.Sub(name);
  EXPECT_TRUE(WriteFile(path, content)) << path;
  return path;
}

}  // namespace council::itest
