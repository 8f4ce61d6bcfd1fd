// Record signatures end to end (DESIGN.md property 6): a dishonest district
// — this test, speaking the real Sync protocol to a real province node over
// an --insecure link — relays records of a commune below it, one altered in
// transit and one forged with the district's own key. The province refuses
// both (counted as links[].refused["bad_signature"] in `status --json`),
// applies neither, and keeps taking honest traffic: the district's next good
// record, and a commune's report relayed by an honest district. What the
// province sends down is signed by the province.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/test_ca.h"
#include "council/v1/sync.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "node/core/serialize.h"
#include "node/crypto/ed25519.h"
#include "node/crypto/key_verifier.h"
#include "hand_link.h"
#include "node_test.h"
#include "signed_origin.h"
#include "tree_harness.h"

namespace council::itest {
namespace {


// The child end of a Sync link, driven by hand.


class SignatureTest : public TreeTest {};

TEST_F(SignatureTest, RelayCannotAlterOrForgeWhatItForwards) {
  StartTree({"51", "522", "21550"});
  ASSERT_FALSE(HasFatalFailure());

  // District 523 (played by this test) and commune 21580 below it, each
  // with its own key.
  SignedOrigin district("523", "51", v1::LEVEL_DISTRICT);
  SignedOrigin commune("21580", "523", v1::LEVEL_COMMUNE);
  const v1::Record good = commune.Version(
      ReportDraft("Báo cáo 8 tháng đầu năm 2023 của xã Ba Động", "Tiếp nhận 14 kiến nghị."), 2);
  v1::Record altered =
      commune.Version(ReportDraft("Báo cáo kết quả giám sát", "Đã giải quyết 12 kiến nghị."), 3);
  altered.set_text("Đã giải quyết 14 kiến nghị.");  // in transit, after signing
  v1::Record forged = district.Sign(commune.Version(
      ReportDraft("Báo cáo giả danh xã Ba Động", "Không có kiến nghị tồn đọng."), 4));

  HandLink link(tree().listen_addr("51"), std::chrono::seconds(60));
  v1::Hello province;
  ASSERT_TRUE(link.Hello("523", "51", 5, &province)) << "the province refused the link";
  ASSERT_EQ(province.unit(), "51");
  ASSERT_TRUE(link.Send(1, {district.UnitRecord(), commune.UnitRecord(), good, altered, forged}));
  ASSERT_TRUE(link.ReadUntil(5)) << "no acknowledgement of the batch";

  // Refused for their signatures, counted on the link, never applied.
  absl::StatusOr<v1::StatusReply> status = tree().Status("51");
  ASSERT_TRUE(status.ok()) << status.status();
  std::optional<v1::LinkStatus> l = CouncilTree::LinkTo(*status, "523");
  ASSERT_TRUE(l.has_value()) << status->DebugString();
  EXPECT_TRUE(l->connected());
  EXPECT_EQ(l->refused().count("bad_signature") ? l->refused().at("bad_signature") : 0, 2u)
      << l->DebugString();
  EXPECT_EQ(l->refused().count("unauthorized"), 0u) << l->DebugString();
  EXPECT_TRUE(absl::StrContains(l->last_refusal(), "21580:4")) << l->DebugString();
  EXPECT_TRUE(tree().Find("51", "21580:2").has_value());
  std::string why;
  EXPECT_FALSE(tree().Find("51", "21580:3", &why).has_value()) << "altered record applied";
  EXPECT_FALSE(tree().Find("51", "21580:4", &why).has_value()) << "forged record applied";
  absl::StatusOr<std::string> exported = tree().Export("51", {"--unit", "21580"});
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_FALSE(absl::StrContains(*exported, "Đã giải quyết")) << *exported;
  EXPECT_FALSE(absl::StrContains(*exported, "giả danh")) << *exported;
  EXPECT_EQ(Lines(*exported).size(), 2u) << *exported;  // 21580:1 and 21580:2

  // Honest traffic keeps flowing: the same link's next good record...
  v1::Record next = commune.Version(
      ReportDraft("Báo cáo bổ sung của xã Ba Động", "Tổ chức 3 hội nghị tiếp xúc cử tri."), 5);
  ASSERT_TRUE(link.Send(6, {next}));
  ASSERT_TRUE(link.ReadUntil(6));
  EXPECT_TRUE(tree().Find("51", "21580:5").has_value());
  // ...and a commune's report relayed by an honest district.
  absl::StatusOr<std::string> honest =
      tree().Create("21550", {"report", "create", "--period", "2023-YTD08", "--title",
                              "Báo cáo 8 tháng đầu năm 2023 của phường Phổ Vinh"});
  ASSERT_TRUE(honest.ok()) << honest.status();
  EXPECT_TRUE(tree().WaitForRecord("51", *honest).ok());

  // What the province sends down is signed by the province: a directive to
  // 523 arrives over the link and verifies with the key of 51's unit record.
  absl::StatusOr<std::string> directive = tree().Create(
      "51", {"directive", "issue", "--title", "Báo cáo kết quả giải quyết kiến nghị cử tri",
             "--due", "2023-12-15", "--to", "523"});
  ASSERT_TRUE(directive.ok()) << directive.status();
  auto holds = [&](const std::string& id) {
    for (const v1::Record& r : link.received()) {
      if (r.id() == id) return true;
    }
    return false;
  };
  ASSERT_TRUE(link.ReadUntil(0, [&] { return holds(*directive); }))
      << "the directive did not come down the link";
  absl::StatusOr<std::unique_ptr<crypto::Ed25519Verifier>> verifier =
      crypto::Ed25519Verifier::Create("");
  ASSERT_TRUE(verifier.ok());
  std::string province_key;
  for (const v1::Record& r : link.received()) {
    if (r.has_unit() && r.unit().id() == "51" && r.origin() == "51")
      province_key = r.unit().public_key();
  }
  ASSERT_EQ(province_key.size(), 32u) << "51's unit record did not come down first";
  for (const v1::Record& r : link.received()) {
    if (r.origin() != "51") continue;
    EXPECT_TRUE((*verifier)->Verify(province_key, core::SigningBytes(r), r.signature())) << r.id();
  }
}

// A child that claims a unit record for a commune with another unit's key
// cannot take over that commune once its real key is known.
TEST_F(SignatureTest, KnownKeyCannotBeReplacedWithoutACertificate) {
  StartTree({"51"});
  ASSERT_FALSE(HasFatalFailure());
  SignedOrigin district("523", "51", v1::LEVEL_DISTRICT);
  SignedOrigin impostor("523", "51", v1::LEVEL_DISTRICT);  // same unit, another key
  v1::Record takeover = impostor.UnitRecord();
  takeover.set_version(2);
  takeover.set_seq(9);
  takeover = impostor.Sign(takeover);

  HandLink link(tree().listen_addr("51"), std::chrono::seconds(60));
  v1::Hello province;
  ASSERT_TRUE(link.Hello("523", "51", 2, &province));
  ASSERT_TRUE(link.Send(1, {district.UnitRecord(), takeover}));
  ASSERT_TRUE(link.ReadUntil(2));
  absl::StatusOr<v1::StatusReply> status = tree().Status("51");
  ASSERT_TRUE(status.ok()) << status.status();
  std::optional<v1::LinkStatus> l = CouncilTree::LinkTo(*status, "523");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->refused().count("bad_signature") ? l->refused().at("bad_signature") : 0, 1u)
      << l->DebugString();
  std::optional<v1::Record> held = tree().Find("51", "523:1");
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->version(), 1u);
  EXPECT_EQ(held->unit().public_key(), district.public_key());
}

// Keys bound to units by the province CA (--signing-ca): a node whose
// signing key the CA certified (--signing-cert) is taken; one without a
// certificate is refused for its signature at a parent that has the CA; a
// node cannot start with a CA but without a certificate of its own, or with
// a certificate for another unit.
class SignatureCaTest : public ::testing::Test {
 protected:
  // A signing key for `unit` (mode 0600) and, if `certified`, its
  // certificate from the CA; the councild flags that use them.
  std::vector<std::string> KeyFlags(const std::string& unit, bool certified,
                                    const std::string& cert_unit = "") {
    absl::StatusOr<std::unique_ptr<crypto::Ed25519Signer>> key = crypto::Ed25519Signer::Generate();
    EXPECT_TRUE(key.ok());
    const std::string key_path = temp_.Sub(unit + ".key");
    EXPECT_TRUE(WriteFile(key_path, (*key)->PrivateKeyPem()));
    std::filesystem::permissions(
        key_path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    keys_[unit] = (*key)->public_key();
    std::vector<std::string> flags = {"--signing-ca", ca_path_, "--signing-key", key_path};
    if (certified) {
      const std::string cert_path = temp_.Sub(unit + ".crt");
      EXPECT_TRUE(WriteFile(
          cert_path, ca_.IssuePem(cert_unit.empty() ? unit : cert_unit, (*key)->public_key())));
      flags.insert(flags.end(), {"--signing-cert", cert_path});
    }
    return flags;
  }
  NodeOptions Options(const std::string& unit, const std::string& level, const std::string& parent,
                      std::vector<std::string> extra) {
    NodeOptions o;
    o.unit = unit;
    o.level = level;
    o.name = "HĐND " + unit;
    o.parent_unit = parent;
    o.extra_args = std::move(extra);
    if (!parent.empty()) o.extra_args.insert(o.extra_args.end(), {"--parent", province_addr_});
    return o;
  }
  absl::StatusOr<std::unique_ptr<NodeProcess>> Start(const std::string& unit,
                                                     const NodeOptions& o) {
    std::string dir = temp_.Sub("node_" + unit);
    std::filesystem::create_directories(dir);
    return NodeProcess::Start(dir, o);
  }
  void SetUp() override {
    ASSERT_TRUE(WriteFile(ca_path_, ca_.CertPem()));
    std::vector<std::string> flags = KeyFlags("51", true);
    flags.insert(flags.end(), {"--listen", "127.0.0.1:0"});
    absl::StatusOr<std::unique_ptr<NodeProcess>> p =
        Start("51", Options("51", "province", "", flags));
    ASSERT_TRUE(p.ok()) << p.status();
    province_ = *std::move(p);
    std::optional<std::string> addr = ReadFile(province_->data_dir() + "/listen.addr");
    ASSERT_TRUE(addr.has_value());
    province_addr_ = TrimNewlines(*addr);
  }

  ::council::testing::ScopedTempDir temp_{"council_sig_ca_"};
  ::council::testing::TestCa ca_{"Council test province CA"};
  const std::string ca_path_ = temp_.Sub("ca.pem");
  std::map<std::string, std::string> keys_;
  std::unique_ptr<NodeProcess> province_;
  std::string province_addr_;
};

TEST_F(SignatureCaTest, OnlyCertifiedKeysAreTaken) {
  auto certified = Start("522", Options("522", "district", "51", KeyFlags("522", true)));
  ASSERT_TRUE(certified.ok()) << certified.status();
  // 523 keeps a key of its own, uncertified (no --signing-* flags).
  auto uncertified = Start("523", Options("523", "district", "51", {}));
  ASSERT_TRUE(uncertified.ok()) << uncertified.status();

  v1::Record held;
  absl::Status arrived = WaitFor(
      [&] {
        RunResult r = province_->Ctl({"--json", "show", "522:1"});
        return r.exit_code == 0 && ParseJson(r.out, &held);
      },
      milliseconds(20000), "522's unit record at the province");
  ASSERT_TRUE(arrived.ok()) << arrived;
  EXPECT_EQ(held.unit().public_key(), keys_["522"]);
  EXPECT_FALSE(held.unit().key_certificate().empty());

  uint64_t refused = 0;
  absl::Status counted = WaitFor(
      [&] {
        RunResult r = province_->Ctl({"--json", "status"});
        v1::StatusReply s;
        if (r.exit_code != 0 || !ParseJson(r.out, &s)) return false;
        std::optional<v1::LinkStatus> l = CouncilTree::LinkTo(s, "523");
        refused = l && l->refused().count("bad_signature") ? l->refused().at("bad_signature") : 0;
        return refused > 0;
      },
      milliseconds(20000), "the province refusing 523's uncertified key");
  ASSERT_TRUE(counted.ok()) << counted;
  EXPECT_NE(province_->Ctl({"show", "523:1"}).exit_code, 0) << "an uncertified key was taken";
}

TEST_F(SignatureCaTest, NodeWithoutItsOwnCertificateDoesNotStart) {
  auto missing = Start("522", Options("522", "district", "51", KeyFlags("522", false)));
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(absl::StrContains(missing.status().message(), "--signing-cert")) << missing.status();
  auto other = Start("527", Options("527", "district", "51", KeyFlags("527", true, "522")));
  ASSERT_FALSE(other.ok());
  EXPECT_TRUE(absl::StrContains(other.status().message(), "522")) << other.status();
}

}  // namespace
}  // namespace council::itest
