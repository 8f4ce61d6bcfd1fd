#include "node/core/kinds.h"

#include <array>

#include "absl/strings/str_cat.h"

namespace council::core {

namespace {
constexpr std::array<Kind, 7> kKinds = {
    v1::Record::kReport,          v1::Record::kConclusion,
    v1::Record::kDirective,       v1::Record::kDirectiveUpdate,
    v1::Record::kPetition,        v1::Record::kPetitionAnswer,
    v1::Record::kUnit};
}  // namespace

std::string KindName(Kind kind) {
  switch (kind) {
    case v1::Record::kReport: return "report";
    case v1::Record::kConclusion: return "conclusion";
    case v1::Record::kDirective: return "directive";
    case v1::Record::kDirectiveUpdate: return "directive_update";
    case v1::Record::kPetition: return "petition";
    case v1::Record::kPetitionAnswer: return "petition_answer";
    case v1::Record::kUnit: return "unit";
    default: return "";
  }
}

const std::string& PeriodOf(const v1::Record& r) {
  static const std::string* const kNone = new std::string;
  if (r.has_report()) return r.report().period();
  if (r.has_conclusion()) return r.conclusion().period();
  return *kNone;
}

absl::StatusOr<Kind> ParseKind(absl::string_view name) {
  for (Kind k : kKinds) {
    if (KindName(k) == name) return k;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown kind '", name,
      "': expected report, conclusion, directive, directive_update, petition, "
      "petition_answer or unit"));
}

std::span<const Kind> AllKinds() { return kKinds; }

}  // namespace council::core
