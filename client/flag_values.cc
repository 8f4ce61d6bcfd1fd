#include "client/flag_values.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/args.h"
#include "node/core/ids.h"
#include "node/core/levels.h"
#include "node/core/text.h"
#include "node/core/validate.h"

namespace council::client {
namespace {

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

absl::Status CheckDate(absl::string_view field, absl::string_view value) {
  return AsUsageError(core::ValidateDate(field, value));
}

absl::Status CheckPeriod(absl::string_view value) {
  return AsUsageError(core::ValidatePeriod(value));
}

absl::Status CheckUnitId(absl::string_view what, absl::string_view value) {
  return AsUsageError(core::ValidateUnitId(value, what));
}

absl::Status CheckRecordId(absl::string_view value) {
  return AsUsageError(core::ParseRecordId(value).status());
}

absl::StatusOr<v1::Level> ParseLevelFlag(absl::string_view value) {
  absl::StatusOr<v1::Level> level = core::ParseLevel(value);
  if (!level.ok()) return AsUsageError(level.status());
  return *level;
}

absl::StatusOr<core::Kind> ParseKindFlag(absl::string_view value) {
  absl::StatusOr<core::Kind> kind = core::ParseKind(value);
  if (!kind.ok()) return AsUsageError(kind.status());
  return *kind;
}

absl::StatusOr<std::pair<std::string, int64_t>> ParseMetric(absl::string_view value) {
  size_t eq = value.find('=');
  absl::string_view name = value.substr(0, eq);
  bool name_ok = eq != absl::string_view::npos && !name.empty() &&
                 name.size() <= core::kMaxMetricNameBytes;
  for (char c : name) {
    name_ok = name_ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  }
  int64_t number = 0;
  bool number_ok = name_ok && AllDigits(value.substr(eq + 1)) &&
                   absl::SimpleAtoi(value.substr(eq + 1), &number);
  if (!number_ok) {
    return UsageError(absl::StrCat(
        "invalid metric '", value,
        "': expected NAME=COUNT, NAME of a-z, 0-9 and '_', COUNT a "
        "non-negative integer"));
  }
  return std::make_pair(std::string(name), number);
}

absl::StatusOr<uint32_t> ParseCount(absl::string_view flag, absl::string_view value) {
  uint32_t n = 0;
  if (!AllDigits(value) || !absl::SimpleAtoi(value, &n)) {
    return UsageError(absl::StrCat("invalid --", flag, " '", value,
                                   "': expected a non-negative integer"));
  }
  return n;
}

}  // namespace council::client
