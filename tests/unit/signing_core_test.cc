// Record signatures in the core (node/core/signing.h, apply.h), with the
// simulation's fake signer and verifier: what verifies, what is refused and
// why, and that nothing refused is applied or forwarded.
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "node/core/apply.h"
#include "node/core/serialize.h"
#include "node/core/signing.h"
#include "test_records.h"
#include "tests/simulation/sim_node.h"

namespace council::core {
namespace {

using ::council::sim::FakeSigner;
using ::council::sim::FakeVerifier;
using ::council::sim::SimKeyOf;
using ::council::sim::SimNode;
using ::council::testing::Complete;
using ::council::testing::ReportDraft;

// A verifier with a CA: a binding holds iff the certificate is
// "cert:<unit>:<key>".
class CertifyingVerifier : public FakeVerifier {
 public:
  absl::Status CheckBinding(const v1::Unit& u) const override {
    if (u.key_certificate() == "cert:" + u.id() + ":" + u.public_key()) return absl::OkStatus();
    return absl::PermissionDeniedError("no certificate from the CA");
  }
  bool VerifiesBindings() const override { return true; }
};

v1::Record Signed(v1::Record r, const std::string& key) {
  SignRecord(r, FakeSigner(key));
  return r;
}

// Unit `id`'s own unit record, version `version`, carrying `key`.
v1::Record OwnUnit(const std::string& id, const std::string& parent, const std::string& key,
                   uint32_t version = 1) {
  v1::Record draft;
  draft.mutable_unit()->set_id(id);
  draft.mutable_unit()->set_level(parent.empty() ? v1::LEVEL_PROVINCE : v1::LEVEL_COMMUNE);
  draft.mutable_unit()->set_name("HĐND " + id);
  draft.mutable_unit()->set_parent(parent);
  draft.mutable_unit()->set_public_key(key);
  return Complete(draft, id, 1, version == 1 ? 1 : 10 + version, version);
}

v1::Record Report(const std::string& origin, uint64_t n) {
  v1::Record r = Complete(ReportDraft(), origin, n, n, 1);
  r.set_text("Kỳ họp chuyên đề về giải quyết kiến nghị cử tri.");
  return r;
}

UnitTree TreeKnowing(const std::string& unit, const std::string& key) {
  UnitTree tree;
  tree.Upsert(OwnUnit(unit, "522", key));
  return tree;
}

void ExpectRefused(const absl::Status& s, absl::string_view prefix) {
  EXPECT_TRUE(absl::IsPermissionDenied(s)) << s;
  EXPECT_TRUE(absl::StartsWith(s.message(), prefix)) << s;
  EXPECT_EQ(RefusalReason(s.message()), "bad_signature") << s;
}

TEST(Signing, SignedRecordVerifiesAndAnAlteredOneDoesNot) {
  FakeVerifier v;
  UnitTree tree = TreeKnowing("21550", "K");
  v1::Record rec = Signed(Report("21550", 2), "K");
  EXPECT_TRUE(CheckOrigin(rec, tree, v).ok());

  v1::Record text = rec;
  text.mutable_text()->back() ^= 0x01;
  ExpectRefused(CheckOrigin(text, tree, v), kBadSignature);
  v1::Record metric = rec;
  (*metric.mutable_report()->mutable_metrics())["sessions_held"] = 3;
  ExpectRefused(CheckOrigin(metric, tree, v), kBadSignature);
  v1::Record envelope = rec;  // the signature covers the envelope too
  envelope.set_hlc(rec.hlc() + 1);
  ExpectRefused(CheckOrigin(envelope, tree, v), kBadSignature);
  v1::Record unsigned_rec = rec;
  unsigned_rec.clear_signature();
  ExpectRefused(CheckOrigin(unsigned_rec, tree, v), kBadSignature);
  ExpectRefused(CheckOrigin(Signed(Report("21550", 2), "K2"), tree, v), kBadSignature);
}

TEST(Signing, SigningBytesIgnoreOnlyTheSignature) {
  v1::Record rec = Report("21550", 2);
  const std::string unsigned_bytes = CanonicalBytes(rec);
  rec = Signed(rec, "K");
  EXPECT_FALSE(rec.signature().empty());
  EXPECT_EQ(SigningBytes(rec), unsigned_bytes);
}

TEST(Signing, OriginWithoutKnownKeyIsRefused) {
  FakeVerifier v;
  ExpectRefused(CheckOrigin(Signed(Report("21550", 2), "K"), UnitTree(), v), kUnknownKey);
  // A registration by another unit names a key, but cannot set it.
  v1::Record registration = OwnUnit("21550", "522", "K");
  registration.set_origin("522");
  registration.set_id("522:4");
  UnitTree tree;
  tree.Upsert(registration);
  EXPECT_EQ(tree.KeyOf("21550"), "");
  ExpectRefused(CheckOrigin(Signed(Report("21550", 2), "K"), tree, v), kUnknownKey);
}

TEST(Signing, OwnUnitRecordBootstrapsItsKey) {
  FakeVerifier v;
  EXPECT_TRUE(CheckOrigin(Signed(OwnUnit("21550", "522", "K"), "K"), UnitTree(), v).ok());
  ExpectRefused(CheckOrigin(Signed(OwnUnit("21550", "522", "K"), "K2"), UnitTree(), v),
                kBadSignature);
  ExpectRefused(CheckOrigin(Signed(OwnUnit("21550", "522", ""), "K"), UnitTree(), v), kUnknownKey);
  // With a CA, only a certified key bootstraps.
  CertifyingVerifier ca;
  ExpectRefused(CheckOrigin(Signed(OwnUnit("21550", "522", "K"), "K"), UnitTree(), ca),
                kUnknownKey);
  v1::Record certified = OwnUnit("21550", "522", "K");
  certified.mutable_unit()->set_key_certificate("cert:21550:K");
  EXPECT_TRUE(CheckOrigin(Signed(certified, "K"), UnitTree(), ca).ok());
}

TEST(Signing, KeyChangeNeedsACertifiedBinding) {
  UnitTree tree = TreeKnowing("21550", "K");
  FakeVerifier tofu;
  EXPECT_TRUE(CheckOrigin(Signed(OwnUnit("21550", "522", "K", 2), "K"), tree, tofu).ok())
      << "a new version with the same key";
  ExpectRefused(CheckOrigin(Signed(OwnUnit("21550", "522", "K2", 2), "K2"), tree, tofu),
                kUnknownKey);
  CertifyingVerifier ca;
  v1::Record rekeyed = OwnUnit("21550", "522", "K2", 2);
  ExpectRefused(CheckOrigin(Signed(rekeyed, "K2"), tree, ca), kUnknownKey);
  rekeyed.mutable_unit()->set_key_certificate("cert:21550:K2");
  EXPECT_TRUE(CheckOrigin(Signed(rekeyed, "K2"), tree, ca).ok());
}

TEST(Signing, RefusalReasons) {
  EXPECT_EQ(RefusalReason("bad signature: record 1:2 v1 ..."), "bad_signature");
  EXPECT_EQ(RefusalReason("unknown key: record 1:2 ..."), "bad_signature");
  EXPECT_EQ(RefusalReason("record 1:2 from child 3: origin 1 is not in that child's subtree"),
            "unauthorized");
}

// District 522 under province 51, with child 21550: records from the child.
class ApplySignedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Local(OwnUnitDraft("522", "51")).ok());
    ASSERT_EQ(Arrive(Signed(OwnUnit("51", "", SimKeyOf("51")), SimKeyOf("51")), "51"),
              ApplyDecision::kApply);
    ASSERT_EQ(Arrive(Signed(OwnUnit("21550", "522", "K"), "K"), "21550"), ApplyDecision::kApply);
  }
  static v1::Record OwnUnitDraft(const std::string& id, const std::string& parent) {
    v1::Record d;
    d.mutable_doc()->set_title("HĐND " + id);
    d.mutable_unit()->set_id(id);
    d.mutable_unit()->set_level(v1::LEVEL_DISTRICT);
    d.mutable_unit()->set_name("HĐND " + id);
    d.mutable_unit()->set_parent(parent);
    return d;
  }
  absl::StatusOr<v1::Record> Local(const v1::Record& draft) {
    return ApplyLocalDraft(node_, draft, node_.Context(1000));
  }
  ApplyDecision Arrive(const v1::Record& rec, const std::string& from) {
    why_.clear();
    absl::StatusOr<ApplyDecision> d = ApplyVersion(node_, rec, from, node_.Context(1000), &why_);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.value_or(ApplyDecision::kRejected);
  }
  bool Forwarded(const std::string& id) {
    for (const v1::Record& r : node_.outbox("51")) {
      if (r.id() == id) return true;
    }
    return false;
  }

  SimNode node_{"522", "51", v1::LEVEL_DISTRICT};
  std::string why_;
};

TEST_F(ApplySignedTest, AlteredRecordIsRejectedNotAppliedNotForwarded) {
  v1::Record rec = Signed(Report("21550", 2), "K");
  v1::Record altered = rec;
  altered.set_text("Kỳ họp chuyên đề về giải quyết kiến nghị cử tri!");
  EXPECT_EQ(Arrive(altered, "21550"), ApplyDecision::kRejected);
  EXPECT_TRUE(absl::StartsWith(why_, kBadSignature)) << why_;
  EXPECT_EQ(node_.records().count("21550:2"), 0u);
  EXPECT_FALSE(Forwarded("21550:2"));

  EXPECT_EQ(Arrive(rec, "21550"), ApplyDecision::kApply);
  EXPECT_TRUE(Forwarded("21550:2"));
  // An altered copy of a version already held changes nothing.
  EXPECT_EQ(Arrive(altered, "21550"), ApplyDecision::kDuplicate);
  EXPECT_EQ(node_.records().at("21550:2").text(), rec.text());
  // Nor does an import: the import path is checked the same way.
  v1::Record next = Signed(Complete(ReportDraft(), "21550", 2, 3, 2), "K");
  v1::Record forged = next;
  forged.mutable_report()->set_period("2023-H1");
  EXPECT_EQ(Arrive(forged, ""), ApplyDecision::kRejected);
  EXPECT_EQ(node_.records().at("21550:2").version(), 1u);
  EXPECT_EQ(Arrive(next, ""), ApplyDecision::kApply);
}

TEST_F(ApplySignedTest, RelayCannotSpeakWithAnotherOriginsKey) {
  // The child signs a record of its own subtree's unit with its own key.
  ASSERT_EQ(Arrive(Signed(OwnUnit("2155001", "21550", "K9"), "K9"), "21550"),
            ApplyDecision::kApply);
  EXPECT_EQ(Arrive(Signed(Report("2155001", 2), "K"), "21550"), ApplyDecision::kRejected);
  EXPECT_TRUE(absl::StartsWith(why_, kBadSignature)) << why_;
  EXPECT_EQ(Arrive(Signed(Report("2155001", 2), "K9"), "21550"), ApplyDecision::kApply);
}

TEST_F(ApplySignedTest, OriginWithoutItsOwnUnitRecordIsRejected) {
  // 522 registers 21553 ahead of time: the tree places it, no key yet.
  v1::Record registration = OwnUnitDraft("21553", "522");
  ASSERT_TRUE(Local(registration).ok());
  EXPECT_EQ(Arrive(Signed(Report("21553", 2), SimKeyOf("21553")), "21553"),
            ApplyDecision::kRejected);
  EXPECT_TRUE(absl::StartsWith(why_, kUnknownKey)) << why_;
  EXPECT_EQ(RefusalReason(why_), "bad_signature");
  // Its own unit record bootstraps the key; then its records apply.
  EXPECT_EQ(Arrive(Signed(OwnUnit("21553", "522", SimKeyOf("21553")), SimKeyOf("21553")), "21553"),
            ApplyDecision::kApply);
  EXPECT_EQ(Arrive(Signed(Report("21553", 2), SimKeyOf("21553")), "21553"), ApplyDecision::kApply);
}

TEST_F(ApplySignedTest, UnitRecordChangingItsKeyIsRejected) {
  EXPECT_EQ(Arrive(Signed(OwnUnit("21550", "522", "K2", 2), "K2"), "21550"),
            ApplyDecision::kRejected);
  EXPECT_TRUE(absl::StartsWith(why_, kUnknownKey)) << why_;
  EXPECT_EQ(node_.Tree().KeyOf("21550"), "K");
  EXPECT_EQ(node_.records().at("21550:1").version(), 1u);
}

TEST_F(ApplySignedTest, LocalVersionsAreSignedAndTheOwnUnitCarriesTheKey) {
  FakeVerifier v;
  const v1::Record& own = node_.records().at("522:1");
  EXPECT_EQ(own.unit().public_key(), SimKeyOf("522"));
  EXPECT_TRUE(CheckOrigin(own, UnitTree(), v).ok());

  v1::Record draft = ReportDraft();
  draft.set_signature("forged by the client");
  absl::StatusOr<v1::Record> rec = Local(draft);
  ASSERT_TRUE(rec.ok()) << rec.status();
  EXPECT_TRUE(CheckOrigin(*rec, node_.Tree(), v).ok());

  // A new version of the own unit record keeps the key when the draft has none...
  v1::Record rename = OwnUnitDraft("522", "51");
  rename.set_id("522:1");
  rename.mutable_unit()->set_name("HĐND thị xã Đức Phổ");
  absl::StatusOr<v1::Record> renamed = Local(rename);
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(renamed->unit().public_key(), SimKeyOf("522"));
  // ...and may not name another one.
  rename.mutable_unit()->set_public_key("someone else's key");
  EXPECT_TRUE(absl::IsFailedPrecondition(Local(rename).status()));
}

TEST_F(ApplySignedTest, AutomaticReceiptsAreSigned) {
  v1::Record directive;
  directive.mutable_doc()->set_title("Đôn đốc giải quyết kiến nghị cử tri");
  directive.mutable_directive()->mutable_scope()->set_kind(v1::SCOPE_UNITS);
  directive.mutable_directive()->mutable_scope()->add_units("522");
  directive.mutable_directive()->set_due_date("2023-12-31");
  directive = Signed(Complete(directive, "51", 2, 2, 1), SimKeyOf("51"));
  ASSERT_EQ(Arrive(directive, "51"), ApplyDecision::kApply) << why_;
  FakeVerifier v;
  int receipts = 0;
  for (const auto& [id, r] : node_.records()) {
    if (!r.has_directive_update()) continue;
    ++receipts;
    EXPECT_TRUE(CheckOrigin(r, node_.Tree(), v).ok()) << id;
  }
  EXPECT_EQ(receipts, 1);
}

}  // namespace
}  // namespace council::core
