// Creating, showing and listing every kind of record through councilctl
// against a real councild.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "google/protobuf/util/message_differencer.h"
#include "node_test.h"
#include "signed_origin.h"

namespace council::itest {
namespace {

using ::google::protobuf::util::MessageDifferencer;

const char kConclusionTitle[] =
    "Thông báo kết luận Hội nghị trực báo giữa Thường trực HĐND thị xã với Thường trực "
    "HĐND các xã, phường giữa năm 2023";

class CtlRecordsTest : public NodeTest {};

TEST_F(CtlRecordsTest, ReportWithMetricsAndMetadata) {
  const std::string body_path = FixturePath("bao_cao_8_thang_2023.txt");
  std::string id = CreateOk({"report", "create", "--period", "2023-YTD08", "--title",
                             "Báo cáo kết quả hoạt động 8 tháng đầu năm 2023",
                             "--period-label", "8 tháng đầu năm 2023",
                             "--metric", "sessions_held=2", "--metric", "thematic_sessions=1",
                             "--metric", "resolutions_passed=9", "--metric",
                             "voter_meetings=6", "--metric", "petitions_received=14",
                             "--body-file", body_path, "--number", "112/BC-HĐND",
                             "--issued-on", "2023-08-20", "--issuing-body",
                             "HĐND PHƯỜNG PHỔ VINH", "--signer", "Lê Thị Hoa",
                             "--signer-capacity", "TM. THƯỜNG TRỰC HĐND",
                             "--signer-position", "Phó Chủ tịch", "--recipient",
                             "Thường trực HĐND thị xã;", "--recipient", "Lưu: VT.",
                             "--author", "văn thư"});
  ASSERT_TRUE(absl::StartsWith(id, "522:")) << id;
  v1::Record r = Show(id);
  EXPECT_EQ(r.id(), id);
  EXPECT_EQ(r.origin(), "522");
  EXPECT_EQ(r.version(), 1u);
  EXPECT_EQ(r.seq(), SeqOf(id));
  EXPECT_NE(r.hlc(), 0u);
  ASSERT_TRUE(r.has_report()) << r.DebugString();
  EXPECT_EQ(r.report().period(), "2023-YTD08");
  EXPECT_EQ(r.report().period_label(), "8 tháng đầu năm 2023");
  EXPECT_EQ(r.report().metrics().size(), 5);
  EXPECT_EQ(r.report().metrics().at("sessions_held"), 2);
  EXPECT_EQ(r.report().metrics().at("resolutions_passed"), 9);
  EXPECT_EQ(r.report().metrics().at("petitions_received"), 14);
  EXPECT_EQ(r.doc().title(), "Báo cáo kết quả hoạt động 8 tháng đầu năm 2023");
  EXPECT_EQ(r.doc().number(), "112/BC-HĐND");
  EXPECT_EQ(r.doc().issued_on(), "2023-08-20");
  EXPECT_EQ(r.doc().issuing_body(), "HĐND PHƯỜNG PHỔ VINH");
  EXPECT_EQ(r.doc().document_type(), "Báo cáo");  // the default for a report
  EXPECT_EQ(r.doc().signer(), "Lê Thị Hoa");
  EXPECT_EQ(r.doc().signer_capacity(), "TM. THƯỜNG TRỰC HĐND");
  EXPECT_EQ(r.doc().signer_position(), "Phó Chủ tịch");
  ASSERT_EQ(r.doc().recipients_size(), 2);
  EXPECT_EQ(r.doc().recipients(0), "Thường trực HĐND thị xã;");
  EXPECT_EQ(r.doc().recipients(1), "Lưu: VT.");
  EXPECT_EQ(r.author(), "văn thư");
  EXPECT_EQ(r.text(), ReadFile(body_path).value());
}

// The conclusion notice of the seeds' kind: every field, and the body text
// byte for byte through show --json, export and the human view.
TEST_F(CtlRecordsTest, VietnameseConclusionRoundTripsByteForByte) {
  const std::string body_path = FixturePath("thong_bao_ket_luan_truc_bao_2023.txt");
  const std::string body = ReadFile(body_path).value();
  ASSERT_GT(body.size(), 1000u);
  std::string id = CreateOk(
      {"conclusion", "create", "--title", kConclusionTitle, "--meeting-date", "2023-08-25",
       "--meeting-kind", "trực báo", "--place", "Hội trường UBND thị xã", "--chair",
       "Chủ tịch HĐND thị xã", "--attendee", "Thường trực HĐND các xã, phường", "--attendee",
       "Ủy ban MTTQ Việt Nam thị xã", "--task",
       "Chuẩn bị chu đáo kỳ họp thường lệ cuối năm", "--task",
       "Lập sổ theo dõi ý kiến, kiến nghị cử tri đến khi được trả lời", "--period",
       "2023-YTD08", "--body-file", body_path, "--number", "45/TB-HĐND", "--issued-on",
       "2023-08-28", "--doc-type", "Thông báo", "--abstract",
       "Kết luận Hội nghị trực báo giữa năm 2023", "--signer", "Nguyễn Văn Kiên",
       "--signer-capacity", "TM. THƯỜNG TRỰC HĐND", "--signer-position", "Chủ tịch",
       "--recipient", "Thường trực Thị ủy;", "--recipient", "TT HĐND các xã, phường;",
       "--recipient", "Lưu: VT."});
  v1::Record r = Show(id);
  ASSERT_TRUE(r.has_conclusion()) << r.DebugString();
  EXPECT_EQ(r.text(), body);  // byte for byte
  EXPECT_EQ(r.doc().title(), kConclusionTitle);
  EXPECT_EQ(r.doc().number(), "45/TB-HĐND");
  EXPECT_EQ(r.doc().document_type(), "Thông báo");
  EXPECT_EQ(r.doc().abstract(), "Kết luận Hội nghị trực báo giữa năm 2023");
  EXPECT_EQ(r.doc().signer_capacity(), "TM. THƯỜNG TRỰC HĐND");
  EXPECT_EQ(r.doc().recipients_size(), 3);
  EXPECT_EQ(r.doc().recipients(1), "TT HĐND các xã, phường;");
  EXPECT_EQ(r.conclusion().meeting_kind(), "trực báo");
  EXPECT_EQ(r.conclusion().meeting_date(), "2023-08-25");
  EXPECT_EQ(r.conclusion().place(), "Hội trường UBND thị xã");
  EXPECT_EQ(r.conclusion().chair(), "Chủ tịch HĐND thị xã");
  ASSERT_EQ(r.conclusion().attendees_size(), 2);
  EXPECT_EQ(r.conclusion().attendees(1), "Ủy ban MTTQ Việt Nam thị xã");
  ASSERT_EQ(r.conclusion().tasks_size(), 2);
  EXPECT_EQ(r.conclusion().tasks(1),
            "Lập sổ theo dõi ý kiến, kiến nghị cử tri đến khi được trả lời");
  EXPECT_EQ(r.conclusion().period(), "2023-YTD08");

  // The same record through export.
  bool found = false;
  for (const std::string& line : Lines(Export({"--kind", "conclusion"}))) {
    v1::Record exported;
    ASSERT_TRUE(ParseJson(line, &exported));
    if (exported.id() != id) continue;
    found = true;
    EXPECT_EQ(exported.text(), body);
    EXPECT_TRUE(MessageDifferencer::Equals(exported, r))
        << exported.DebugString() << "\nvs\n" << r.DebugString();
  }
  EXPECT_TRUE(found) << id << " not exported";

  // The human view shows the text unmangled.
  RunResult human = Ctl({"show", id});
  ASSERT_EQ(human.exit_code, 0) << Describe(human);
  EXPECT_TRUE(absl::StrContains(human.out, kConclusionTitle)) << human.out;
  EXPECT_TRUE(absl::StrContains(human.out, "TM. THƯỜNG TRỰC HĐND")) << human.out;
  EXPECT_TRUE(absl::StrContains(human.out, "Việc theo dõi, đôn đốc giải quyết ý kiến"))
      << human.out;

  // And after a restart.
  Restart();
  v1::Record again = Show(id);
  EXPECT_EQ(again.text(), body);
  EXPECT_TRUE(MessageDifferencer::Equals(again, r));
}

TEST_F(CtlRecordsTest, CreateWithJsonPrintsTheStoredRecord) {
  RunResult r = Ctl({"--json", "petition", "create", "--title",
                     "Cử tri kiến nghị sửa chữa đường liên thôn Trung Sơn", "--field",
                     "infrastructure", "--competent-level", "district", "--due", "2023-12-31",
                     "--petitioner", "Cử tri thôn Trung Sơn", "--location", "phường Phổ Vinh",
                     "--body-file", FixturePath("kien_nghi_duong_lien_thon.txt")});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  ASSERT_EQ(Lines(r.out).size(), 1u) << r.out;
  v1::Record created;
  ASSERT_TRUE(ParseJson(r.out, &created));
  ASSERT_TRUE(LooksLikeRecordId(created.id())) << r.out;
  ASSERT_TRUE(created.has_petition());
  EXPECT_EQ(created.petition().field(), "infrastructure");
  EXPECT_EQ(created.petition().competent_level(), v1::LEVEL_DISTRICT);
  EXPECT_EQ(created.petition().status(), v1::PETITION_STATUS_OPEN);
  EXPECT_EQ(created.petition().due_date(), "2023-12-31");
  EXPECT_EQ(created.petition().petitioner(), "Cử tri thôn Trung Sơn");
  EXPECT_EQ(created.petition().location(), "phường Phổ Vinh");
  EXPECT_EQ(created.text(), ReadFile(FixturePath("kien_nghi_duong_lien_thon.txt")).value());
  // The printed record is the stored one.
  v1::Record shown = Show(created.id());
  EXPECT_TRUE(MessageDifferencer::Equals(created, shown))
      << created.DebugString() << "\nvs\n" << shown.DebugString();
  // --json may also come after the command.
  RunResult after = Ctl({"show", created.id(), "--json"});
  ASSERT_EQ(after.exit_code, 0) << Describe(after);
  v1::Record shown_after;
  ASSERT_TRUE(ParseJson(after.out, &shown_after));
  EXPECT_TRUE(MessageDifferencer::Equals(created, shown_after));
}

TEST_F(CtlRecordsTest, DirectiveScopes) {
  struct Case {
    std::vector<std::string> scope_flags;
    v1::ScopeKind kind;
    std::vector<std::string> units;
    v1::Level level;
    std::string under;
  };
  const std::vector<Case> cases = {
      {{"--to", "21550"}, v1::SCOPE_UNITS, {"21550"}, v1::LEVEL_UNSPECIFIED, ""},
      {{"--to", "21550", "--to", "21553", "--to", "21556"},
       v1::SCOPE_UNITS, {"21550", "21553", "21556"}, v1::LEVEL_UNSPECIFIED, ""},
      {{"--to-level", "commune"}, v1::SCOPE_LEVEL, {}, v1::LEVEL_COMMUNE, ""},
      {{"--to-level", "commune", "--under", "522"}, v1::SCOPE_LEVEL, {}, v1::LEVEL_COMMUNE,
       "522"},
      {{"--to-subtree"}, v1::SCOPE_SUBTREE, {}, v1::LEVEL_UNSPECIFIED, ""},
  };
  std::set<std::string> ids;
  for (const Case& c : cases) {
    std::vector<std::string> args = {"directive", "issue", "--title",
                                     "Đôn đốc giải quyết kiến nghị cử tri trước kỳ họp cuối năm",
                                     "--due", "2023-11-30"};
    args.insert(args.end(), c.scope_flags.begin(), c.scope_flags.end());
    std::string id = CreateOk(args);
    ids.insert(id);
    v1::Record r = Show(id);
    ASSERT_TRUE(r.has_directive()) << r.DebugString();
    const v1::DirectiveScope& s = r.directive().scope();
    EXPECT_EQ(s.kind(), c.kind) << c.scope_flags[0];
    EXPECT_EQ(std::vector<std::string>(s.units().begin(), s.units().end()), c.units);
    EXPECT_EQ(s.level(), c.level);
    EXPECT_EQ(s.under(), c.under);
    EXPECT_EQ(r.directive().due_date(), "2023-11-30");
  }
  EXPECT_EQ(ids.size(), cases.size());
  EXPECT_EQ(ListIds({"--kind", "directive"}).size(), cases.size());
}

TEST_F(CtlRecordsTest, DirectiveReferencesItsConclusion) {
  std::string conclusion = CreateOk({"conclusion", "create", "--title", kConclusionTitle,
                                     "--meeting-date", "2023-08-25"});
  std::string directive = CreateOk({"directive", "issue", "--title",
                                    "Triển khai nhiệm vụ trọng tâm cuối năm 2023", "--due",
                                    "2023-12-15", "--to-subtree", "--conclusion", conclusion});
  EXPECT_EQ(Show(directive).directive().conclusion_id(), conclusion);
}

TEST_F(CtlRecordsTest, DirectiveUpdates) {
  std::string directive = CreateOk({"directive", "issue", "--title",
                                    "Báo cáo kết quả giám sát chuyên đề", "--due", "2023-10-31",
                                    "--to", "21550"});
  std::string first = CreateOk({"directive", "update", directive, "--status", "in_progress",
                                "--note", "Đang tổng hợp số liệu từ các tổ dân phố"});
  std::string second = CreateOk({"directive", "update", directive, "--status", "done"});
  EXPECT_NE(first, second);
  v1::Record u1 = Show(first);
  ASSERT_TRUE(u1.has_directive_update()) << u1.DebugString();
  EXPECT_EQ(u1.directive_update().directive_id(), directive);
  EXPECT_EQ(u1.directive_update().status(), v1::DIRECTIVE_STATUS_IN_PROGRESS);
  EXPECT_EQ(u1.directive_update().note(), "Đang tổng hợp số liệu từ các tổ dân phố");
  v1::Record u2 = Show(second);
  EXPECT_EQ(u2.directive_update().status(), v1::DIRECTIVE_STATUS_DONE);
  std::string received = CreateOk({"directive", "update", directive, "--status", "received"});
  EXPECT_EQ(Show(received).directive_update().status(), v1::DIRECTIVE_STATUS_RECEIVED);
  EXPECT_EQ(ListIds({"--kind", "directive_update"}),
            (std::vector<std::string>{first, second, received}));
}

TEST_F(CtlRecordsTest, PetitionAndAnswer) {
  std::string petition = CreateOk({"petition", "create", "--title",
                                   "Cử tri kiến nghị sửa chữa đường liên thôn Trung Sơn",
                                   "--field", "infrastructure", "--competent-level", "district",
                                   "--body-file", FixturePath("kien_nghi_duong_lien_thon.txt")});
  const std::string answer_path = FixturePath("tra_loi_kien_nghi.txt");
  std::string answer = CreateOk({"petition", "answer", petition, "--body-file", answer_path,
                                 "--title", "Trả lời kiến nghị cử tri phường Phổ Vinh"});
  v1::Record a = Show(answer);
  ASSERT_TRUE(a.has_petition_answer()) << a.DebugString();
  EXPECT_EQ(a.petition_answer().petition_id(), petition);
  EXPECT_EQ(a.text(), ReadFile(answer_path).value());
  EXPECT_EQ(a.doc().title(), "Trả lời kiến nghị cử tri phường Phổ Vinh");
  v1::Record p = Show(petition);
  EXPECT_EQ(p.petition().competent_level(), v1::LEVEL_DISTRICT);
  EXPECT_EQ(p.petition().status(), v1::PETITION_STATUS_OPEN);
}

TEST_F(CtlRecordsTest, PutUnitRecordFromJsonFile) {
  const std::string path = FixturePath("unit_phuong_pho_vinh.json");
  std::string id = CreateOk({"put", "--file", path});
  v1::Record r = Show(id);
  ASSERT_TRUE(r.has_unit()) << r.DebugString();
  EXPECT_EQ(r.origin(), "522");
  EXPECT_EQ(r.unit().id(), "21550");
  EXPECT_EQ(r.unit().level(), v1::LEVEL_COMMUNE);
  EXPECT_EQ(r.unit().name(), "HĐND phường Phổ Vinh");
  EXPECT_EQ(r.unit().parent(), "522");
  EXPECT_EQ(r.doc().title(), "Đăng ký đơn vị: HĐND phường Phổ Vinh");
  EXPECT_TRUE(absl::StrContains(ReadFile(path).value(), "\n  \"unit\"")) << "multi-line JSON";

  // The same file from standard input.
  RunResult again = Ctl({"put", "--file", "-"}, ReadFile(path).value());
  ASSERT_EQ(again.exit_code, 0) << Describe(again);
  std::string id2 = TrimNewlines(again.out);
  EXPECT_NE(id2, id);
  EXPECT_EQ(Show(id2).unit().name(), "HĐND phường Phổ Vinh");
}

// put with an id amends: the next version, same id; the version check holds.
TEST_F(CtlRecordsTest, PutAmendsByIdWithVersionCheck) {
  std::string id = CreateOk({"report", "create", "--period", "2023-H1", "--title",
                             "Báo cáo 6 tháng đầu năm 2023"});
  v1::Record current = Show(id);
  ASSERT_EQ(current.version(), 1u);
  std::string amend = R"({"id":")" + id + R"j(","version":1,"doc":{"title":"Báo cáo 8 tháng (sửa)"},)j"
                      R"("report":{"period":"2023-YTD08"}})";
  RunResult put = Ctl({"--json", "put", "--file", WriteTemp("amend.json", amend)});
  ASSERT_EQ(put.exit_code, 0) << Describe(put);
  v1::Record stored;
  ASSERT_TRUE(ParseJson(put.out, &stored));
  EXPECT_EQ(stored.id(), id);
  EXPECT_EQ(stored.version(), 2u);
  EXPECT_GT(stored.seq(), current.seq());
  EXPECT_EQ(Show(id).doc().title(), "Báo cáo 8 tháng (sửa)");
  EXPECT_TRUE(ListIds({"--period", "2023-H1"}).empty());
  EXPECT_EQ(ListIds({"--period", "2023-YTD08"}), std::vector<std::string>{id});

  // The same amend again names a stale version: refused, nothing changes.
  RunResult stale = Ctl({"put", "--file", temp().Sub("amend.json")});
  ExpectOneLineError(stale, 1, {id});
  EXPECT_EQ(Show(id).version(), 2u);
}

class CtlListTest : public NodeTest {
 protected:
  void SetUp() override {
    NodeTest::SetUp();
    if (HasFatalFailure()) return;
    own_unit_ids_ = ListIds({"--kind", "unit"});  // the node's own unit record
    r1_ = CreateOk({"report", "create", "--period", "2023-YTD08", "--title", "Báo cáo 8 tháng"});
    r2_ = CreateOk({"report", "create", "--period", "2023-H1", "--title", "Báo cáo 6 tháng"});
    c1_ = CreateOk({"conclusion", "create", "--title", kConclusionTitle, "--meeting-date",
                    "2023-08-25", "--period", "2023-YTD08"});
    p1_ = CreateOk({"petition", "create", "--title", "Kiến nghị về đất đai", "--field", "land",
                    "--competent-level", "province"});
    r3_ = CreateOk({"report", "create", "--period", "2023-YTD08", "--title",
                    "Báo cáo 8 tháng (bổ sung)"});
    // A report of another origin, imported as a complete version signed by
    // that origin, after the origin's own unit record (which carries its key).
    SignedOrigin commune("21550", "522", v1::LEVEL_COMMUNE);
    v1::Record report;
    report.mutable_doc()->set_title("Báo cáo của phường");
    report.mutable_report()->set_period("2023-YTD08");
    (*report.mutable_report()->mutable_metrics())["sessions_held"] = 2;
    RunResult imp = Ctl({"import", "--file", "-"},
                        JsonLine(commune.UnitRecord()) +
                            JsonLine(commune.Version(report, 4, 110859593711206400ull)));
    ASSERT_EQ(imp.exit_code, 0) << Describe(imp);
  }
  std::vector<std::string> own_unit_ids_;
  std::string r1_, r2_, c1_, p1_, r3_;
};

TEST_F(CtlListTest, Filters) {
  EXPECT_EQ(ListIds({"--kind", "report"}), (std::vector<std::string>{"21550:4", r1_, r2_, r3_}));
  EXPECT_EQ(ListIds({"--kind", "petition"}), std::vector<std::string>{p1_});
  EXPECT_EQ(ListIds({"--kind", "conclusion"}), std::vector<std::string>{c1_});
  EXPECT_EQ(ListIds({"--period", "2023-YTD08"}),
            (std::vector<std::string>{"21550:4", r1_, c1_, r3_}));
  EXPECT_EQ(ListIds({"--period", "2023-YTD08", "--kind", "report"}),
            (std::vector<std::string>{"21550:4", r1_, r3_}));
  EXPECT_EQ(ListIds({"--period", "2023-H1"}), std::vector<std::string>{r2_});
  EXPECT_EQ(ListIds({"--unit", "21550"}), (std::vector<std::string>{"21550:1", "21550:4"}));
  std::vector<std::string> own = ListIds({"--unit", "522"});
  EXPECT_EQ(own.size(), own_unit_ids_.size() + 5);
  EXPECT_TRUE(std::is_sorted(own.begin(), own.end(), [](const std::string& a, const std::string& b) {
    return SeqOf(a) < SeqOf(b);
  }));
  EXPECT_EQ(ListIds({"--unit", "522", "--kind", "report"}),
            (std::vector<std::string>{r1_, r2_, r3_}));
  EXPECT_TRUE(ListIds({"--unit", "21553"}).empty());
  EXPECT_TRUE(ListIds({"--period", "2022"}).empty());
}

TEST_F(CtlListTest, Limit) {
  EXPECT_EQ(ListIds({"--kind", "report", "--limit", "2"}),
            (std::vector<std::string>{"21550:4", r1_}));
  EXPECT_EQ(ListIds({"--limit", "1"}).size(), 1u);
  std::vector<std::string> all = ListIds();
  EXPECT_EQ(all.size(), own_unit_ids_.size() + 7);  // + 21550's unit record
  EXPECT_EQ(ListIds({"--limit", "0"}), all);
  EXPECT_EQ(ListIds({"--limit", "1000"}), all);
}

TEST_F(CtlListTest, TableShowsTitles) {
  RunResult r = Ctl({"list", "--kind", "report"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;  // header + 4
  EXPECT_TRUE(absl::StrContains(lines[0], "ID")) << lines[0];
  EXPECT_TRUE(absl::StrContains(r.out, "Báo cáo 8 tháng (bổ sung)")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, r3_)) << r.out;
  EXPECT_FALSE(absl::StrContains(r.out, p1_)) << r.out;
}

TEST_F(CtlListTest, StatusCountsRecordsByKind) {
  v1::StatusReply s = Status();
  EXPECT_EQ(s.unit(), "522");
  EXPECT_EQ(s.level(), v1::LEVEL_DISTRICT);
  EXPECT_EQ(s.name(), "HĐND thị xã Đức Phổ");
  EXPECT_EQ(s.parent_unit(), "51");
  EXPECT_EQ(s.last_seq(), SeqOf(r3_));
  std::map<std::string, uint64_t> counts;
  for (const v1::KindCount& c : s.counts()) counts[c.kind()] = c.count();
  EXPECT_EQ(counts["report"], 4u);
  EXPECT_EQ(counts["conclusion"], 1u);
  EXPECT_EQ(counts["petition"], 1u);
  EXPECT_EQ(counts["unit"], own_unit_ids_.size() + 1);  // + 21550's
  EXPECT_EQ(counts["directive"], 0u);
  // The human view names the unit too.
  RunResult human = Ctl({"status"});
  ASSERT_EQ(human.exit_code, 0) << Describe(human);
  EXPECT_TRUE(absl::StrContains(human.out, "HĐND thị xã Đức Phổ")) << human.out;
}

TEST_F(CtlRecordsTest, ShowOfEveryKindParsesBack) {
  std::vector<std::string> ids = {
      CreateOk({"report", "create", "--period", "2023", "--title", "Báo cáo năm 2023"}),
      CreateOk({"conclusion", "create", "--title", kConclusionTitle, "--meeting-date",
                "2023-08-25"}),
      CreateOk({"directive", "issue", "--title", "Chỉ đạo", "--due", "2024-01-15",
                "--to-subtree"}),
      CreateOk({"petition", "create", "--title", "Kiến nghị", "--field", "social_policy",
                "--competent-level", "commune"}),
      CreateOk({"put", "--file", FixturePath("unit_phuong_pho_vinh.json")}),
  };
  ids.push_back(CreateOk({"directive", "update", ids[2], "--status", "received"}));
  ids.push_back(CreateOk({"petition", "answer", ids[3], "--body-file",
                          FixturePath("tra_loi_kien_nghi.txt")}));
  std::set<std::string> kinds;
  for (const std::string& id : ids) {
    v1::Record r = Show(id);
    EXPECT_EQ(r.id(), id);
    kinds.insert(std::string(v1::Record::descriptor()
                                 ->FindFieldByNumber(r.body_case())
                                 ->name()));
  }
  EXPECT_EQ(kinds.size(), 7u);
}

}  // namespace
}  // namespace council::itest
