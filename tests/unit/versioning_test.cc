// The single-writer rule and version ordering (node/core/versioning.h).
#include "node/core/versioning.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "test_records.h"

namespace council::core {
namespace {

using ::council::testing::Complete;
using ::council::testing::DirectiveDraft;
using ::council::testing::PetitionDraft;
using ::council::testing::ReportDraft;

constexpr uint64_t kHlc = (1700000000000ull << 16) | 5;

TEST(DecideApply, OrdersByVersion) {
  EXPECT_EQ(DecideApply(0, 1), ApplyDecision::kApply);  // unknown record
  EXPECT_EQ(DecideApply(1, 2), ApplyDecision::kApply);
  EXPECT_EQ(DecideApply(1, 5), ApplyDecision::kApply);  // a gap is fine
  EXPECT_EQ(DecideApply(2, 2), ApplyDecision::kDuplicate);
  EXPECT_EQ(DecideApply(3, 2), ApplyDecision::kStale);
  EXPECT_EQ(DecideApply(3, 1), ApplyDecision::kStale);
  EXPECT_EQ(DecideApply(4294967295u, 4294967295u), ApplyDecision::kDuplicate);
}

TEST(PrepareLocalWrite, CreateAssignsTheEnvelope) {
  v1::Record draft = ReportDraft();
  draft.set_version(7);  // ignored for a create
  absl::StatusOr<v1::Record> out = PrepareLocalWrite(draft, nullptr, {"21550", 12, kHlc});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->id(), "21550:12");
  EXPECT_EQ(out->origin(), "21550");
  EXPECT_EQ(out->seq(), 12u);
  EXPECT_EQ(out->version(), 1u);
  EXPECT_EQ(out->hlc(), kHlc);
  // The body is carried unchanged.
  EXPECT_EQ(out->doc().title(), draft.doc().title());
  EXPECT_EQ(out->report().metrics().at("voter_meetings"), 14);
}

TEST(PrepareLocalWrite, CreateIgnoresAClaimedOrigin) {
  v1::Record draft = ReportDraft();
  draft.set_origin("51");
  draft.set_seq(99);
  absl::StatusOr<v1::Record> out = PrepareLocalWrite(draft, nullptr, {"21550", 3, kHlc});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->origin(), "21550");
  EXPECT_EQ(out->seq(), 3u);
  EXPECT_EQ(out->id(), "21550:3");
}

TEST(PrepareLocalWrite, AmendMakesTheNextVersion) {
  v1::Record current = Complete(ReportDraft("2023-H1"), "21550", 3, 3, 1);
  v1::Record draft = ReportDraft("2023-YTD08", "Báo cáo (sửa đổi)");
  draft.set_id("21550:3");
  absl::StatusOr<v1::Record> out = PrepareLocalWrite(draft, &current, {"21550", 8, kHlc});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->id(), "21550:3");  // the id never changes
  EXPECT_EQ(out->seq(), 8u);        // the origin's next sequence
  EXPECT_EQ(out->version(), 2u);
  EXPECT_EQ(out->report().period(), "2023-YTD08");
  EXPECT_EQ(out->doc().title(), "Báo cáo (sửa đổi)");
}

TEST(PrepareLocalWrite, AmendWithMatchingVersionCheck) {
  v1::Record current = Complete(ReportDraft(), "21550", 3, 6, 4);
  v1::Record draft = ReportDraft();
  draft.set_id("21550:3");
  draft.set_version(4);
  absl::StatusOr<v1::Record> out = PrepareLocalWrite(draft, &current, {"21550", 9, kHlc});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->version(), 5u);
}

TEST(PrepareLocalWrite, StaleVersionIsFailedPrecondition) {
  v1::Record current = Complete(ReportDraft(), "21550", 3, 6, 4);
  v1::Record draft = ReportDraft();
  draft.set_id("21550:3");
  draft.set_version(3);
  absl::StatusOr<v1::Record> out = PrepareLocalWrite(draft, &current, {"21550", 9, kHlc});
  ASSERT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition) << out.status();
  EXPECT_NE(out.status().message().find("21550:3"), std::string::npos);
  EXPECT_NE(out.status().message().find("version 4"), std::string::npos);
  // A version from the future is just as wrong.
  draft.set_version(5);
  EXPECT_EQ(PrepareLocalWrite(draft, &current, {"21550", 9, kHlc}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(PrepareLocalWrite, ForeignOriginIsPermissionDenied) {
  v1::Record current = Complete(ReportDraft(), "21551", 3, 3, 1);
  v1::Record draft = ReportDraft();
  draft.set_id("21551:3");
  // Denied whether or not this node holds a copy.
  for (const v1::Record* cur : std::vector<const v1::Record*>{&current, nullptr}) {
    absl::StatusOr<v1::Record> out = PrepareLocalWrite(draft, cur, {"21550", 9, kHlc});
    ASSERT_EQ(out.status().code(), absl::StatusCode::kPermissionDenied) << out.status();
    EXPECT_NE(out.status().message().find("21551"), std::string::npos);
  }
}

TEST(PrepareLocalWrite, UnknownIdIsNotFound) {
  v1::Record draft = ReportDraft();
  draft.set_id("21550:40");
  absl::StatusOr<v1::Record> out = PrepareLocalWrite(draft, nullptr, {"21550", 9, kHlc});
  ASSERT_EQ(out.status().code(), absl::StatusCode::kNotFound) << out.status();
  EXPECT_NE(out.status().message().find("21550:40"), std::string::npos);
}

TEST(PrepareLocalWrite, BadIdIsInvalidArgument) {
  v1::Record draft = ReportDraft();
  draft.set_id("21550#40");
  absl::StatusOr<v1::Record> out = PrepareLocalWrite(draft, nullptr, {"21550", 9, kHlc});
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << out.status();
}

TEST(PrepareLocalWrite, KindChangeIsRefused) {
  v1::Record current = Complete(DirectiveDraft(), "522", 4, 4, 1);
  v1::Record draft = PetitionDraft();
  draft.set_id("522:4");
  absl::StatusOr<v1::Record> out = PrepareLocalWrite(draft, &current, {"522", 9, kHlc});
  ASSERT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << out.status();
  EXPECT_NE(out.status().message().find("directive"), std::string::npos);
  EXPECT_NE(out.status().message().find("petition"), std::string::npos);
}

}  // namespace
}  // namespace council::core
