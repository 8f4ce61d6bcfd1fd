// Hostile input over a node link (DESIGN.md property 6): a real province
// node (--insecure) and this test acting as its child district 522 over the
// real Sync protocol, signing with 522's own key as a real node would. Each
// hostile batch is refused, nothing of it is applied, the refusal is counted
// in `status --json` (links[] entry for 522: refused[reason]), and honest
// traffic from 522 keeps flowing afterwards:
//   - a record of another district's commune         -> "unauthorized"
//   - a replayed older version                         -> "stale"
//   - a directive forged as the province's             -> "unauthorized"
//   - a batch of too many records, or too many bytes   -> "oversized", link reset
//   - a record whose text is not UTF-8                 -> refused as "invalid"
//
// And the honest case the acknowledgements are cut for: batches streamed
// back to back are all applied and acknowledged through the last.
//
// Covered elsewhere: a relay altering a record's text (signature_test.cc:
// RelayCannotAlterOrForgeWhatItForwards), a link without a valid client
// certificate and an admin call without the credential (security_test.cc).
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "council/v1/sync.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/security/credentials.h"
#include "hand_link.h"
#include "node_test.h"
#include "signed_origin.h"
#include "tree_harness.h"

namespace council::itest {
namespace {


// The child end of a Sync link, driven by hand, writing raw message bytes
// (so a test can send what the C++ setters would not produce).


class HostilePeerTest : public TreeTest {
 protected:
  void SetUp() override {
    StartTree({"51"});
    ASSERT_FALSE(HasFatalFailure());
    // The province knows district 527 and its commune 21580 (imported, with
    // their own keys), so 21580 is known to lie outside 522's subtree.
    RunResult imp = tree().node("51").Ctl(
        {"import", "--file", "-"},
        JsonLine(district527_.UnitRecord()) + JsonLine(commune21580_.UnitRecord()));
    ASSERT_EQ(imp.exit_code, 0) << Describe(imp);
    ASSERT_TRUE(tree().Find("51", "21580:1").has_value());
    Connect();
    ASSERT_FALSE(HasFatalFailure());
    // 522 introduces itself.
    SendAcked({district_.UnitRecord()});
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_TRUE(tree().Find("51", "522:1").has_value());
  }

  // A new link as 522 (the province replaces any older session of 522);
  // next_ continues from how far the province holds 522's outbox.
  void Connect() {
    link_.reset();
    v1::Hello province;
    absl::Status up = WaitFor(
        [&] {
          link_ = std::make_unique<HandLink>(tree().listen_addr("51"), std::chrono::seconds(120));
          return link_->Hello("522", "51", next_ - 1, &province);
        },
        milliseconds(20000), "the province accepting 522's link");
    ASSERT_TRUE(up.ok()) << up;
    ASSERT_EQ(province.unit(), "51");
    next_ = province.have() + 1;
  }

  // Sends `records` as the next batch and waits for its acknowledgement.
  void SendAcked(const std::vector<v1::Record>& records) {
    ASSERT_TRUE(link_->Send(next_, records));
    next_ += records.size();
    ASSERT_TRUE(link_->ReadUntil(next_ - 1)) << "no acknowledgement of the batch";
  }

  // A valid, new report of 522 (next record number), signed by 522.
  v1::Record Honest(const std::string& title) {
    return district_.Version(ReportDraft(title, "Tiếp nhận 14 kiến nghị của cử tri."), ++n_);
  }

  // Honest traffic on the link still flows: a valid record is applied.
  void ExpectHonestTrafficFlows(const std::string& title) {
    v1::Record r = Honest(title);
    SendAcked({r});
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_TRUE(tree().Find("51", r.id()).has_value()) << r.id() << " not applied";
  }

  // The read side of link_ has ended: the province ended the call (before its
  // deadline) and shows 522 disconnected. Then link_ is dropped.
  void ExpectLinkReset() {
    EXPECT_FALSE(link_->Expired()) << "the province did not reset the link";
    absl::Status down = WaitFor(
        [&] {
          absl::StatusOr<v1::StatusReply> status = tree().Status("51");
          if (!status.ok()) return false;
          std::optional<v1::LinkStatus> l = CouncilTree::LinkTo(*status, "522");
          return l.has_value() && !l->connected();
        },
        milliseconds(10000), "the province showing 522 disconnected");
    EXPECT_TRUE(down.ok()) << down;
    link_.reset();
  }

  // links[] entry for 522 at the province: refused[reason].
  uint64_t Refused(const std::string& reason, std::string* last = nullptr) {
    absl::StatusOr<v1::StatusReply> status = tree().Status("51");
    EXPECT_TRUE(status.ok()) << status.status();
    if (!status.ok()) return 0;
    std::optional<v1::LinkStatus> l = CouncilTree::LinkTo(*status, "522");
    if (!l.has_value()) return 0;
    if (last != nullptr) *last = l->last_refusal();
    return l->refused().count(reason) ? l->refused().at(reason) : 0;
  }
  uint64_t RefusedTotal() {
    absl::StatusOr<v1::StatusReply> status = tree().Status("51");
    if (!status.ok()) return 0;
    std::optional<v1::LinkStatus> l = CouncilTree::LinkTo(*status, "522");
    uint64_t total = 0;
    if (l.has_value()) {
      for (const auto& [reason, n] : l->refused()) total += n;
    }
    return total;
  }

  SignedOrigin district_{"522", "51", v1::LEVEL_DISTRICT};
  SignedOrigin district527_{"527", "51", v1::LEVEL_DISTRICT};
  SignedOrigin commune21580_{"21580", "527", v1::LEVEL_COMMUNE};
  std::unique_ptr<HandLink> link_;
  uint64_t next_ = 1;  // 522's next outbox position
  uint64_t n_ = 1;     // 522's last record number used (522:1 is its unit)
};

TEST_F(HostilePeerTest, RecordOfAnotherDistrictsCommuneIsRefused) {
  // Properly signed by 21580 itself, but 21580 lies under 527, not 522.
  v1::Record foreign = commune21580_.Version(
      ReportDraft("Báo cáo giả của xã Ba Động", "Không có kiến nghị tồn đọng."), 2);
  const uint64_t before = Refused("unauthorized");
  SendAcked({foreign});
  ASSERT_FALSE(HasFatalFailure());
  std::string last;
  EXPECT_EQ(Refused("unauthorized", &last), before + 1);
  EXPECT_TRUE(absl::StrContains(last, "21580:2")) << last;
  std::string why;
  EXPECT_FALSE(tree().Find("51", "21580:2", &why).has_value()) << "foreign record applied";
  ExpectHonestTrafficFlows("Báo cáo sau bản ghi trái phép");
}

TEST_F(HostilePeerTest, ReplayedOlderVersionIsRefused) {
  const v1::Record old = district_.Version(ReportDraft("Báo cáo giám sát", "Bản đầu."), ++n_);
  v1::Record v2 = old;
  v2.set_text("Bản đã sửa.");
  v2.set_version(2);
  v2.set_seq(++n_);
  v2.set_hlc(old.hlc() + (1000ull << 16));
  v2 = district_.Sign(v2);
  SendAcked({old});
  SendAcked({v2});
  ASSERT_FALSE(HasFatalFailure());
  std::optional<v1::Record> held = tree().Find("51", old.id());
  ASSERT_TRUE(held.has_value());
  ASSERT_EQ(held->version(), 2u);

  const uint64_t before = Refused("stale");
  SendAcked({old});  // the old version again, at a new outbox position
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(Refused("stale"), before + 1);
  held = tree().Find("51", old.id());
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->version(), 2u);
  EXPECT_EQ(held->text(), "Bản đã sửa.");
  ExpectHonestTrafficFlows("Báo cáo sau bản ghi cũ");
}

TEST_F(HostilePeerTest, DirectiveForgedAsTheProvincesIsRefused) {
  v1::Record forged;
  forged.mutable_doc()->set_title("Chỉ thị giả danh tỉnh");
  forged.mutable_directive()->set_due_date("2023-12-15");
  forged.mutable_directive()->mutable_scope()->set_kind(v1::SCOPE_UNITS);
  forged.mutable_directive()->mutable_scope()->add_units("522");
  forged.mutable_directive()->mutable_scope()->add_units("523");
  forged.set_id("51:900");
  forged.set_origin("51");
  forged.set_seq(900);
  forged.set_version(1);
  forged.set_hlc(SignedOrigin::kHlc);
  forged = district_.Sign(forged);  // 522 can sign only with its own key

  const uint64_t before = Refused("unauthorized");
  const uint64_t total = RefusedTotal();
  SendAcked({forged});
  ASSERT_FALSE(HasFatalFailure());
  std::string last;
  EXPECT_EQ(RefusedTotal(), total + 1);
  EXPECT_EQ(Refused("unauthorized", &last), before + 1) << last;
  EXPECT_TRUE(absl::StrContains(last, "51:900")) << last;
  std::string why;
  EXPECT_FALSE(tree().Find("51", "51:900", &why).has_value()) << "forged directive applied";
  ExpectHonestTrafficFlows("Báo cáo sau chỉ thị giả");
}

TEST_F(HostilePeerTest, OversizedBatchesAreRefusedWholeAndTheLinkReset) {
  // 5000 tiny, otherwise valid records in one batch.
  std::vector<v1::Record> many;
  const uint64_t first_n = n_ + 1;
  for (int i = 0; i < 5000; ++i) many.push_back(Honest(absl::StrCat("Báo cáo số ", i)));
  const uint64_t before = Refused("oversized");
  ASSERT_TRUE(link_->Send(next_, many));
  EXPECT_FALSE(link_->ReadUntil(next_ + many.size() - 1)) << "oversized batch acknowledged";
  ExpectLinkReset();
  EXPECT_EQ(Refused("oversized"), before + many.size());
  std::string why;
  EXPECT_FALSE(tree().Find("51", absl::StrCat("522:", first_n), &why).has_value());
  EXPECT_FALSE(tree().Find("51", absl::StrCat("522:", n_), &why).has_value());

  // The child reconnects: the province still holds 522's outbox only up to
  // before the refused batch, and takes valid records again.
  Connect();
  ASSERT_FALSE(HasFatalFailure());
  ExpectHonestTrafficFlows("Báo cáo sau lô quá lớn");

  // Over 8 MiB in 40 records of ~230 KB each (under the 16 MiB gRPC limit,
  // so the node itself refuses it).
  std::vector<v1::Record> big;
  const uint64_t big_first = n_ + 1;
  for (int i = 0; i < 40; ++i) {
    big.push_back(district_.Version(
        ReportDraft(absl::StrCat("Phụ lục ", i), std::string(230 << 10, 'a' + i % 26)), ++n_));
  }
  ASSERT_GT(HandLink::BatchOf(next_, big).ByteSizeLong(), size_t{8} << 20);
  const uint64_t before_big = Refused("oversized");
  ASSERT_TRUE(link_->Send(next_, big));
  EXPECT_FALSE(link_->ReadUntil(next_ + big.size() - 1)) << "oversized batch acknowledged";
  ExpectLinkReset();
  EXPECT_EQ(Refused("oversized"), before_big + big.size());
  EXPECT_FALSE(tree().Find("51", absl::StrCat("522:", big_first), &why).has_value());

  // Over 16 MiB: gRPC refuses the message before the node parses it.
  std::vector<v1::Record> huge;
  for (int i = 0; i < 80; ++i) {
    huge.push_back(district_.Version(
        ReportDraft(absl::StrCat("Phụ lục lớn ", i), std::string(230 << 10, 'z')), ++n_));
  }
  Connect();
  ASSERT_FALSE(HasFatalFailure());
  (void)link_->Send(next_, huge);
  EXPECT_FALSE(link_->ReadUntil(next_ + huge.size() - 1)) << "huge message acknowledged";
  ExpectLinkReset();
  EXPECT_FALSE(tree().Find("51", huge.front().id(), &why).has_value());

  Connect();
  ASSERT_FALSE(HasFatalFailure());
  ExpectHonestTrafficFlows("Báo cáo sau thông điệp quá lớn");
}

TEST_F(HostilePeerTest, TextThatIsNotUtf8IsNotApplied) {
  // Serialized with a valid placeholder of the same length, then patched:
  // the C++ setters do not produce invalid UTF-8 on the wire.
  const std::string placeholder = "@@PLACEHOLDER-TEXT@@";
  const std::string invalid = std::string("\xff\xfe\xc0\x80 kh\xf4ng h\xe1 l\xe1.......", 20);
  ASSERT_EQ(invalid.size(), placeholder.size());
  v1::Record bad = district_.Version(ReportDraft("Báo cáo hỏng mã", placeholder), ++n_);
  std::string bytes = HandLink::BatchOf(next_, {bad}).SerializeAsString();
  size_t at = bytes.find(placeholder);
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, placeholder.size(), invalid);
  // The batch carries records as bytes (sync.proto): the message parses, the
  // record in it does not.
  v1::LinkMessage check;
  ASSERT_TRUE(check.ParseFromString(bytes));
  v1::Record unreadable;
  ASSERT_FALSE(unreadable.ParseFromString(check.batch().records(0))) << "the patched record parses";

  const uint64_t before = Refused("invalid");
  ASSERT_TRUE(link_->WriteRaw(bytes));
  std::string why;
  // Refused alone, and the batch acknowledged: the link goes on.
  ASSERT_TRUE(link_->ReadUntil(next_));
  ++next_;
  EXPECT_EQ(Refused("invalid"), before + 1);
  EXPECT_FALSE(tree().Find("51", bad.id(), &why).has_value()) << "invalid record applied";
  ExpectHonestTrafficFlows("Báo cáo sau văn bản hỏng mã");
}

TEST_F(HostilePeerTest, BatchesStreamedBackToBackAreAcknowledgedThroughTheLast) {
  // More batches than the province reads ahead, none waiting for an ack:
  // acknowledgements may cover several batches at once (cumulative), but
  // each falls on a batch's end, they rise, and the last covers everything.
  constexpr int kBatches = 12, kPerBatch = 3;
  std::set<uint64_t> ends;
  std::vector<std::string> ids;
  for (int b = 0; b < kBatches; ++b) {
    std::vector<v1::Record> batch;
    for (int i = 0; i < kPerBatch; ++i) {
      batch.push_back(Honest(absl::StrCat("Báo cáo liên tiếp ", b, ".", i)));
      ids.push_back(batch.back().id());
    }
    ASSERT_TRUE(link_->Send(next_, batch));
    next_ += batch.size();
    ends.insert(next_ - 1);
  }
  uint64_t acked = 0;
  v1::LinkMessage msg;
  while (acked < next_ - 1 && link_->Read(&msg)) {
    if (!msg.has_ack()) continue;
    const uint64_t through = msg.ack().through();
    if (through == acked) continue;  // the province's own acks may repeat
    EXPECT_GT(through, acked) << "acknowledgement went back";
    EXPECT_TRUE(ends.count(through)) << "acknowledged " << through << ", inside a batch";
    acked = through;
  }
  EXPECT_EQ(acked, next_ - 1) << "the stream ended before its last batch was acknowledged";
  for (const std::string& id : ids) EXPECT_TRUE(tree().Find("51", id).has_value()) << id << " not applied";
  ExpectHonestTrafficFlows("Báo cáo sau chuỗi lô liên tiếp");
}

}  // namespace
}  // namespace council::itest
