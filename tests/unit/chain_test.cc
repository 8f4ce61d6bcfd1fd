// The hash chain over an origin's log (node/core/chain.h): local versions are
// linked, a batch costs one signature check per run, a bad version costs only
// itself, received bytes are stored only when the chain proves them the
// origin's, and a rewound or forked origin log is refused.
#include <atomic>
#include <vector>

#include <openssl/sha.h>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "node/core/apply.h"
#include "node/core/chain.h"
#include "node/core/serialize.h"
#include "node/core/validate.h"
#include "test_records.h"
#include "tests/simulation/sim_node.h"

namespace council::core {
namespace {

using ::council::sim::FakeVerifier;
using ::council::sim::SimNode;
using ::council::testing::OwnUnitDraft;
using ::council::testing::ReportDraft;

class CountingVerifier : public FakeVerifier {
 public:
  bool Verify(absl::string_view key, absl::string_view bytes,
              absl::string_view signature) const override {
    ++calls;
    return FakeVerifier::Verify(key, bytes, signature);
  }
  mutable std::atomic<int> calls{0};
};

class ChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Write(commune_, OwnUnitDraft("21550", "522", v1::LEVEL_COMMUNE)).ok());
    ASSERT_TRUE(Write(district_, OwnUnitDraft("522", "51", v1::LEVEL_DISTRICT)).ok());
    // The district learns the commune's key from its own unit record.
    ASSERT_EQ(Arrive(commune_.outbox("522").at(0)), ApplyDecision::kApply) << why_;
  }
  static absl::StatusOr<v1::Record> Write(SimNode& node, const v1::Record& draft) {
    return ApplyLocalDraft(node, draft, node.Context(1000));
  }
  // `n` reports written at the commune, as its link to the district sends them.
  std::vector<v1::Record> Reports(int n) {
    for (int i = 0; i < n; ++i) {
      v1::Record d = ReportDraft();
      d.set_text("Báo cáo số " + std::to_string(i) + " về kết quả giám sát chuyên đề.");
      EXPECT_TRUE(Write(commune_, d).ok());
    }
    const std::vector<v1::Record>& out = commune_.outbox("522");
    return std::vector<v1::Record>(out.end() - n, out.end());
  }
  ApplyDecision Arrive(const v1::Record& rec, bool proven = false) {
    why_.clear();
    absl::StatusOr<ApplyDecision> d =
        ApplyVersion(district_, rec, "21550", district_.Context(2000), &why_, proven);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.value_or(ApplyDecision::kRejected);
  }
  // Applies `batch` as a link does; returns the reasons of the refusals.
  std::vector<std::string> ArriveBatch(const std::vector<v1::Record>& batch) {
    std::vector<bool> proven = ProveByChain(batch, district_.Tree(), verifier_);
    std::vector<std::string> refusals;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (Arrive(batch[i], proven[i]) == ApplyDecision::kRejected) refusals.push_back(why_);
    }
    return refusals;
  }

  SimNode commune_{"21550", "522", v1::LEVEL_COMMUNE};
  SimNode district_{"522", "51", v1::LEVEL_DISTRICT};
  CountingVerifier verifier_;
  std::string why_;
};

TEST_F(ChainTest, LocalVersionsLinkToTheOriginsPreviousVersion) {
  std::vector<v1::Record> log = Reports(3);
  EXPECT_TRUE(commune_.outbox("522").at(0).chain_prev().empty());  // seq 1
  EXPECT_EQ(log[0].chain_prev(), VersionDigest(commune_.outbox("522").at(0)));
  EXPECT_EQ(log[1].chain_prev(), VersionDigest(log[0]));
  EXPECT_EQ(log[2].chain_prev(), VersionDigest(log[1]));
  EXPECT_EQ(log[2].chain_prev().size(), kDigestSize);
  EXPECT_EQ(commune_.Head("21550").seq, log[2].seq());
  EXPECT_EQ(commune_.Head("21550").digest, VersionDigest(log[2]));
}

TEST_F(ChainTest, ARunCostsOneSignatureCheck) {
  std::vector<v1::Record> batch = Reports(200);
  std::vector<bool> proven = ProveByChain(batch, district_.Tree(), verifier_);
  EXPECT_EQ(verifier_.calls.load(), 1);
  for (size_t i = 0; i < proven.size(); ++i) EXPECT_TRUE(proven[i]) << i;
  EXPECT_TRUE(ArriveBatch(batch).empty());
  EXPECT_EQ(district_.records().size(), 200u + 2u);  // the two unit records
}

TEST_F(ChainTest, InterleavedOriginsCostOneCheckEach) {
  SimNode other{"21553", "522", v1::LEVEL_COMMUNE};
  ASSERT_TRUE(Write(other, OwnUnitDraft("21553", "522", v1::LEVEL_COMMUNE)).ok());
  ASSERT_EQ(ApplyVersion(district_, other.outbox("522").at(0), "21553", district_.Context(2000)).value(),
            ApplyDecision::kApply);
  std::vector<v1::Record> mine = Reports(10);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Write(other, ReportDraft()).ok());
  std::vector<v1::Record> batch;
  for (int i = 0; i < 10; ++i) {
    batch.push_back(mine[i]);
    batch.push_back(other.outbox("522").at(1 + i));
  }
  std::vector<bool> proven = ProveByChain(batch, district_.Tree(), verifier_);
  EXPECT_EQ(verifier_.calls.load(), 2);
  for (size_t i = 0; i < proven.size(); ++i) EXPECT_TRUE(proven[i]) << i;
}

TEST_F(ChainTest, AnAlteredVersionCostsOnlyItself) {
  std::vector<v1::Record> batch = Reports(20);
  batch[7].set_text("Nội dung đã bị sửa trên đường chuyển tiếp.");
  std::vector<bool> proven = ProveByChain(batch, district_.Tree(), verifier_);
  for (size_t i = 0; i < 8; ++i) EXPECT_FALSE(proven[i]) << i;  // their run ends in the forgery
  for (size_t i = 8; i < 20; ++i) EXPECT_TRUE(proven[i]) << i;

  std::vector<std::string> refusals = ArriveBatch(batch);
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_EQ(RefusalReason(refusals[0]), "bad_signature") << refusals[0];
  EXPECT_EQ(district_.records().count(batch[7].id()), 0u);
  EXPECT_EQ(district_.records().count(batch[6].id()), 1u);
  EXPECT_EQ(district_.records().count(batch[19].id()), 1u);
}

TEST_F(ChainTest, AnUnknownOriginKeyProvesNothing) {
  SimNode stranger{"21580", "522", v1::LEVEL_COMMUNE};
  ASSERT_TRUE(Write(stranger, OwnUnitDraft("21580", "522", v1::LEVEL_COMMUNE)).ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Write(stranger, ReportDraft()).ok());
  std::vector<bool> proven = ProveByChain(stranger.outbox("522"), district_.Tree(), verifier_);
  for (size_t i = 0; i < proven.size(); ++i) EXPECT_FALSE(proven[i]) << i;
}

TEST_F(ChainTest, ARewoundOriginLogIsRefusedAsAFork) {
  std::vector<v1::Record> log = Reports(3);
  EXPECT_TRUE(ArriveBatch(log).empty());
  // The commune's disk is restored from a backup taken after its second
  // report, and it writes again: sequence 4 reappears with other contents.
  SimNode restored{"21550", "522", v1::LEVEL_COMMUNE};
  for (size_t i = 0; i < commune_.outbox("522").size() - 1; ++i) {
    ASSERT_EQ(ApplyVersion(restored, commune_.outbox("522")[i], "", restored.Context(1000)).value(),
              ApplyDecision::kApply);
  }
  v1::Record draft = ReportDraft();
  draft.set_text("Báo cáo viết lại sau khi khôi phục.");
  absl::StatusOr<v1::Record> reused = Write(restored, draft);
  ASSERT_TRUE(reused.ok()) << reused.status();
  ASSERT_EQ(reused->seq(), log[2].seq());
  EXPECT_EQ(Arrive(*reused), ApplyDecision::kRejected);
  EXPECT_EQ(RefusalReason(why_), "fork") << why_;
  EXPECT_EQ(district_.records().at(log[2].id()).text(), log[2].text());

  // Its next version claims a predecessor the district does not hold.
  absl::StatusOr<v1::Record> next = Write(restored, ReportDraft());
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(Arrive(*next), ApplyDecision::kRejected);
  EXPECT_TRUE(absl::StartsWith(why_, kFork)) << why_;
  EXPECT_EQ(district_.records().count(next->id()), 0u);
}

// The bytes a batch's versions arrived in, and each version's canonical bytes
// with a second copy of its id appended: the same record to a parser, but
// not the encoding its origin hashed.
std::vector<std::string> Wire(const std::vector<v1::Record>& batch) {
  std::vector<std::string> wire;
  for (const v1::Record& rec : batch) wire.push_back(CanonicalBytes(rec));
  return wire;
}
std::string ReEncoded(const v1::Record& rec) {
  v1::Record id_only;
  id_only.set_id(rec.id());
  std::string bytes = CanonicalBytes(rec) + id_only.SerializeAsString();
  v1::Record parsed;
  EXPECT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_EQ(CanonicalBytes(parsed), CanonicalBytes(rec));
  return bytes;
}

TEST_F(ChainTest, ReceivedBytesTheChainProvesAreKeptAsTheyCame) {
  std::vector<v1::Record> batch = Reports(5);
  std::vector<EncodedVersion> encoded = EncodeReceived(batch, Wire(batch));
  for (size_t i = 0; i < 4; ++i) EXPECT_TRUE(encoded[i].as_received) << i;
  EXPECT_FALSE(encoded[4].as_received);  // the run's last: its signature is checked
  std::vector<bool> proven = ProveByChain(batch, encoded, district_.Tree(), &verifier_);
  EXPECT_EQ(verifier_.calls.load(), 1);
  for (size_t i = 0; i < batch.size(); ++i) {
    EXPECT_TRUE(proven[i]) << i;
    EXPECT_EQ(encoded[i].bytes, CanonicalBytes(batch[i])) << i;
    EXPECT_EQ(encoded[i].digest, VersionDigest(batch[i])) << i;
  }
  EXPECT_TRUE(encoded[0].as_received);
}

TEST_F(ChainTest, ReceivedBytesNotTheOriginsAreEncodedAgain) {
  std::vector<v1::Record> batch = Reports(5);
  std::vector<std::string> wire = Wire(batch);
  wire[2] = ReEncoded(batch[2]);
  std::vector<EncodedVersion> encoded = EncodeReceived(batch, wire);
  EXPECT_TRUE(encoded[1].as_received);
  EXPECT_FALSE(encoded[2].as_received);  // its successor chains to other bytes
  std::vector<bool> proven = ProveByChain(batch, encoded, district_.Tree(), &verifier_);
  for (size_t i = 0; i < batch.size(); ++i) {
    EXPECT_TRUE(proven[i]) << i;
    EXPECT_EQ(encoded[i].bytes, CanonicalBytes(batch[i])) << i;
  }
}

TEST_F(ChainTest, ARelayCannotPlantItsOwnEncodingOfAVersion) {
  // A relay re-encodes version 2 and forges version 3 to chain to its bytes:
  // version 3's signature fails, so the bytes of 0-2 are proven by nothing
  // and the node stores its own encoding of them, whose digest the
  // origin's genuine version 3 will chain to.
  std::vector<v1::Record> batch = Reports(5);
  const v1::Record genuine = batch[3];
  std::vector<std::string> wire = Wire(batch);
  wire[2] = ReEncoded(batch[2]);
  std::string planted(kDigestSize, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(wire[2].data()), wire[2].size(),
         reinterpret_cast<unsigned char*>(planted.data()));
  batch[3].set_chain_prev(planted);
  wire[3] = CanonicalBytes(batch[3]);
  std::vector<EncodedVersion> encoded = EncodeReceived(batch, wire);
  ASSERT_TRUE(encoded[2].as_received);
  std::vector<bool> proven = ProveByChain(batch, encoded, district_.Tree(), &verifier_);
  for (size_t i = 0; i < 4; ++i) EXPECT_FALSE(proven[i]) << i;
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(encoded[i].as_received) << i;
    EXPECT_EQ(encoded[i].bytes, CanonicalBytes(batch[i])) << i;
  }
  EXPECT_EQ(encoded[2].digest, genuine.chain_prev());
  // Each of 0-2 still passes on its own signature; the forgery names a
  // predecessor other than the version held.
  std::vector<std::string> refusals = ArriveBatch(batch);
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_EQ(RefusalReason(refusals[0]), "fork") << refusals[0];
  EXPECT_EQ(district_.records().count(batch[2].id()), 1u);
  EXPECT_EQ(district_.records().count(batch[3].id()), 0u);
}

TEST_F(ChainTest, WithoutAVerifierNothingIsProvenAndEverythingEncoded) {
  std::vector<v1::Record> batch = Reports(4);
  std::vector<EncodedVersion> encoded = EncodeReceived(batch, Wire(batch));
  std::vector<bool> proven = ProveByChain(batch, encoded, district_.Tree(), nullptr);
  for (size_t i = 0; i < batch.size(); ++i) {
    EXPECT_FALSE(proven[i]) << i;
    EXPECT_FALSE(encoded[i].as_received) << i;
    EXPECT_EQ(encoded[i].bytes, CanonicalBytes(batch[i])) << i;
  }
}

TEST_F(ChainTest, ARunAfterItsOriginsUnitRecordInTheSameBatchCostsOneCheck) {
  // A commune's first sync: its unit record, which binds the key the
  // district does not know yet, then its reports, all in one batch.
  SimNode newcomer{"21580", "522", v1::LEVEL_COMMUNE};
  ASSERT_TRUE(Write(newcomer, OwnUnitDraft("21580", "522", v1::LEVEL_COMMUNE)).ok());
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(Write(newcomer, ReportDraft()).ok());
  const std::vector<v1::Record>& batch = newcomer.outbox("522");
  ASSERT_EQ(batch.size(), 31u);
  ASSERT_TRUE(district_.Tree().KeyOf("21580").empty());

  std::vector<EncodedVersion> encoded = EncodeReceived(batch, Wire(batch));
  ChainProof proof(batch, encoded, &verifier_);
  for (size_t i = 0; i < batch.size(); ++i) {
    const bool proven = proof.Proven(i, district_.Tree());
    EXPECT_EQ(proven, i > 0) << i;  // the unit record is checked alone
    EXPECT_EQ(encoded[i].bytes, CanonicalBytes(batch[i])) << i;
    why_.clear();
    absl::StatusOr<ApplyDecision> d = ApplyVersion(
        district_, batch[i], "21580", district_.Context(2000), &why_, proven, &encoded[i]);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(*d, ApplyDecision::kApply) << i << ": " << why_;
  }
  EXPECT_EQ(verifier_.calls.load(), 1);  // the reports' run, once the key is known
  EXPECT_EQ(district_.records().size(), 2u + 1u + 30u);
}

TEST_F(ChainTest, MalformedChainLinkIsInvalid) {
  v1::Record rec = Reports(1)[0];
  ASSERT_TRUE(ValidateComplete(rec).ok());
  rec.set_chain_prev("short");
  absl::Status s = ValidateComplete(rec);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "chain_prev")) << s;
}

}  // namespace
}  // namespace council::core
