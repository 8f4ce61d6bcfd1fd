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
  if (colon == absl::string_view::npos ||
      !absl::SimpleAtoi(id.substr(colon + 1), &parts.seq) || parts.seq == 0 ||
      id.substr(colon + 1).front() == '+' ||
      !ValidateUnitId(id.substr(0, colon)).ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid record id '", id, "': expected <unit>:<number>, e.g. 21550:17"));
  }
  parts.origin = std::string(id.substr(0, colon));
  return parts;
}

}  // namespace council::core
