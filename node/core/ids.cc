#include "node/core/ids.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace council::core {

constexpr size_t kMaxUnitIdLength = 32;

absl::Status ValidateUnitId(absl::string_view id, absl::string_view what) {
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat(what, " is empty"));
  if (id.size() > kMaxUnitIdLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " '", id, "' is longer than 32 characters"));
  }
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          what, " '", id, "' may hold only letters A-Z, digits, '_' and '-'"));
    }
  }
  return absl::OkStatus();
}

std::string MakeRecordId(absl::string_view origin, uint64_t seq) {
  return absl::StrCat(origin, ":", seq);
}

absl::StatusOr<RecordIdParts> ParseRecordId(absl::string_view id) {
  size_t colon = id.rfind(':');
  RecordIdParts parts;
  absl::string_view digits = colon == absl::string_view::npos ? "" : id.substr(colon + 1);
  // Canonical spelling only: one id, one string (no sign, spaces or leading zeros).
  bool canonical = !digits.empty() && digits.size() <= 20 && digits.front() != '0' &&
                   digits.find_first_not_of("0123456789") == absl::string_view::npos;
  if (!canonical || !absl::SimpleAtoi(digits, &parts.seq) ||
      !ValidateUnitId(id.substr(0, colon)).ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid record id '", id, "': expected <unit>:<number>, e.g. 21550:17"));
  }
  parts.origin = std::string(id.substr(0, colon));
  return parts;
}

}  // namespace council::core
