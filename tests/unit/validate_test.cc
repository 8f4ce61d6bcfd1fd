// Record validation (node/core/validate.h): each kind's rules, and that every
// error names the field at fault.
#include "node/core/validate.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "test_records.h"

namespace council::core {
namespace {

using ::council::testing::Complete;
using ::council::testing::ConclusionDraft;
using ::council::testing::DirectiveDraft;
using ::council::testing::DirectiveUpdateDraft;
using ::council::testing::PetitionAnswerDraft;
using ::council::testing::PetitionDraft;
using ::council::testing::ReportDraft;
using ::council::testing::UnitDraft;

// Expects INVALID_ARGUMENT whose message contains `needle`.
void ExpectInvalid(const absl::Status& s, const std::string& needle) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find(needle), std::string::npos)
      << "message '" << s.message() << "' does not name '" << needle << "'";
}

TEST(ValidateDraft, EveryBuilderIsValid) {
  for (const v1::Record& r : {ReportDraft(), ConclusionDraft(), DirectiveDraft(),
                              DirectiveUpdateDraft(), PetitionDraft(), PetitionAnswerDraft(),
                              UnitDraft()}) {
    EXPECT_TRUE(ValidateDraft(r).ok()) << ValidateDraft(r) << "\n" << r.DebugString();
  }
}

TEST(ValidateDraft, RecordWithoutBody) {
  v1::Record r;
  r.mutable_doc()->set_title("Công văn");
  ExpectInvalid(ValidateDraft(r), "no body");
}

TEST(ValidateDraft, TitleRequiredForDocumentKinds) {
  for (v1::Record r : {ReportDraft(), ConclusionDraft(), DirectiveDraft(), PetitionDraft()}) {
    r.mutable_doc()->clear_title();
    ExpectInvalid(ValidateDraft(r), "title");
  }
  // Updates, answers and units carry no title of their own.
  v1::Record update = DirectiveUpdateDraft();
  update.mutable_doc()->clear_title();
  EXPECT_TRUE(ValidateDraft(update).ok());
}

TEST(ValidateDraft, TitleLengthInBytes) {
  v1::Record r = ReportDraft();
  std::string title;
  while (title.size() + 2 <= kMaxTitleBytes) title += "Đ";  // 2 bytes each
  r.mutable_doc()->set_title(title);
  EXPECT_TRUE(ValidateDraft(r).ok());
  r.mutable_doc()->set_title(title + "ĐĐ");
  ExpectInvalid(ValidateDraft(r), "title");
}

TEST(ValidateDraft, Report) {
  v1::Record r = ReportDraft();
  r.mutable_report()->clear_period();
  ExpectInvalid(ValidateDraft(r), "report.period");

  r = ReportDraft("2023-H3");
  ExpectInvalid(ValidateDraft(r), "2023-H3");

  r = ReportDraft();
  (*r.mutable_report()->mutable_metrics())["Sessions"] = 1;
  ExpectInvalid(ValidateDraft(r), "Sessions");

  r = ReportDraft();
  (*r.mutable_report()->mutable_metrics())["kỳ_họp"] = 1;
  ExpectInvalid(ValidateDraft(r), "metric");

  r = ReportDraft();
  (*r.mutable_report()->mutable_metrics())["petitions_resolved"] = -4;
  ExpectInvalid(ValidateDraft(r), "petitions_resolved");

  r = ReportDraft();
  (*r.mutable_report()->mutable_metrics())[std::string(kMaxMetricNameBytes + 1, 'a')] = 1;
  ExpectInvalid(ValidateDraft(r), "metric");

  r = ReportDraft();
  (*r.mutable_report()->mutable_metrics())[std::string(kMaxMetricNameBytes, 'a')] = 0;
  EXPECT_TRUE(ValidateDraft(r).ok());
}

TEST(ValidateDraft, ReportSectionTextMustBeUtf8AndIsNamedByPath) {
  v1::Record r = ReportDraft();
  r.mutable_report()->add_sections()->set_text("Kết quả giám sát");
  v1::ReportSection* bad = r.mutable_report()->add_sections();
  bad->set_heading("Hạn chế");
  bad->set_text("Vi\xE1\xBB");  // truncated
  ExpectInvalid(ValidateDraft(r), "report.sections[1].text");
}

TEST(ValidateDraft, DocumentMetadata) {
  v1::Record r = ReportDraft();
  r.mutable_doc()->set_issued_on("2023-02-30");
  ExpectInvalid(ValidateDraft(r), "issued");

  r = ReportDraft();
  r.mutable_doc()->add_recipients("Thường trực Thị ủy");
  r.mutable_doc()->add_recipients("Lưu: VT\xC0\xAF");
  ExpectInvalid(ValidateDraft(r), "doc.recipients[1]");

  r = ReportDraft();
  r.mutable_doc()->set_signer("\xED\xA0\x80");
  ExpectInvalid(ValidateDraft(r), "doc.signer");

  r = ReportDraft();
  r.set_text("Nội dung\xFF");
  ExpectInvalid(ValidateDraft(r), "text");

  r = ReportDraft();
  for (int i = 0; i <= kMaxRepeated; ++i) r.mutable_doc()->add_recipients("x");
  ExpectInvalid(ValidateDraft(r), "doc.recipients");
}

TEST(ValidateDraft, RecordSizeLimit) {
  v1::Record r = ReportDraft();
  for (int i = 0; i < 5; ++i) {
    r.mutable_report()->add_sections()->set_text(std::string(kMaxStringBytes, 'a'));
  }
  ExpectInvalid(ValidateDraft(r), "larger than");
}

TEST(ValidateDraft, Conclusion) {
  v1::Record r = ConclusionDraft("");
  ExpectInvalid(ValidateDraft(r), "meeting date");
  r = ConclusionDraft("2023-13-25");
  ExpectInvalid(ValidateDraft(r), "meeting date");
  r = ConclusionDraft();
  r.mutable_conclusion()->set_period("2023-M13");
  ExpectInvalid(ValidateDraft(r), "2023-M13");
  r = ConclusionDraft();
  r.mutable_conclusion()->set_period("2023-YTD08");
  EXPECT_TRUE(ValidateDraft(r).ok());
  r = ConclusionDraft();
  r.mutable_conclusion()->add_tasks("Nhi\xE1\xBB");
  ExpectInvalid(ValidateDraft(r), "conclusion.tasks[1]");
}

TEST(ValidateDraft, DirectiveScopes) {
  v1::Record r = DirectiveDraft();
  r.mutable_directive()->clear_scope();
  ExpectInvalid(ValidateDraft(r), "scope");

  r = DirectiveDraft();
  r.mutable_directive()->mutable_scope()->clear_units();
  ExpectInvalid(ValidateDraft(r), "unit");

  r = DirectiveDraft();
  r.mutable_directive()->mutable_scope()->add_units("xã Phổ Vinh");
  ExpectInvalid(ValidateDraft(r), "directive target unit");

  r = DirectiveDraft();
  v1::DirectiveScope* s = r.mutable_directive()->mutable_scope();
  s->Clear();
  s->set_kind(v1::SCOPE_LEVEL);
  ExpectInvalid(ValidateDraft(r), "level");
  s->set_level(v1::LEVEL_COMMUNE);
  EXPECT_TRUE(ValidateDraft(r).ok());
  s->set_under("522");
  EXPECT_TRUE(ValidateDraft(r).ok());
  s->set_under("5 22");
  ExpectInvalid(ValidateDraft(r), "under");
  s->set_under("");
  s->add_units("21550");
  ExpectInvalid(ValidateDraft(r), "units");

  s->Clear();
  s->set_kind(v1::SCOPE_SUBTREE);
  EXPECT_TRUE(ValidateDraft(r).ok());
}

TEST(ValidateDraft, DirectiveDueDateAndConclusionRef) {
  v1::Record r = DirectiveDraft("");
  ExpectInvalid(ValidateDraft(r), "due date");
  r = DirectiveDraft("2023-11-31");
  ExpectInvalid(ValidateDraft(r), "due date");
  r = DirectiveDraft();
  r.mutable_directive()->set_conclusion_id("522:7");
  EXPECT_TRUE(ValidateDraft(r).ok());
  r.mutable_directive()->set_conclusion_id("522-7");
  ExpectInvalid(ValidateDraft(r), "conclusion_id");
}

TEST(ValidateDraft, DirectiveUpdate) {
  v1::Record r = DirectiveUpdateDraft("");
  ExpectInvalid(ValidateDraft(r), "directive_id");
  r = DirectiveUpdateDraft("not-an-id");
  ExpectInvalid(ValidateDraft(r), "directive_id");
  r = DirectiveUpdateDraft();
  r.mutable_directive_update()->set_status(v1::DIRECTIVE_STATUS_UNSPECIFIED);
  ExpectInvalid(ValidateDraft(r), "status");
}

TEST(ValidateDraft, Petition) {
  v1::Record r = PetitionDraft();
  r.mutable_petition()->clear_field();
  ExpectInvalid(ValidateDraft(r), "field");
  r = PetitionDraft();
  r.mutable_petition()->set_competent_level(v1::LEVEL_UNSPECIFIED);
  ExpectInvalid(ValidateDraft(r), "competent level");
  r = PetitionDraft();
  r.mutable_petition()->set_due_date("2023-02-29");
  ExpectInvalid(ValidateDraft(r), "due date");
  r.mutable_petition()->set_due_date("2024-02-29");
  EXPECT_TRUE(ValidateDraft(r).ok());
}

TEST(ValidateDraft, PetitionAnswer) {
  v1::Record r = PetitionAnswerDraft("");
  ExpectInvalid(ValidateDraft(r), "petition_id");
  r = PetitionAnswerDraft("21550");
  ExpectInvalid(ValidateDraft(r), "petition_id");
  r = PetitionAnswerDraft();
  r.clear_text();
  ExpectInvalid(ValidateDraft(r), "answer text");
}

TEST(ValidateDraft, Unit) {
  v1::Record r = UnitDraft("");
  ExpectInvalid(ValidateDraft(r), "unit.id");
  r = UnitDraft("21 550");
  ExpectInvalid(ValidateDraft(r), "unit.id");
  r = UnitDraft();
  r.mutable_unit()->set_level(v1::LEVEL_UNSPECIFIED);
  ExpectInvalid(ValidateDraft(r), "unit.level");
  r = UnitDraft();
  r.mutable_unit()->clear_name();
  ExpectInvalid(ValidateDraft(r), "unit.name");
  r = UnitDraft();
  r.mutable_unit()->set_parent("5:22");
  ExpectInvalid(ValidateDraft(r), "unit.parent");
  r = UnitDraft();
  r.mutable_unit()->clear_parent();  // the root
  EXPECT_TRUE(ValidateDraft(r).ok());
}

TEST(ValidateDraft, IgnoresEnvelope) {
  v1::Record r = ReportDraft();
  r.set_id("garbage");
  r.set_seq(0);
  EXPECT_TRUE(ValidateDraft(r).ok());
}

TEST(ValidateComplete, AcceptsConsistentEnvelopes) {
  EXPECT_TRUE(ValidateComplete(Complete(ReportDraft(), "21550", 3, 3, 1)).ok());
  EXPECT_TRUE(ValidateComplete(Complete(ReportDraft(), "21550", 3, 9, 2)).ok());
  EXPECT_TRUE(ValidateComplete(Complete(UnitDraft(), "51", 1, 1, 1)).ok());
  EXPECT_TRUE(ValidateComplete(Complete(DirectiveUpdateDraft(), "21550", 4, 4, 1)).ok());
}

TEST(ValidateComplete, RejectsBadEnvelopes) {
  ExpectInvalid(ValidateComplete(Complete(ReportDraft(), "", 3, 3, 1)), "origin");
  v1::Record r = Complete(ReportDraft(), "21550", 3, 3, 1);
  r.set_id("21550-3");
  ExpectInvalid(ValidateComplete(r), "21550-3");
  r = Complete(ReportDraft(), "21550", 3, 3, 1);
  r.set_origin("21551");  // id names another origin
  ExpectInvalid(ValidateComplete(r), "origin");
  ExpectInvalid(ValidateComplete(Complete(ReportDraft(), "21550", 3, 3, 0)), "version");
  // seq below the id's n.
  ExpectInvalid(ValidateComplete(Complete(ReportDraft(), "21550", 3, 2, 2)), "seq");
  // version 1 must have seq == n; later versions must not.
  ExpectInvalid(ValidateComplete(Complete(ReportDraft(), "21550", 3, 5, 1)), "seq");
  ExpectInvalid(ValidateComplete(Complete(ReportDraft(), "21550", 3, 3, 2)), "seq");
  ExpectInvalid(ValidateComplete(Complete(ReportDraft(), "21550", 3, 3, 1, 0)), "timestamp");
}

TEST(ValidateComplete, AppliesTheDraftRulesToo) {
  ExpectInvalid(ValidateComplete(Complete(ReportDraft("2023-M13"), "21550", 3, 3, 1)),
                "2023-M13");
  ExpectInvalid(ValidateComplete(Complete(ConclusionDraft("2023-02-30"), "522", 1, 1, 1)),
                "meeting date");
}

// Utf8::kCheckedByParser rests on protobuf's binary parser refusing a
// record whose text is not UTF-8 (proto3 strings); every other rule stands.
TEST(ValidateComplete, AfterTheParserOnlyTheUtf8CheckIsLeftOut) {
  v1::Record bad = Complete(ReportDraft(), "21550", 3, 3, 1);
  bad.mutable_report()->add_sections()->set_text("Vi\xE1\xBB");  // truncated
  ExpectInvalid(ValidateComplete(bad), "report.sections[0].text");
  std::string wire;
  ASSERT_TRUE(bad.SerializePartialToString(&wire));
  v1::Record parsed;
  EXPECT_FALSE(parsed.ParseFromString(wire)) << "the parser took text that is not UTF-8";

  v1::Record long_text = Complete(ReportDraft(), "21550", 3, 3, 1);
  long_text.mutable_report()->add_sections()->set_text(std::string(kMaxStringBytes + 1, 'a'));
  ExpectInvalid(ValidateComplete(long_text, Utf8::kCheckedByParser), "report.sections[0].text");
  v1::Record bad_metric = Complete(ReportDraft(), "21550", 3, 3, 1);
  (*bad_metric.mutable_report()->mutable_metrics())["Số_họp"] = 1;
  ExpectInvalid(ValidateComplete(bad_metric, Utf8::kCheckedByParser), "metric");
  ExpectInvalid(ValidateComplete(Complete(ReportDraft(), "21550", 3, 3, 1, 0), Utf8::kCheckedByParser),
                "timestamp");
  EXPECT_TRUE(ValidateComplete(Complete(ReportDraft(), "21550", 3, 3, 1), Utf8::kCheckedByParser).ok());
}

// ValidateDraft skips the walk of a parsed record's fields when the record
// is too small to break a limit, because no repeated field of Record packs
// its elements: each takes a tag and a length or value, two bytes at least.
// A packed field (a repeated number or enum) breaks that; this fails first.
void ExpectNoPackedRepeated(const google::protobuf::Descriptor* d, std::set<const void*>* seen) {
  if (!seen->insert(d).second) return;
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    EXPECT_FALSE(f->is_packable()) << f->full_name() << " is a repeated scalar: see kMaxWalkFreeBytes "
                                   << "in validate.cc before adding one";
    if (f->message_type() != nullptr) ExpectNoPackedRepeated(f->message_type(), seen);
  }
}

TEST(ValidateComplete, RecordHasNoPackedRepeatedFields) {
  std::set<const void*> seen;
  ExpectNoPackedRepeated(v1::Record::descriptor(), &seen);
  EXPECT_GT(seen.size(), 5u);  // walked the nested messages
}

// The limits hold on either side of the size below which the walk is left
// out: kMaxRepeated + 1 of the shortest elements is over it, and refused.
TEST(ValidateComplete, ParsedRecordsKeepTheRepeatedLimit) {
  v1::Record many = Complete(ReportDraft(), "21550", 3, 3, 1);
  for (int i = 0; i <= kMaxRepeated; ++i) many.mutable_doc()->add_recipients("");
  ExpectInvalid(ValidateComplete(many, Utf8::kCheckedByParser), "recipients");
  v1::Record few = Complete(ReportDraft(), "21550", 3, 3, 1);
  for (int i = 0; i < kMaxRepeated; ++i) few.mutable_doc()->add_recipients("");
  EXPECT_TRUE(ValidateComplete(few, Utf8::kCheckedByParser).ok());
}

}  // namespace
}  // namespace council::core
