// Bad input: each gives a clear one-line error, the documented exit status,
// and stores nothing (the node's export and last sequence are unchanged).
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "node_test.h"

namespace council::itest {
namespace {

class CtlErrorsTest : public NodeTest {
 protected:
  void SetUp() override {
    NodeTest::SetUp();
    if (HasFatalFailure()) return;
    directive_ = CreateOk({"directive", "issue", "--title", "Đôn đốc báo cáo định kỳ", "--due",
                           "2023-12-01", "--to", "21550"});
    report_ = CreateOk({"report", "create", "--period", "2023-H1", "--title",
                        "Báo cáo 6 tháng đầu năm 2023"});
    before_ = Export();
    v1::StatusReply status = Status();
    last_seq_ = status.last_seq();
    counts_ = Counts(status);
    ASSERT_GT(last_seq_, 0u);
    ASSERT_EQ(counts_["directive"], 1u);
  }

  // Runs `args`, expects the one-line error, then that nothing was stored.
  void ExpectRefused(const std::vector<std::string>& args, int exit_code,
                     const std::vector<std::string>& needles,
                     const std::string& stdin_data = "") {
    SCOPED_TRACE(absl::StrCat("councilctl ", absl::StrJoin(args, " ")));
    ExpectOneLineError(Ctl(args, stdin_data), exit_code, needles);
    ExpectNothingStored();
  }

  static std::map<std::string, uint64_t> Counts(const v1::StatusReply& status) {
    std::map<std::string, uint64_t> counts;
    for (const v1::KindCount& c : status.counts()) counts[c.kind()] = c.count();
    return counts;
  }

  void ExpectNothingStored() {
    v1::StatusReply status = Status();
    EXPECT_EQ(status.last_seq(), last_seq_) << "a sequence was consumed";
    EXPECT_EQ(Counts(status), counts_) << "status counts changed";
    EXPECT_EQ(Export(), before_) << "the store changed";
  }

  std::string directive_, report_, before_;
  uint64_t last_seq_ = 0;
  std::map<std::string, uint64_t> counts_;
};

TEST_F(CtlErrorsTest, UnknownFlag) {
  ExpectRefused({"report", "create", "--period", "2023", "--title", "T", "--bogus", "x"}, 2,
                {"--bogus"});
  ExpectRefused({"--verbose", "status"}, 2, {"--verbose"});
}

TEST_F(CtlErrorsTest, UnknownOrMissingCommand) {
  ExpectRefused({"frobnicate"}, 2, {"frobnicate"});
  ExpectRefused({"report", "delete"}, 2, {"report delete"});
  ExpectRefused({}, 2, {"command"});
}

TEST_F(CtlErrorsTest, MissingRequiredFlags) {
  ExpectRefused({"report", "create", "--title", "Báo cáo"}, 2, {"--period"});
  ExpectRefused({"report", "create", "--period", "2023"}, 2, {"--title"});
  ExpectRefused({"conclusion", "create", "--title", "Thông báo"}, 2, {"--meeting-date"});
  ExpectRefused({"directive", "issue", "--title", "Chỉ đạo", "--to", "21550"}, 2, {"--due"});
  ExpectRefused({"petition", "create", "--title", "Kiến nghị", "--field", "land"}, 2,
                {"--competent-level"});
  ExpectRefused({"directive", "update", directive_}, 2, {"--status"});
  ExpectRefused({"report", "create", "--period"}, 2, {"--period"});  // flag without value
}

TEST_F(CtlErrorsTest, BadPeriod) {
  for (const char* p : {"2023-H3", "23", "2023-M13", "2023-m08"}) {
    ExpectRefused({"report", "create", "--period", p, "--title", "Báo cáo"}, 2, {p});
  }
  ExpectRefused({"list", "--period", "2023-Q5"}, 2, {"2023-Q5"});
}

TEST_F(CtlErrorsTest, BadDate) {
  ExpectRefused({"conclusion", "create", "--title", "Thông báo", "--meeting-date", "2023-02-30"},
                2, {"2023-02-30"});
  ExpectRefused({"conclusion", "create", "--title", "Thông báo", "--meeting-date", "25/08/2023"},
                2, {"25/08/2023"});
  ExpectRefused({"directive", "issue", "--title", "Chỉ đạo", "--due", "2023-13-01",
                 "--to-subtree"},
                2, {"2023-13-01"});
  ExpectRefused({"petition", "create", "--title", "Kiến nghị", "--field", "land",
                 "--competent-level", "district", "--due", "2023-04-31"},
                2, {"2023-04-31"});
  ExpectRefused({"report", "create", "--period", "2023", "--title", "Báo cáo", "--issued-on",
                 "2023-00-10"},
                2, {"2023-00-10"});
}

TEST_F(CtlErrorsTest, BadLevel) {
  ExpectRefused({"petition", "create", "--title", "Kiến nghị", "--field", "land",
                 "--competent-level", "county"},
                2, {"county"});
  ExpectRefused({"directive", "issue", "--title", "Chỉ đạo", "--due", "2023-12-01",
                 "--to-level", "hamlet"},
                2, {"hamlet"});
}

TEST_F(CtlErrorsTest, BadMetric) {
  for (const char* m : {"sessions_held=abc", "Sessions=2", "voter_meetings=-1", "novalue",
                        "=5", "kỳ_họp=1", "sessions_held=99999999999999999999"}) {
    ExpectRefused({"report", "create", "--period", "2023", "--title", "Báo cáo", "--metric", m},
                  2, {"metric"});
  }
  ExpectRefused({"report", "create", "--period", "2023", "--title", "Báo cáo", "--metric",
                 "sessions_held=1", "--metric", "sessions_held=2"},
                2, {"sessions_held"});
}

TEST_F(CtlErrorsTest, BadDirectiveScope) {
  ExpectRefused({"directive", "issue", "--title", "Chỉ đạo", "--due", "2023-12-01"}, 2,
                {"scope"});
  ExpectRefused({"directive", "issue", "--title", "Chỉ đạo", "--due", "2023-12-01", "--to",
                 "21550", "--to-subtree"},
                2, {"scope"});
  ExpectRefused({"directive", "issue", "--title", "Chỉ đạo", "--due", "2023-12-01", "--to",
                 "xã Phổ Vinh"},
                2, {"xã Phổ Vinh"});
  ExpectRefused({"directive", "issue", "--title", "Chỉ đạo", "--due", "2023-12-01",
                 "--to-subtree", "--under", "522"},
                2, {"--under"});
}

TEST_F(CtlErrorsTest, BadDirectiveStatus) {
  ExpectRefused({"directive", "update", directive_, "--status", "finished"}, 2, {"finished"});
}

TEST_F(CtlErrorsTest, MalformedRecordIds) {
  ExpectRefused({"show", "abc"}, 2, {"abc"});
  ExpectRefused({"show"}, 2, {"record id"});
  ExpectRefused({"directive", "update", "522-1", "--status", "done"}, 2, {"522-1"});
  ExpectRefused({"petition", "answer", "not-an-id", "--body-file",
                 FixturePath("tra_loi_kien_nghi.txt")},
                2, {"not-an-id"});
}

TEST_F(CtlErrorsTest, ShowUnknownRecord) {
  ExpectRefused({"show", "522:999"}, 1, {"522:999"});
  ExpectRefused({"show", "21550:1"}, 1, {"21550:1"});
}

// An update must attach to a directive this node knows.
TEST_F(CtlErrorsTest, DirectiveUpdateOfUnknownRecord) {
  ExpectRefused({"directive", "update", "522:999", "--status", "done"}, 1, {"522:999"});
}

TEST_F(CtlErrorsTest, PetitionAnswerOfUnknownRecord) {
  ExpectRefused({"petition", "answer", "522:999", "--body-file",
                 FixturePath("tra_loi_kien_nghi.txt")},
                1, {"522:999"});
}

TEST_F(CtlErrorsTest, AmendOfAForeignRecordIsRefused) {
  std::string json = R"({"id":"21550:3","doc":{"title":"Sửa hộ"},"report":{"period":"2023"}})";
  ExpectRefused({"put", "--file", WriteTemp("foreign.json", json)}, 1, {"21550"});
}

TEST_F(CtlErrorsTest, AmendOfUnknownOwnRecordIsRefused) {
  std::string json = R"({"id":"522:999","doc":{"title":"Sửa"},"report":{"period":"2023"}})";
  ExpectRefused({"put", "--file", WriteTemp("unknown.json", json)}, 1, {"522:999"});
}

TEST_F(CtlErrorsTest, InvalidUtf8BodyFile) {
  // "Thông báo" with the "ô" cut after its lead byte, then Latin-1 "ộ".
  std::string path = WriteTemp("latin1.txt", std::string("Th\xC3ng b\xE1o k\xF4t lu\xE2n\n"));
  ExpectRefused({"report", "create", "--period", "2023", "--title", "Báo cáo", "--body-file",
                 path},
                1, {path, "UTF-8"});
  ExpectRefused({"petition", "answer", report_, "--body-file", path}, 1, {path});
}

TEST_F(CtlErrorsTest, InvalidUtf8Flag) {
  ExpectRefused({"report", "create", "--period", "2023", "--title", "B\xE1o c\xE1o"}, 2,
                {"UTF-8"});
}

TEST_F(CtlErrorsTest, MissingBodyFile) {
  std::string path = temp().Sub("no-such-file.txt");
  ExpectRefused({"report", "create", "--period", "2023", "--title", "Báo cáo", "--body-file",
                 path},
                1, {path});
  ExpectRefused({"put", "--file", path}, 1, {path});
  ExpectRefused({"import", "--file", path}, 1, {path});
}

TEST_F(CtlErrorsTest, EmptyAnswerFile) {
  ExpectRefused({"petition", "answer", report_, "--body-file", WriteTemp("empty.txt", "")}, 1,
                {"empty"});
}

TEST_F(CtlErrorsTest, ImportWithBadLine3StoresNothing) {
  const std::string path = FixturePath("import_bad_line3.jsonl");
  ExpectRefused({"import", "--file", path}, 1, {path + ":3:", "2023-H3"});
  // The same with a line 3 that is not even a record.
  std::string lines = ReadFile(path).value();
  std::vector<std::string> split = Lines(lines);
  ASSERT_EQ(split.size(), 4u);
  std::string broken = split[0] + "\n" + split[1] + "\n" + R"({"doc":{"titel":"x"}})" + "\n" +
                       split[3] + "\n";
  std::string broken_path = WriteTemp("broken.jsonl", broken);
  ExpectRefused({"import", "--file", broken_path}, 1, {broken_path + ":3:"});
  // And a complete version whose envelope is inconsistent, on line 3.
  std::string bad_envelope = split[0] + "\n" + split[1] + "\n" +
                             R"({"id":"21550:5","origin":"21551","seq":"5","version":1,)"
                             R"("hlc":"1","report":{"period":"2023"},"doc":{"title":"x"}})" +
                             "\n";
  std::string envelope_path = WriteTemp("envelope.jsonl", bad_envelope);
  ExpectRefused({"import", "--file", envelope_path}, 1, {envelope_path + ":3:"});
}

TEST_F(CtlErrorsTest, PutOfBadJson) {
  ExpectRefused({"put", "--file", WriteTemp("bad.json", R"({"doc": {"title": "x"}, )")}, 1,
                {"bad.json"});
  ExpectRefused({"put", "--file", WriteTemp("nobody.json", R"({"doc":{"title":"x"}})")}, 1,
                {"body"});
  ExpectRefused({"put", "--file", WriteTemp("badperiod.json",
                                             R"({"doc":{"title":"x"},"report":{"period":"2023-H3"}})")},
                1, {"2023-H3"});
}

TEST_F(CtlErrorsTest, NodeUnreachable) {
  const int port = UnusedPort();
  ASSERT_GT(port, 0);
  const std::string addr = absl::StrCat("127.0.0.1:", port);
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"status"},
                                             {"show", "522:1"},
                                             {"report", "create", "--period", "2023", "--title",
                                              "Báo cáo"}}) {
    auto start = std::chrono::steady_clock::now();
    RunResult r = RunCtl(addr, args);
    auto elapsed = std::chrono::steady_clock::now() - start;
    ExpectOneLineError(r, 1, {});
    EXPECT_TRUE(absl::StartsWith(r.err, "councilctl: cannot reach node at " + addr)) << r.err;
    EXPECT_LT(elapsed, std::chrono::seconds(15)) << "gave up too slowly";
  }
  ExpectNothingStored();
}

TEST_F(CtlErrorsTest, HelpIsNotAnError) {
  RunResult r = Ctl({"report", "create", "--help"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_TRUE(absl::StrContains(r.out, "--period")) << r.out;
  EXPECT_EQ(r.err, "");
  ExpectNothingStored();
}

}  // namespace
}  // namespace council::itest
