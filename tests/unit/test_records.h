// Builders of valid record drafts for unit tests. Each returns a draft that
// core::ValidateDraft accepts; tests change one field to probe one rule.
#ifndef COUNCIL_TESTS_UNIT_TEST_RECORDS_H_
#define COUNCIL_TESTS_UNIT_TEST_RECORDS_H_

#include <cstdint>
#include <string>

#include "council/v1/record.pb.h"

namespace council::testing {

inline v1::Record ReportDraft(const std::string& period = "2023-YTD08",
                              const std::string& title =
                                  "Báo cáo kết quả hoạt động 8 tháng đầu năm 2023") {
  v1::Record r;
  r.mutable_doc()->set_title(title);
  r.mutable_doc()->set_document_type("Báo cáo");
  r.mutable_report()->set_period(period);
  r.mutable_report()->set_period_label("8 tháng đầu năm 2023");
  (*r.mutable_report()->mutable_metrics())["sessions_held"] = 2;
  (*r.mutable_report()->mutable_metrics())["voter_meetings"] = 14;
  return r;
}

inline v1::Record ConclusionDraft(const std::string& meeting_date = "2023-08-25") {
  v1::Record r;
  r.mutable_doc()->set_title("Thông báo kết luận Hội nghị trực báo giữa năm 2023");
  r.mutable_doc()->set_signer_capacity("TM. THƯỜNG TRỰC HĐND");
  v1::Conclusion* c = r.mutable_conclusion();
  c->set_meeting_kind("trực báo");
  c->set_meeting_date(meeting_date);
  c->set_place("Hội trường UBND thị xã");
  c->add_attendees("Thường trực HĐND các xã, phường");
  c->add_tasks("Nâng cao chất lượng kỳ họp chuyên đề");
  return r;
}

inline v1::Record DirectiveDraft(const std::string& due = "2023-12-31") {
  v1::Record r;
  r.mutable_doc()->set_title("Đôn đốc giải quyết kiến nghị cử tri");
  v1::Directive* d = r.mutable_directive();
  d->mutable_scope()->set_kind(v1::SCOPE_UNITS);
  d->mutable_scope()->add_units("21550");
  d->set_due_date(due);
  return r;
}

inline v1::Record DirectiveUpdateDraft(const std::string& directive_id = "522:4") {
  v1::Record r;
  r.mutable_directive_update()->set_directive_id(directive_id);
  r.mutable_directive_update()->set_status(v1::DIRECTIVE_STATUS_IN_PROGRESS);
  r.mutable_directive_update()->set_note("Đang tổng hợp ý kiến");
  return r;
}

inline v1::Record PetitionDraft() {
  v1::Record r;
  r.mutable_doc()->set_title("Cử tri kiến nghị sửa chữa tuyến đường liên thôn");
  r.mutable_petition()->set_field("infrastructure");
  r.mutable_petition()->set_competent_level(v1::LEVEL_DISTRICT);
  r.mutable_petition()->set_status(v1::PETITION_STATUS_OPEN);
  return r;
}

inline v1::Record PetitionAnswerDraft(const std::string& petition_id = "21550:3") {
  v1::Record r;
  r.mutable_petition_answer()->set_petition_id(petition_id);
  r.set_text("UBND thị xã đã bố trí vốn sửa chữa tuyến đường trong quý IV năm 2023.");
  return r;
}

inline v1::Record UnitDraft(const std::string& id = "21550") {
  v1::Record r;
  r.mutable_unit()->set_id(id);
  r.mutable_unit()->set_level(v1::LEVEL_COMMUNE);
  r.mutable_unit()->set_name("HĐND xã Phổ Vinh");
  r.mutable_unit()->set_parent("522");
  return r;
}

// A unit's own registration, as the unit's node publishes it.
inline v1::Record OwnUnitDraft(const std::string& id, const std::string& parent, v1::Level level) {
  v1::Record d;
  d.mutable_doc()->set_title("HĐND " + id);
  d.mutable_unit()->set_id(id);
  d.mutable_unit()->set_level(level);
  d.mutable_unit()->set_name("HĐND " + id);
  d.mutable_unit()->set_parent(parent);
  return d;
}

// `draft` with a complete envelope, as a version received from `origin`.
inline v1::Record Complete(v1::Record draft, const std::string& origin, uint64_t n,
                           uint64_t seq, uint32_t version, uint64_t hlc = 1ull << 40) {
  draft.set_id(origin + ":" + std::to_string(n));
  draft.set_origin(origin);
  draft.set_seq(seq);
  draft.set_version(version);
  draft.set_hlc(hlc);
  return draft;
}

// A unit record about `id` by `origin` (its own when equal), stamped `hlc`.
inline v1::Record UnitRecord(const std::string& origin, const std::string& id, const std::string& parent,
                      v1::Level level, uint64_t hlc = 1) {
  v1::Record r;
  r.set_id(origin + ":1");
  r.set_origin(origin);
  r.set_hlc(hlc);
  r.mutable_unit()->set_id(id);
  r.mutable_unit()->set_parent(parent);
  r.mutable_unit()->set_level(level);
  r.mutable_unit()->set_name("HĐND " + id);
  return r;
}

}  // namespace council::testing

#endif  // COUNCIL_TESTS_UNIT_TEST_RECORDS_H_
