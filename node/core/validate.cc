#include "node/core/validate.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "node/core/ids.h"
#include "node/core/levels.h"
#include "node/core/status_macros.h"
#include "node/core/text.h"

namespace council::core {
namespace {

namespace pb = google::protobuf;

// Where ValidateStrings is in the record: rendered ("report.sections[2].text")
// only for an error, so that a valid record costs no string building.
struct FieldPath {
  const FieldPath* parent = nullptr;
  const pb::FieldDescriptor* field = nullptr;
  int index = -1;  // -1: not an element of a repeated field

  std::string Render() const {
    if (field == nullptr) return "";
    std::string up = parent != nullptr ? parent->Render() : "";
    std::string out = up.empty() ? field->name() : absl::StrCat(up, ".", field->name());
    if (index >= 0) absl::StrAppend(&out, "[", index, "]");
    return out;
  }
};

absl::Status CheckString(const FieldPath& at, absl::string_view value, Utf8 utf8) {
  if (value.size() <= kMaxStringBytes && (utf8 == Utf8::kCheckedByParser || IsValidUtf8(value))) {
    return absl::OkStatus();
  }
  return ValidateText(at.Render(), value, kMaxStringBytes);
}

// A map whose entries need no walk here: report metrics, whose names
// ValidateReport holds to [a-z0-9_]{1,64} (walking a map by reflection
// rebuilds it as a repeated field).
bool EntriesCheckedElsewhere(const pb::FieldDescriptor* f) {
  static const pb::FieldDescriptor* const metrics = v1::Report::descriptor()->FindFieldByName("metrics");
  return f == metrics;
}

// Walks every set field: strings must be UTF-8 and bounded, repeated fields
// bounded.
absl::Status ValidateStrings(const pb::Message& m, const FieldPath& path, Utf8 utf8) {
  const pb::Reflection* refl = m.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  refl->ListFields(m, &fields);
  std::string scratch;
  for (const pb::FieldDescriptor* f : fields) {
    const bool is_string = f->type() == pb::FieldDescriptor::TYPE_STRING;
    const bool is_message = f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE;
    if (!f->is_repeated()) {
      FieldPath at{&path, f};
      if (is_string) RETURN_IF_ERROR(CheckString(at, refl->GetStringReference(m, f, &scratch), utf8));
      if (is_message) RETURN_IF_ERROR(ValidateStrings(refl->GetMessage(m, f), at, utf8));
      continue;
    }
    const int n = refl->FieldSize(m, f);
    if (n > kMaxRepeated) {
      return absl::InvalidArgumentError(absl::StrCat(FieldPath{&path, f}.Render(), " has more than ",
                                                     kMaxRepeated, " entries"));
    }
    if (EntriesCheckedElsewhere(f)) continue;
    for (int i = 0; i < n && (is_string || is_message); ++i) {
      FieldPath at{&path, f, i};
      if (is_string) {
        RETURN_IF_ERROR(CheckString(at, refl->GetRepeatedStringReference(m, f, i, &scratch), utf8));
      } else {
        RETURN_IF_ERROR(ValidateStrings(refl->GetRepeatedMessage(m, f, i), at, utf8));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status Required(absl::string_view field, absl::string_view value) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  return absl::OkStatus();
}

absl::Status ValidateRecordRef(absl::string_view field, absl::string_view id) {
  RETURN_IF_ERROR(Required(field, id));
  absl::StatusOr<RecordIdParts> parts = ParseRecordId(id);
  if (!parts.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", parts.status().message()));
  }
  return absl::OkStatus();
}

absl::Status ValidateLevelSet(absl::string_view field, v1::Level level) {
  if (LevelName(level).empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  return absl::OkStatus();
}

absl::Status ValidateReport(const v1::Report& r) {
  RETURN_IF_ERROR(Required("report.period", r.period()));
  RETURN_IF_ERROR(ValidatePeriod(r.period()));
  if (r.metrics_size() > kMaxRepeated) {
    return absl::InvalidArgumentError("report.metrics has too many entries");
  }
  for (const auto& [name, value] : r.metrics()) {
    bool ok = !name.empty() && name.size() <= kMaxMetricNameBytes;
    for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid metric name '", name, "': use lower-case a-z, 0-9 and '_'"));
    }
    if (value < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("metric ", name, " is negative (", value, ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateDirective(const v1::Directive& d) {
  const v1::DirectiveScope& s = d.scope();
  switch (s.kind()) {
    case v1::SCOPE_UNITS:
      if (s.units_size() == 0) return absl::InvalidArgumentError("directive scope names no unit");
      for (const std::string& u : s.units()) RETURN_IF_ERROR(ValidateUnitId(u, "directive target unit"));
      break;
    case v1::SCOPE_LEVEL:
      RETURN_IF_ERROR(ValidateLevelSet("directive scope level", s.level()));
      if (!s.under().empty()) RETURN_IF_ERROR(ValidateUnitId(s.under(), "directive scope 'under' unit"));
      break;
    case v1::SCOPE_SUBTREE:
      break;
    default:
      return absl::InvalidArgumentError(
          "directive scope is required: named units, a level, or the subtree");
  }
  if (s.kind() != v1::SCOPE_UNITS && s.units_size() > 0) {
    return absl::InvalidArgumentError("directive scope: units given with a level or subtree scope");
  }
  RETURN_IF_ERROR(Required("directive due date", d.due_date()));
  RETURN_IF_ERROR(ValidateDate("directive due date", d.due_date()));
  if (!d.conclusion_id().empty()) RETURN_IF_ERROR(ValidateRecordRef("directive.conclusion_id", d.conclusion_id()));
  return absl::OkStatus();
}

absl::Status ValidateBody(const v1::Record& r) {
  switch (r.body_case()) {
    case v1::Record::kReport:
      return ValidateReport(r.report());
    case v1::Record::kConclusion:
      RETURN_IF_ERROR(Required("conclusion meeting date", r.conclusion().meeting_date()));
      RETURN_IF_ERROR(ValidateDate("conclusion meeting date", r.conclusion().meeting_date()));
      if (!r.conclusion().period().empty()) RETURN_IF_ERROR(ValidatePeriod(r.conclusion().period()));
      return absl::OkStatus();
    case v1::Record::kDirective:
      return ValidateDirective(r.directive());
    case v1::Record::kDirectiveUpdate:
      RETURN_IF_ERROR(ValidateRecordRef("directive_update.directive_id", r.directive_update().directive_id()));
      if (r.directive_update().status() == v1::DIRECTIVE_STATUS_UNSPECIFIED) {
        return absl::InvalidArgumentError(
            "directive update status is required: received, in_progress or done");
      }
      return absl::OkStatus();
    case v1::Record::kPetition:
      RETURN_IF_ERROR(Required("petition field", r.petition().field()));
      RETURN_IF_ERROR(ValidateLevelSet("petition competent level", r.petition().competent_level()));
      if (!r.petition().due_date().empty()) RETURN_IF_ERROR(ValidateDate("petition due date", r.petition().due_date()));
      return absl::OkStatus();
    case v1::Record::kPetitionAnswer:
      RETURN_IF_ERROR(ValidateRecordRef("petition_answer.petition_id", r.petition_answer().petition_id()));
      return Required("petition answer text", r.text());
    case v1::Record::kUnit:
      RETURN_IF_ERROR(ValidateUnitId(r.unit().id(), "unit.id"));
      RETURN_IF_ERROR(ValidateLevelSet("unit.level", r.unit().level()));
      RETURN_IF_ERROR(Required("unit.name", r.unit().name()));
      if (!r.unit().parent().empty()) RETURN_IF_ERROR(ValidateUnitId(r.unit().parent(), "unit.parent"));
      return absl::OkStatus();
    default:
      return absl::InvalidArgumentError(
          "record has no body: set one of report, conclusion, directive, "
          "directive_update, petition, petition_answer, unit");
  }
}

// A record whose strings the parser has checked needs the walk of
// ValidateStrings only for the limits, and one of at most this many bytes
// is within them: no string is longer than the record, and every element
// of a repeated field takes at least two bytes of it (a tag, then a length
// or a value; Record has no packed repeated fields, which
// validate_test.RecordHasNoPackedRepeatedFields holds).
constexpr size_t kMaxWalkFreeBytes = 2 * kMaxRepeated;
static_assert(kMaxWalkFreeBytes <= kMaxStringBytes);

bool NeedsTitle(const v1::Record& r) {
  return r.has_report() || r.has_conclusion() || r.has_directive() || r.has_petition();
}

}  // namespace

absl::Status ValidateDraft(const v1::Record& r, Utf8 utf8) {
  const size_t size = r.ByteSizeLong();
  if (size > kMaxRecordBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("record is larger than ", kMaxRecordBytes, " bytes"));
  }
  if (utf8 == Utf8::kCheck || size > kMaxWalkFreeBytes) {
    RETURN_IF_ERROR(ValidateStrings(r, FieldPath{}, utf8));
  }
  if (NeedsTitle(r)) RETURN_IF_ERROR(Required("title", r.doc().title()));
  if (r.doc().title().size() > kMaxTitleBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("title is longer than ", kMaxTitleBytes, " bytes"));
  }
  if (!r.doc().issued_on().empty()) RETURN_IF_ERROR(ValidateDate("issued-on date", r.doc().issued_on()));
  return ValidateBody(r);
}

absl::Status ValidateComplete(const v1::Record& r, Utf8 utf8) {
  RETURN_IF_ERROR(ValidateDraft(r, utf8));
  RETURN_IF_ERROR(ValidateUnitId(r.origin(), "origin"));
  ASSIGN_OR_RETURN(RecordIdParts parts, ParseRecordId(r.id()));
  if (parts.origin != r.origin()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "record ", r.id(), " names origin ", parts.origin, " but claims origin ", r.origin()));
  }
  if (r.version() == 0) return absl::InvalidArgumentError(absl::StrCat("record ", r.id(), " has no version"));
  if (r.seq() < parts.seq || (r.version() == 1) != (r.seq() == parts.seq)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "record ", r.id(), " version ", r.version(), " has inconsistent seq ", r.seq()));
  }
  if (r.hlc() == 0) return absl::InvalidArgumentError(absl::StrCat("record ", r.id(), " has no timestamp"));
  if (!r.chain_prev().empty() && (r.chain_prev().size() != 32 || r.seq() == 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "record ", r.id(), " has a malformed chain_prev (", r.chain_prev().size(),
        " bytes; a SHA-256 digest of the origin's previous version, none for sequence 1)"));
  }
  return absl::OkStatus();
}

}  // namespace council::core
