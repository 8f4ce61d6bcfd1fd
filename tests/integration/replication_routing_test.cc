// Routing across a real tree (DESIGN.md property 3): up is total and
// survives an offline district; down is addressed — a directive reaches
// exactly its scope and the nodes on the path, its automatic receipts come
// back up, and a petition answer reaches the council where the petition was
// recorded and no other branch.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "tree_harness.h"

namespace council::itest {
namespace {

using google::protobuf::util::MessageDifferencer;

const std::set<std::string> kAllUnits = {"51", "522", "523", "21550", "21551", "21580", "21581"};

std::string Fixture(const std::string& name) {
  std::optional<std::string> text = ReadFile(FixturePath(name));
  EXPECT_TRUE(text.has_value()) << FixturePath(name);
  return text.value_or("");
}

// The directive_update records at `unit` that refer to `directive_id`, by origin.
std::multimap<std::string, v1::Record> ReceiptsAt(CouncilTree& tree, const std::string& unit,
                                                  const std::string& directive_id) {
  std::multimap<std::string, v1::Record> out;
  absl::StatusOr<std::vector<v1::Record>> updates =
      tree.List(unit, {"--kind", "directive_update"});
  EXPECT_TRUE(updates.ok()) << updates.status();
  if (!updates.ok()) return out;
  for (v1::Record& r : *updates) {
    if (r.directive_update().directive_id() == directive_id) out.emplace(r.origin(), r);
  }
  return out;
}

// Waits until `unit` holds a receipt for `directive_id` from every origin in `from`.
absl::Status WaitForReceipts(CouncilTree& tree, const std::string& unit,
                             const std::string& directive_id, const std::set<std::string>& from) {
  std::set<std::string> seen;
  return WaitFor(
      [&] {
        seen.clear();
        for (const auto& [origin, r] : ReceiptsAt(tree, unit, directive_id)) seen.insert(origin);
        for (const std::string& f : from) {
          if (!seen.count(f)) return false;
        }
        return true;
      },
      milliseconds(20000), absl::StrCat("receipts for ", directive_id, " at ", unit),
      [&] {
        std::string s;
        for (const std::string& o : seen) absl::StrAppend(&s, o, " ");
        return absl::StrCat("receipts from: ", s);
      },
      milliseconds(100));
}

// Expects exactly one "received" receipt for `directive_id` at `unit` from
// each of `targets`, and none from anyone else.
void ExpectReceipts(CouncilTree& tree, const std::string& unit, const std::string& directive_id,
                    const std::set<std::string>& targets) {
  std::multimap<std::string, v1::Record> receipts = ReceiptsAt(tree, unit, directive_id);
  for (const std::string& t : targets) {
    EXPECT_EQ(receipts.count(t), 1u) << "receipts from " << t << " at " << unit;
  }
  for (const auto& [origin, r] : receipts) {
    EXPECT_TRUE(targets.count(origin)) << "unexpected receipt at " << unit << " from " << origin
                                       << ": " << r.DebugString();
    EXPECT_EQ(r.directive_update().status(), v1::DIRECTIVE_STATUS_RECEIVED) << r.DebugString();
  }
}

class ReplicationRoutingTest : public TreeTest {};

TEST_F(ReplicationRoutingTest, ReportWrittenWhileDistrictIsDownReachesProvince) {
  StartTree({"51", "522", "21550"});
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_EQ(tree().Stop("522"), 0) << tree().node("522").Stderr();

  // The commune keeps working offline.
  absl::StatusOr<std::string> id = tree().Create(
      "21550", {"report", "create", "--period", "2023-YTD08", "--period-label",
                "8 tháng đầu năm 2023", "--title",
                "Báo cáo kết quả hoạt động 8 tháng đầu năm 2023 của HĐND phường Phổ Vinh",
                "--number", "41/BC-HĐND", "--issued-on", "2023-09-05", "--metric",
                "sessions_held=2", "--metric", "resolutions_passed=9", "--metric",
                "voter_meetings=6", "--body-file", FixturePath("bao_cao_8_thang_2023.txt")});
  ASSERT_TRUE(id.ok()) << id.status();
  std::optional<v1::Record> local = tree().Find("21550", *id);
  ASSERT_TRUE(local.has_value());
  EXPECT_FALSE(tree().Find("51", *id).has_value()) << "reached the province with 522 down";

  ASSERT_TRUE(tree().Start("522").ok());
  absl::StatusOr<v1::Record> at_province = tree().WaitForRecord("51", *id);
  ASSERT_TRUE(at_province.ok()) << at_province.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*at_province, *local))
      << "province: " << at_province->DebugString() << "\ncommune: " << local->DebugString();
  EXPECT_EQ(at_province->text(), Fixture("bao_cao_8_thang_2023.txt"));
  EXPECT_EQ(at_province->report().metrics().at("resolutions_passed"), 9);

  // Stored on the way, at the district.
  std::optional<v1::Record> at_district = tree().Find("522", *id);
  ASSERT_TRUE(at_district.has_value());
  EXPECT_TRUE(MessageDifferencer::Equals(*at_district, *local));
}

// Unit records go down to every unit below them, so that each node knows
// its ancestors (routing.h), and up like everything else.
TEST_F(ReplicationRoutingTest, EveryNodeHoldsTheUnitRecordsOfItsAncestors) {
  StartTree(kAllUnits);
  ASSERT_FALSE(HasFatalFailure());
  for (const UnitSpec& u : StandardTree()) {
    for (std::string a = u.parent; !a.empty(); a = tree().spec(a).parent) {
      std::string why;
      std::optional<v1::Record> unit = tree().Find(u.unit, absl::StrCat(a, ":1"), &why);
      EXPECT_TRUE(unit.has_value()) << u.unit << " lacks the unit record of its ancestor " << a
                                    << ": " << why;
    }
  }
  // Nothing else of another branch.
  EXPECT_FALSE(tree().Find("21550", "523:1").has_value());
  EXPECT_FALSE(tree().Find("21580", "21581:1").has_value());
}

TEST_F(ReplicationRoutingTest, LevelDirectiveReachesExactlyTheCommunesOfItsDistrict) {
  StartTree(kAllUnits);
  ASSERT_FALSE(HasFatalFailure());
  const std::string body = Fixture("cong_van_chi_dao_giam_sat_2023.txt");
  absl::StatusOr<std::string> d = tree().Create(
      "51", {"directive", "issue", "--title",
             "Giám sát chuyên đề việc giải quyết kiến nghị cử tri năm 2023", "--due",
             "2023-11-15", "--to-level", "commune", "--under", "522", "--number",
             "112/HĐND-TT", "--issued-on", "2023-10-02", "--signer", "Nguyễn Văn Minh",
             "--signer-capacity", "TM.", "--body-file",
             FixturePath("cong_van_chi_dao_giam_sat_2023.txt")});
  ASSERT_TRUE(d.ok()) << d.status();

  for (const std::string unit : {"522", "21550", "21551"}) {
    absl::StatusOr<v1::Record> got = tree().WaitForRecord(unit, *d);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->text(), body) << "at " << unit;
    EXPECT_EQ(got->directive().scope().under(), "522");
  }
  absl::Status receipts = WaitForReceipts(tree(), "51", *d, {"21550", "21551"});
  ASSERT_TRUE(receipts.ok()) << receipts;

  // Once every link is quiet, nothing went anywhere else.
  absl::Status synced = tree().WaitAllSynced();
  ASSERT_TRUE(synced.ok()) << synced;
  for (const std::string unit : {"523", "21580", "21581"}) {
    EXPECT_FALSE(tree().Find(unit, *d).has_value()) << *d << " reached " << unit;
  }
  ExpectReceipts(tree(), "51", *d, {"21550", "21551"});
  ExpectReceipts(tree(), "522", *d, {"21550", "21551"});
  ExpectReceipts(tree(), "21550", *d, {"21550"});
}

// A commune that first connects after the directive was issued still gets
// it: its district appends what addresses the new child's subtree when the
// child's unit record arrives.
TEST_F(ReplicationRoutingTest, LevelDirectiveReachesACommuneThatJoinsLater) {
  StartTree({"51", "522", "21550"});
  ASSERT_FALSE(HasFatalFailure());
  absl::StatusOr<std::string> d = tree().Create(
      "51", {"directive", "issue", "--title",
             "Chuẩn bị nội dung kỳ họp thường lệ cuối năm 2023", "--due", "2023-12-10",
             "--to-level", "commune", "--under", "522"});
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_TRUE(tree().WaitForRecord("21550", *d).ok());

  JoinTree("21551");
  ASSERT_FALSE(HasFatalFailure());
  absl::StatusOr<v1::Record> got = tree().WaitForRecord("21551", *d);
  ASSERT_TRUE(got.ok()) << got.status();
  absl::Status receipts = WaitForReceipts(tree(), "51", *d, {"21550", "21551"});
  ASSERT_TRUE(receipts.ok()) << receipts;
  absl::Status synced = tree().WaitAllSynced();
  ASSERT_TRUE(synced.ok()) << synced;
  ExpectReceipts(tree(), "51", *d, {"21550", "21551"});
}

// A commune registered ahead of its node (`councilctl unit add` at its
// district, README "Enrol a new commune") is a directive's target from the
// moment it is issued: the province tracks it as not yet received, and the
// directive reaches it when its node first connects.
TEST_F(ReplicationRoutingTest, CommuneRegisteredAheadIsTargetedBeforeItJoins) {
  StartTree({"51", "522", "21550"});
  ASSERT_FALSE(HasFatalFailure());
  RunResult no_parent = tree().Ctl(
      "522", {"unit", "add", "--id", "21551", "--level", "commune", "--name", "HĐND phường Phổ Ninh"});
  EXPECT_EQ(no_parent.exit_code, 2) << Describe(no_parent);
  EXPECT_TRUE(absl::StrContains(no_parent.err, "--parent is required for a commune"))
      << no_parent.err;
  RunResult added = tree().Ctl("522", {"unit", "add", "--id", "21551", "--level", "commune",
                                       "--name", "HĐND phường Phổ Ninh", "--parent", "522"});
  ASSERT_EQ(added.exit_code, 0) << Describe(added);
  ASSERT_TRUE(tree().WaitSynced("522").ok());

  absl::StatusOr<std::string> d = tree().Create(
      "51", {"directive", "issue", "--title", "Rà soát kiến nghị cử tri tồn đọng", "--due",
             "2023-12-10", "--to-level", "commune", "--under", "522"});
  ASSERT_TRUE(d.ok()) << d.status();
  absl::Status first = WaitForReceipts(tree(), "51", *d, {"21550"});
  ASSERT_TRUE(first.ok()) << first;
  RunResult track = tree().Ctl("51", {"--json", "directive", "track", *d});
  ASSERT_EQ(track.exit_code, 0) << Describe(track);
  v1::TrackReply reply;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(track.out, &reply).ok()) << track.out;
  std::map<std::string, int64_t> received;
  for (const v1::TargetStatus& t : reply.targets()) received[t.unit()] = t.received_ms();
  ASSERT_EQ(received.size(), 2u) << reply.DebugString();
  EXPECT_GT(received["21550"], 0);
  EXPECT_EQ(received["21551"], 0) << "a node that never ran received the directive";

  JoinTree("21551");
  ASSERT_FALSE(HasFatalFailure());
  absl::StatusOr<v1::Record> got = tree().WaitForRecord("21551", *d);
  ASSERT_TRUE(got.ok()) << got.status();
  absl::Status both = WaitForReceipts(tree(), "51", *d, {"21550", "21551"});
  ASSERT_TRUE(both.ok()) << both;
  // At the root, `sync wait` waits on the child links (it has no parent).
  RunResult root = tree().Ctl("51", {"sync", "wait", "--timeout", "20"});
  EXPECT_EQ(root.exit_code, 0) << Describe(root);
}

TEST_F(ReplicationRoutingTest, NamedUnitDirectiveReachesOnlyThatCommune) {
  StartTree(kAllUnits);
  ASSERT_FALSE(HasFatalFailure());
  absl::StatusOr<std::string> d = tree().Create(
      "51", {"directive", "issue", "--title",
             "Báo cáo việc giải quyết kiến nghị về tuyến đường liên thôn", "--due",
             "2023-12-01", "--to", "21580", "--number", "118/HĐND-TT"});
  ASSERT_TRUE(d.ok()) << d.status();

  for (const std::string unit : {"523", "21580"}) {
    absl::StatusOr<v1::Record> got = tree().WaitForRecord(unit, *d);
    ASSERT_TRUE(got.ok()) << got.status();
  }
  absl::Status receipts = WaitForReceipts(tree(), "51", *d, {"21580"});
  ASSERT_TRUE(receipts.ok()) << receipts;

  absl::Status synced = tree().WaitAllSynced();
  ASSERT_TRUE(synced.ok()) << synced;
  for (const std::string unit : {"522", "21550", "21551", "21581"}) {
    EXPECT_FALSE(tree().Find(unit, *d).has_value()) << *d << " reached " << unit;
  }
  ExpectReceipts(tree(), "51", *d, {"21580"});
}

TEST_F(ReplicationRoutingTest, PetitionAnswerReachesTheRecordingCommuneOnly) {
  StartTree({"51", "522", "523", "21550", "21581"});
  ASSERT_FALSE(HasFatalFailure());
  absl::StatusOr<std::string> p = tree().Create(
      "21581", {"petition", "create", "--title",
                "Kiến nghị sửa chữa tuyến đường liên thôn Trung Sơn", "--field",
                "infrastructure", "--competent-level", "province", "--petitioner",
                "Cử tri thôn Trung Sơn", "--location", "xã Ba Thành", "--body-file",
                FixturePath("kien_nghi_duong_lien_thon.txt")});
  ASSERT_TRUE(p.ok()) << p.status();
  absl::StatusOr<v1::Record> petition = tree().WaitForRecord("51", *p);
  ASSERT_TRUE(petition.ok()) << petition.status();
  EXPECT_EQ(petition->text(), Fixture("kien_nghi_duong_lien_thon.txt"));

  absl::StatusOr<std::string> a = tree().Create(
      "51", {"petition", "answer", *p, "--title", "Trả lời kiến nghị cử tri xã Ba Thành",
             "--number", "205/HĐND-KTNS", "--body-file",
             FixturePath("tra_loi_kien_nghi_cap_tinh.txt")});
  ASSERT_TRUE(a.ok()) << a.status();

  absl::StatusOr<v1::Record> answer = tree().WaitForRecord("21581", *a);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->petition_answer().petition_id(), *p);
  EXPECT_EQ(answer->text(), Fixture("tra_loi_kien_nghi_cap_tinh.txt"));
  EXPECT_TRUE(tree().Find("523", *a).has_value()) << "the path to 21581 holds the answer";

  absl::Status synced = tree().WaitAllSynced();
  ASSERT_TRUE(synced.ok()) << synced;
  for (const std::string unit : {"522", "21550"}) {
    EXPECT_FALSE(tree().Find(unit, *a).has_value()) << *a << " reached " << unit;
  }
}

}  // namespace
}  // namespace council::itest
