// Sneakernet bundles (node/core/bundle.h): a round trip keeps every record
// byte for byte; a truncated, altered or foreign file is refused with a
// message that says so; only the receiver's parent or child may send one,
// sealed with its own key.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "node/core/apply.h"
#include "node/core/bundle.h"
#include "node/core/serialize.h"
#include "test_records.h"
#include "tests/simulation/fake_signing.h"
#include "tests/simulation/sim_node.h"

namespace council::core {
namespace {

using ::council::sim::FakeSigner;
using ::council::sim::FakeVerifier;
using ::council::sim::SimKeyOf;
using ::council::sim::SimNode;
using ::council::testing::OwnUnitDraft;

constexpr char kTitle[] = "Báo cáo kết quả giám sát việc giải quyết kiến nghị cử tri năm 2023";
constexpr char kText[] = "Đề nghị UBND xã Phổ Vinh khẩn trương hoàn thành; người ký: Nguyễn Thị Hằng.";

v1::BundleHeader HeaderFor(const std::string& from, const std::string& to, uint64_t first,
                           size_t records) {
  v1::BundleHeader h;
  h.set_format(kBundleFormat);
  h.set_from(from);
  h.set_to(to);
  h.set_first(first);
  h.set_last(first + records - 1);
  h.set_records(records);
  h.set_created_ms(1692921600000);
  return h;
}

std::string Encode(const v1::BundleHeader& header, const std::vector<v1::Record>& records,
                   const Signer& signer) {
  BundleWriter writer(header);
  for (const v1::Record& r : records) EXPECT_TRUE(writer.AddRecord(r).ok());
  EXPECT_TRUE(writer.Seal(signer).ok());
  return writer.Take(SIZE_MAX);
}

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Write(commune_, OwnUnitDraft("21550", "522", v1::LEVEL_COMMUNE)).ok());
    ASSERT_TRUE(Write(district_, OwnUnitDraft("522", "51", v1::LEVEL_DISTRICT)).ok());
    for (int i = 0; i < 3; ++i) {
      v1::Record d = ::council::testing::ReportDraft("2023-YTD08", kTitle);
      d.set_text(kText + std::to_string(i));
      ASSERT_TRUE(Write(commune_, d).ok());
    }
    records_ = commune_.outbox("522");
    ASSERT_EQ(records_.size(), 4u);
    // The district knows the commune (and its key) from its unit record.
    district_tree_.Upsert(records_[0]);
    district_tree_.Upsert(district_.outbox("51").at(0));
    file_ = Encode(HeaderFor("21550", "522", 1, records_.size()), records_, commune_signer_);
  }
  static absl::StatusOr<v1::Record> Write(SimNode& node, const v1::Record& draft) {
    return ApplyLocalDraft(node, draft, node.Context(1000));
  }
  absl::Status CheckAtDistrict(const std::string& file) {
    absl::StatusOr<Bundle> b = DecodeBundle(file);
    if (!b.ok()) return b.status();
    return CheckBundleSender(*b, district_.place(), district_tree_, verifier_);
  }
  void ExpectRefusedAtDistrict(const std::string& file, absl::StatusCode code,
                               const std::string& message) {
    absl::Status s = CheckAtDistrict(file);
    EXPECT_EQ(s.code(), code) << s;
    EXPECT_EQ(s.message(), message);
  }

  SimNode commune_{"21550", "522", v1::LEVEL_COMMUNE};
  SimNode district_{"522", "51", v1::LEVEL_DISTRICT};
  FakeSigner commune_signer_{SimKeyOf("21550")};
  FakeVerifier verifier_;
  UnitTree district_tree_;
  std::vector<v1::Record> records_;
  std::string file_;
};

TEST_F(BundleTest, RoundTripKeepsEveryRecordByteForByte) {
  EXPECT_TRUE(absl::StartsWith(file_, "COUNCIL-BUNDLE\n"));
  absl::StatusOr<Bundle> b = DecodeBundle(file_);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->header.SerializeAsString(),
            HeaderFor("21550", "522", 1, records_.size()).SerializeAsString());
  ASSERT_EQ(b->records.size(), records_.size());
  for (size_t i = 0; i < records_.size(); ++i) {
    EXPECT_EQ(CanonicalBytes(b->records[i]), CanonicalBytes(records_[i])) << i;
    EXPECT_TRUE(CheckOrigin(b->records[i], district_tree_, verifier_).ok()) << i;
  }
  EXPECT_EQ(b->records[2].doc().title(), kTitle);
  EXPECT_EQ(b->records[2].text(), std::string(kText) + "1");
  EXPECT_FALSE(b->records[2].signature().empty());
  EXPECT_EQ(b->records[2].chain_prev(), records_[2].chain_prev());
  EXPECT_TRUE(CheckAtDistrict(file_).ok()) << CheckAtDistrict(file_);
}

TEST_F(BundleTest, FedByteByByteDecodesTheSame) {
  BundleReader reader;
  for (char c : file_) ASSERT_TRUE(reader.Feed(std::string(1, c)).ok());
  ASSERT_NE(reader.header(), nullptr);
  EXPECT_EQ(reader.records_read(), records_.size());
  absl::StatusOr<Bundle> b = reader.Finish();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(CanonicalBytes(b->records.back()), CanonicalBytes(records_.back()));
}

TEST_F(BundleTest, WriterChunksConcatenateToTheFile) {
  BundleWriter writer(HeaderFor("21550", "522", 1, records_.size()));
  std::string joined;
  for (const v1::Record& r : records_) {
    ASSERT_TRUE(writer.AddRecord(r).ok());
    while (writer.pending() > 100) joined += writer.Take(100);
  }
  ASSERT_TRUE(writer.Seal(commune_signer_).ok());
  joined += writer.Take(SIZE_MAX);
  EXPECT_EQ(writer.pending(), 0u);
  EXPECT_EQ(joined, file_);
}

TEST_F(BundleTest, WriterHoldsExactlyTheAnnouncedRecords) {
  BundleWriter short_one(HeaderFor("21550", "522", 1, 2));
  ASSERT_TRUE(short_one.AddRecord(records_[0]).ok());
  EXPECT_EQ(short_one.Seal(commune_signer_).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(short_one.AddRecord(records_[1]).ok());
  EXPECT_EQ(short_one.AddRecord(records_[2]).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(short_one.Seal(commune_signer_).ok());
  EXPECT_EQ(short_one.Seal(commune_signer_).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(BundleTest, TruncatedAnywhereIsRefusedSayingWhere) {
  for (size_t n = 0; n < file_.size(); ++n) {
    absl::StatusOr<Bundle> b = DecodeBundle(file_.substr(0, n));
    ASSERT_FALSE(b.ok()) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(b.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string msg(b.status().message());
    EXPECT_TRUE(n == 0 ? absl::StartsWith(msg, kNotABundle)
                       : absl::StartsWith(msg, "truncated bundle: the file ends "))
        << n << ": " << msg;
  }
  auto message = [&](size_t n) { return std::string(DecodeBundle(file_.substr(0, n)).status().message()); };
  EXPECT_EQ(message(kBundleMagic.size()), "truncated bundle: the file ends inside the header");
  // Record frames: the header frame is 5 + its size, then 5 + size per record.
  size_t at = kBundleMagic.size() + 5 + HeaderFor("21550", "522", 1, 4).ByteSizeLong();
  at += 5 + records_[0].ByteSizeLong();
  EXPECT_EQ(message(at + 7),
            "truncated bundle: the file ends inside record 2 of 4 (outbox position 2)");
  size_t before_seal = at;
  for (size_t i = 1; i < records_.size(); ++i) before_seal += 5 + records_[i].ByteSizeLong();
  EXPECT_EQ(message(before_seal),
            "truncated bundle: the file ends after all 4 records, before the seal that proves them");
  EXPECT_EQ(message(file_.size() - 1),
            "truncated bundle: the file ends after all 4 records, before the seal that proves them");
}

TEST_F(BundleTest, AnyFlippedByteIsRefused) {
  for (size_t i = 0; i < file_.size(); ++i) {
    std::string altered = file_;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    EXPECT_FALSE(CheckAtDistrict(altered).ok()) << "byte " << i << " flipped was accepted";
  }
  std::string altered = file_;
  altered[file_.find("Vinh")] ^= 0x01;  // inside a record
  EXPECT_EQ(DecodeBundle(altered).status().message(),
            "corrupt bundle: its contents do not match the digest in its seal (the file was "
            "altered)");
  altered = file_;
  altered[file_.size() - 3] ^= 0x01;  // inside the signature
  absl::Status s = CheckAtDistrict(altered);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(s.message(), "signature does not verify with unit 21550's key"))
      << s;
}

TEST_F(BundleTest, SomethingElseIsNotABundle) {
  for (const std::string& other :
       {std::string(), std::string("{\"id\":\"21550:2\"}\n"), std::string("PK\x03\x04", 4),
        std::string("COUNCIL-BUNDLX\n") + file_.substr(15)}) {
    absl::StatusOr<Bundle> b = DecodeBundle(other);
    ASSERT_FALSE(b.ok());
    EXPECT_TRUE(absl::StartsWith(b.status().message(), kNotABundle)) << b.status();
  }
  EXPECT_EQ(DecodeBundle("").status().message(), "not a council bundle (the file is empty)");
}

TEST_F(BundleTest, StrayBytesAfterTheSealAreRefused) {
  absl::StatusOr<Bundle> b = DecodeBundle(file_ + "x");
  ASSERT_FALSE(b.ok());
  EXPECT_TRUE(absl::StartsWith(b.status().message(), "corrupt bundle: 1 stray bytes after the seal"))
      << b.status();
}

TEST_F(BundleTest, OnlyFormatOneIsRead) {
  v1::BundleHeader h = HeaderFor("21550", "522", 1, records_.size());
  h.set_format(2);
  absl::StatusOr<Bundle> b = DecodeBundle(Encode(h, records_, commune_signer_));
  EXPECT_EQ(b.status().message(), "bundle format 2 is not supported; this node reads format 1");
}

TEST_F(BundleTest, AHeaderWhoseCountDisagreesWithItsPositionsIsCorrupt) {
  v1::BundleHeader h = HeaderFor("21550", "522", 1, records_.size());
  h.set_last(9);
  absl::StatusOr<Bundle> b = DecodeBundle(Encode(h, records_, commune_signer_));
  EXPECT_TRUE(absl::StartsWith(b.status().message(), "corrupt bundle: the header announces 4"))
      << b.status();
}

TEST_F(BundleTest, ABundleForAnotherNodeIsRefused) {
  std::string file = Encode(HeaderFor("21550", "523", 1, records_.size()), records_, commune_signer_);
  ExpectRefusedAtDistrict(file, absl::StatusCode::kFailedPrecondition,
                          "this bundle from 21550 is for unit 523, not for this node (unit 522)");
}

TEST_F(BundleTest, OnlyTheParentOrAChildMaySendOne) {
  SimNode stranger{"21580", "523", v1::LEVEL_COMMUNE};
  ASSERT_TRUE(Write(stranger, OwnUnitDraft("21580", "523", v1::LEVEL_COMMUNE)).ok());
  district_tree_.Upsert(stranger.outbox("523").at(0));
  FakeSigner signer(SimKeyOf("21580"));
  std::string file = Encode(HeaderFor("21580", "522", 1, 1), {stranger.outbox("523").at(0)}, signer);
  ExpectRefusedAtDistrict(file, absl::StatusCode::kFailedPrecondition,
                          "this bundle comes from unit 21580, which is neither the parent nor a "
                          "child of this node (unit 522)");
}

TEST_F(BundleTest, TheParentMaySendOneDown) {
  v1::Record directive = ::council::testing::DirectiveDraft();
  absl::StatusOr<v1::Record> stored = Write(district_, directive);
  ASSERT_TRUE(stored.ok()) << stored.status();
  FakeSigner district_signer(SimKeyOf("522"));
  std::vector<v1::Record> down = {district_.outbox("51").at(0), *stored};
  std::string file = Encode(HeaderFor("522", "21550", 7, 2), down, district_signer);
  UnitTree commune_tree;
  commune_tree.Upsert(records_[0]);
  commune_tree.Upsert(down[0]);
  absl::StatusOr<Bundle> b = DecodeBundle(file);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->header.first(), 7u);
  EXPECT_TRUE(CheckBundleSender(*b, commune_.place(), commune_tree, verifier_).ok());
}

TEST_F(BundleTest, ASealByAnotherKeyIsRefused) {
  FakeSigner impostor(SimKeyOf("522"));
  std::string file = Encode(HeaderFor("21550", "522", 1, records_.size()), records_, impostor);
  ExpectRefusedAtDistrict(file, absl::StatusCode::kPermissionDenied,
                          "the bundle's signature does not verify with unit 21550's key: the "
                          "file was altered, or not made by 21550");
}

TEST_F(BundleTest, AChildNeverSeenIsKnownByTheUnitRecordItCarries) {
  UnitTree fresh;  // the district has never heard of 21550
  fresh.Upsert(district_.outbox("51").at(0));
  absl::StatusOr<Bundle> b = DecodeBundle(file_);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(CheckBundleSender(*b, district_.place(), fresh, verifier_).ok());

  // Without its unit record in the bundle, its key is unknown.
  std::vector<v1::Record> reports(records_.begin() + 1, records_.end());
  std::string file = Encode(HeaderFor("21550", "522", 2, 3), reports, commune_signer_);
  v1::Record registration = ::council::testing::UnitDraft("21550");
  registration.set_origin("522");  // registered ahead by the district: no key
  fresh.Upsert(registration);
  b = DecodeBundle(file);
  ASSERT_TRUE(b.ok());
  absl::Status s = CheckBundleSender(*b, district_.place(), fresh, verifier_);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(s.message(), "does not know unit 21550's signing key")) << s;
}

}  // namespace
}  // namespace council::core
