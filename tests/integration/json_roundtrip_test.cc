// JSON round trip between two real nodes: export from A, import into B,
// export from B equals export from A byte for byte; importing again, or an
// older version, changes nothing.
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/message_differencer.h"
#include "node_test.h"

namespace council::itest {
namespace {

using ::google::protobuf::util::MessageDifferencer;

NodeOptions ProvinceOptions() {
  NodeOptions o;
  o.unit = "51";
  o.level = "province";
  o.name = "HĐND tỉnh Quảng Ngãi";
  o.parent_unit = "";
  return o;
}

// Lines of `export` output whose record has origin `origin`, joined again.
std::string OnlyOrigin(const std::string& exported, const std::string& origin) {
  std::string out;
  for (const std::string& line : Lines(exported)) {
    v1::Record r;
    if (ParseJson(line, &r) && r.origin() == origin) absl::StrAppend(&out, line, "\n");
  }
  return out;
}

// Whether two `export` outputs hold the same records in the same order,
// whatever the order of keys inside each JSON object.
::testing::AssertionResult SameRecords(const std::string& a, const std::string& b) {
  std::vector<std::string> la = Lines(a), lb = Lines(b);
  if (la.size() != lb.size()) {
    return ::testing::AssertionFailure() << la.size() << " records vs " << lb.size();
  }
  for (size_t i = 0; i < la.size(); ++i) {
    v1::Record ra, rb;
    if (!ParseJson(la[i], &ra) || !ParseJson(lb[i], &rb)) {
      return ::testing::AssertionFailure() << "unparsable line " << i + 1;
    }
    if (!MessageDifferencer::Equals(ra, rb)) {
      return ::testing::AssertionFailure() << "line " << i + 1 << " differs:\n"
                                           << la[i] << "\n" << lb[i];
    }
  }
  return ::testing::AssertionSuccess();
}

class JsonRoundTripTest : public NodeTest {
 protected:
  void SetUp() override {
    NodeTest::SetUp();
    if (HasFatalFailure()) return;
    Populate();
  }

  // A record of every kind, Vietnamese text, several metrics, and one
  // record amended to version 2 (its version-1 export line kept).
  void Populate() {
    report_ = CreateOk({"report", "create", "--period", "2023-YTD08", "--title",
                        "Báo cáo kết quả hoạt động 8 tháng đầu năm 2023", "--metric",
                        "sessions_held=34", "--metric", "thematic_sessions=12", "--metric",
                        "resolutions_passed=186", "--metric", "supervision_topics=27",
                        "--metric", "voter_meetings=118", "--metric", "petitions_received=412",
                        "--metric", "petitions_resolved=356", "--metric",
                        "citizens_received=95", "--body-file",
                        FixturePath("bao_cao_8_thang_2023.txt")});
    conclusion_ = CreateOk({"conclusion", "create", "--title",
                            "Thông báo kết luận Hội nghị trực báo giữa năm 2023",
                            "--meeting-date", "2023-08-25", "--meeting-kind", "trực báo",
                            "--task", "Chuẩn bị chu đáo kỳ họp cuối năm", "--body-file",
                            FixturePath("thong_bao_ket_luan_truc_bao_2023.txt"),
                            "--signer-capacity", "TM. THƯỜNG TRỰC HĐND", "--recipient",
                            "Lưu: VT."});
    directive_ = CreateOk({"directive", "issue", "--title", "Triển khai nhiệm vụ trọng tâm",
                           "--due", "2023-12-15", "--to-level", "commune", "--conclusion",
                           conclusion_});
    CreateOk({"directive", "update", directive_, "--status", "received"});
    petition_ = CreateOk({"petition", "create", "--title", "Kiến nghị sửa đường liên thôn",
                          "--field", "infrastructure", "--competent-level", "district",
                          "--due", "2023-12-31", "--body-file",
                          FixturePath("kien_nghi_duong_lien_thon.txt")});
    CreateOk({"petition", "answer", petition_, "--body-file",
              FixturePath("tra_loi_kien_nghi.txt")});
    CreateOk({"put", "--file", FixturePath("unit_phuong_pho_vinh.json")});
    amended_ = CreateOk({"report", "create", "--period", "2023-H1", "--title", "Bản đầu"});
    amended_v1_line_ = TrimNewlines(Ctl({"--json", "show", amended_}).out);
    std::string amend = absl::StrCat(R"({"id":")", amended_,
                                     R"(","doc":{"title":"Bản đã sửa"},"report":{"period":"2023-H1",)",
                                     R"("metrics":{"sessions_held":"3","voter_meetings":"7"}}})");
    RunResult put = Ctl({"put", "--file", WriteTemp("amend.json", amend)});
    ASSERT_EQ(put.exit_code, 0) << Describe(put);
  }

  std::unique_ptr<NodeProcess> StartB(const std::string& dir_name) {
    std::string dir = temp().Sub(dir_name);
    std::filesystem::create_directories(dir);
    absl::StatusOr<std::unique_ptr<NodeProcess>> b = NodeProcess::Start(dir, ProvinceOptions());
    EXPECT_TRUE(b.ok()) << b.status();
    return b.ok() ? *std::move(b) : nullptr;
  }

  std::string report_, conclusion_, directive_, petition_, amended_, amended_v1_line_;
};

TEST_F(JsonRoundTripTest, ExportIsJsonLinesInIdOrder) {
  std::string exported = Export();
  ASSERT_TRUE(absl::EndsWith(exported, "\n"));
  std::vector<std::string> lines = Lines(exported);
  ASSERT_GE(lines.size(), 8u);
  uint64_t prev = 0;
  std::set<std::string> kinds;
  for (const std::string& line : lines) {
    EXPECT_EQ(line.front(), '{') << line;
    v1::Record r;
    ASSERT_TRUE(ParseJson(line, &r));
    EXPECT_EQ(r.origin(), "522");
    EXPECT_GT(SeqOf(r.id()), prev) << "not in id order: " << r.id();
    prev = SeqOf(r.id());
    kinds.insert(std::string(v1::Record::descriptor()->FindFieldByNumber(r.body_case())->name()));
    // snake_case proto field names, as in the .proto files.
    if (r.has_petition()) {
      EXPECT_TRUE(absl::StrContains(line, "\"competent_level\"")) << line;
    }
  }
  EXPECT_EQ(kinds.size(), 7u);
  // Exporting again gives the same records, and the same bytes (a report
  // with eight metrics makes an unstable map order show).
  for (int i = 0; i < 3; ++i) {
    std::string again = Export();
    EXPECT_TRUE(SameRecords(again, exported));
    EXPECT_EQ(again, exported) << "export is not byte-stable";
  }
}

TEST_F(JsonRoundTripTest, ExportImportExportIsByteIdentical) {
  const std::string from_a = Export();
  const size_t n = Lines(from_a).size();
  ASSERT_GE(n, 8u);
  EXPECT_TRUE(SameRecords(Export({"--unit", "522"}), from_a));
  const std::string file = WriteTemp("a.jsonl", from_a);

  std::unique_ptr<NodeProcess> b = StartB("b");
  ASSERT_TRUE(b);
  const std::string b_own = b->Ctl({"export"}).out;

  RunResult imported = b->Ctl({"import", "--file", file});
  ASSERT_EQ(imported.exit_code, 0) << Describe(imported);
  EXPECT_EQ(imported.out, absl::StrCat("imported ", n, " records (0 created, ", n,
                                       " applied, 0 unchanged)\n"));

  RunResult from_b = b->Ctl({"export", "--unit", "522"});
  ASSERT_EQ(from_b.exit_code, 0) << Describe(from_b);
  EXPECT_TRUE(SameRecords(from_b.out, from_a));
  EXPECT_EQ(from_b.out, from_a) << "same records, different bytes";  // byte for byte
  // Per kind, too.
  for (const char* kind : {"report", "conclusion", "directive", "petition_answer", "unit"}) {
    EXPECT_TRUE(SameRecords(b->Ctl({"export", "--unit", "522", "--kind", kind}).out,
                            Export({"--kind", kind})))
        << kind;
  }
  // B's full export is its own records plus A's.
  std::string b_all = b->Ctl({"export"}).out;
  EXPECT_TRUE(SameRecords(OnlyOrigin(b_all, "522"), from_a));
  EXPECT_TRUE(SameRecords(OnlyOrigin(b_all, "51"), b_own));
  EXPECT_EQ(Lines(b_all).size(), n + Lines(b_own).size());

  // show --json on B gives the same records.
  v1::Record on_a = Show(conclusion_);
  RunResult shown = b->Ctl({"--json", "show", conclusion_});
  ASSERT_EQ(shown.exit_code, 0) << Describe(shown);
  v1::Record on_b;
  ASSERT_TRUE(ParseJson(shown.out, &on_b));
  EXPECT_TRUE(MessageDifferencer::Equals(on_a, on_b));
  EXPECT_EQ(on_b.text(), ReadFile(FixturePath("thong_bao_ket_luan_truc_bao_2023.txt")).value());

  // Importing again changes nothing.
  RunResult again = b->Ctl({"import", "--file", file});
  ASSERT_EQ(again.exit_code, 0) << Describe(again);
  EXPECT_EQ(again.out, absl::StrCat("imported ", n, " records (0 created, 0 applied, ", n,
                                    " unchanged)\n"));
  EXPECT_TRUE(SameRecords(b->Ctl({"export"}).out, b_all));

  // B survives a restart with the same content.
  std::string b_dir = b->data_dir();
  ASSERT_EQ(b->Stop(), 0);
  b.reset();
  absl::StatusOr<std::unique_ptr<NodeProcess>> b2 = NodeProcess::Start(b_dir, ProvinceOptions());
  ASSERT_TRUE(b2.ok()) << b2.status();
  EXPECT_TRUE(SameRecords((*b2)->Ctl({"export"}).out, b_all));
  EXPECT_EQ((*b2)->Stop(), 0);
}

TEST_F(JsonRoundTripTest, ImportIntoTheOriginChangesNothing) {
  const std::string from_a = Export();
  const size_t n = Lines(from_a).size();
  RunResult r = Ctl({"import", "--file", WriteTemp("a.jsonl", from_a)});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, absl::StrCat("imported ", n, " records (0 created, 0 applied, ", n,
                                " unchanged)\n"));
  EXPECT_TRUE(SameRecords(Export(), from_a));
}

TEST_F(JsonRoundTripTest, OlderVersionNeverOverwritesNewer) {
  v1::Record v1_record;
  ASSERT_TRUE(ParseJson(amended_v1_line_, &v1_record));
  ASSERT_EQ(v1_record.version(), 1u);
  v1::Record current = Show(amended_);
  ASSERT_EQ(current.version(), 2u);
  EXPECT_EQ(current.doc().title(), "Bản đã sửa");
  const std::string from_a = Export();

  // On the origin.
  RunResult r = Ctl({"import", "--file", WriteTemp("old.jsonl", amended_v1_line_ + "\n")});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, "imported 1 records (0 created, 0 applied, 1 unchanged)\n");
  EXPECT_TRUE(SameRecords(Export(), from_a));

  // On a replica that has version 2: still version 2.
  std::unique_ptr<NodeProcess> b = StartB("b");
  ASSERT_TRUE(b);
  ASSERT_EQ(b->Ctl({"import", "--file", WriteTemp("a.jsonl", from_a)}).exit_code, 0);
  RunResult old = b->Ctl({"import", "--file", temp().Sub("old.jsonl")});
  ASSERT_EQ(old.exit_code, 0) << Describe(old);
  EXPECT_EQ(old.out, "imported 1 records (0 created, 0 applied, 1 unchanged)\n");
  EXPECT_TRUE(SameRecords(b->Ctl({"export", "--unit", "522"}).out, from_a));

  // A replica that first sees version 1 moves to version 2 when it arrives.
  // It takes version 1 only with the origin's unit record, which carries
  // the key the record is signed with (node/core/signing.h).
  std::unique_ptr<NodeProcess> c = StartB("c");
  ASSERT_TRUE(c);
  RunResult keyless = c->Ctl({"import", "--file", temp().Sub("old.jsonl")});
  ExpectOneLineError(keyless, 1, {amended_, "unknown key"});
  const std::string unit_line = TrimNewlines(Ctl({"--json", "show", "522:1"}).out);
  const std::string old_with_key =
      WriteTemp("old-with-key.jsonl", unit_line + "\n" + amended_v1_line_ + "\n");
  RunResult first = c->Ctl({"import", "--file", old_with_key});
  ASSERT_EQ(first.exit_code, 0) << Describe(first);
  EXPECT_EQ(first.out, "imported 2 records (0 created, 2 applied, 0 unchanged)\n");
  RunResult newer = c->Ctl({"import", "--file", temp().Sub("a.jsonl")});
  ASSERT_EQ(newer.exit_code, 0) << Describe(newer);
  const size_t n = Lines(from_a).size();
  EXPECT_EQ(newer.out, absl::StrCat("imported ", n, " records (0 created, ", n - 1,
                                    " applied, 1 unchanged)\n"));
  EXPECT_TRUE(SameRecords(c->Ctl({"export", "--unit", "522"}).out, from_a));
}

// Drafts (records without an id) in an import file are created as by Put.
TEST_F(JsonRoundTripTest, ImportCreatesDrafts) {
  uint64_t last = Status().last_seq();
  std::string drafts =
      R"({"doc":{"title":"Báo cáo tháng 9"},"report":{"period":"2023-M09"}})"
      "\n\n"  // blank lines are skipped
      R"({"doc":{"title":"Kiến nghị về chính sách xã hội"},"petition":{"field":"social_policy","competent_level":"LEVEL_PROVINCE"}})"
      "\n";
  RunResult r = Ctl({"import", "--file", WriteTemp("drafts.jsonl", drafts)});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, "imported 2 records (2 created, 0 applied, 0 unchanged)\n");
  EXPECT_EQ(Status().last_seq(), last + 2);
  std::vector<std::string> m09 = ListIds({"--period", "2023-M09"});
  ASSERT_EQ(m09.size(), 1u);
  EXPECT_EQ(Show(m09[0]).doc().title(), "Báo cáo tháng 9");

  RunResult json = Ctl({"--json", "import", "--file", temp().Sub("drafts.jsonl")});
  ASSERT_EQ(json.exit_code, 0) << Describe(json);
  EXPECT_EQ(json.out, "{\"imported\":2,\"created\":2,\"applied\":0,\"unchanged\":0}\n");
}

// A directive arriving at a unit it addresses is marked "received" there by
// the node itself, once; one addressed elsewhere is not.
TEST_F(JsonRoundTripTest, DirectiveArrivingAtItsTargetIsReceivedOnce) {
  std::string to_us = CreateOk({"directive", "issue", "--title", "Gửi phường Phổ Vinh",
                                "--due", "2023-12-20", "--to", "21550"});
  std::string to_other = CreateOk({"directive", "issue", "--title", "Gửi xã Phổ Ninh",
                                   "--due", "2023-12-20", "--to", "21553"});
  // The issuer's unit record first: it carries the key the directives are
  // signed with.
  std::string lines = TrimNewlines(Ctl({"--json", "show", "522:1"}).out) + "\n" +
                      TrimNewlines(Ctl({"--json", "show", to_us}).out) + "\n" +
                      TrimNewlines(Ctl({"--json", "show", to_other}).out) + "\n";
  std::string file = WriteTemp("directives.jsonl", lines);

  NodeOptions commune;
  commune.unit = "21550";
  commune.level = "commune";
  commune.name = "HĐND phường Phổ Vinh";
  commune.parent_unit = "522";
  std::string dir = temp().Sub("commune");
  std::filesystem::create_directories(dir);
  absl::StatusOr<std::unique_ptr<NodeProcess>> c = NodeProcess::Start(dir, commune);
  ASSERT_TRUE(c.ok()) << c.status();

  RunResult imported = (*c)->Ctl({"import", "--file", file});
  ASSERT_EQ(imported.exit_code, 0) << Describe(imported);
  EXPECT_EQ(imported.out, "imported 3 records (0 created, 3 applied, 0 unchanged)\n");
  auto receipts = [&] {
    std::vector<v1::Record> out;
    for (const std::string& line :
         Lines((*c)->Ctl({"--json", "list", "--kind", "directive_update"}).out)) {
      v1::Record r;
      if (ParseJson(line, &r)) out.push_back(r);
    }
    return out;
  };
  std::vector<v1::Record> got = receipts();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].origin(), "21550");
  EXPECT_EQ(got[0].directive_update().directive_id(), to_us);
  EXPECT_EQ(got[0].directive_update().status(), v1::DIRECTIVE_STATUS_RECEIVED);

  RunResult again = (*c)->Ctl({"import", "--file", file});
  ASSERT_EQ(again.exit_code, 0) << Describe(again);
  EXPECT_EQ(again.out, "imported 3 records (0 created, 0 applied, 3 unchanged)\n");
  EXPECT_EQ(receipts().size(), 1u) << "a duplicate delivery made a second receipt";
  EXPECT_EQ((*c)->Stop(), 0);
}

}  // namespace
}  // namespace council::itest
