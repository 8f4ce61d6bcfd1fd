// Text, date and period rules shared by every record kind.
#ifndef COUNCIL_NODE_CORE_TEXT_H_
#define COUNCIL_NODE_CORE_TEXT_H_

#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace council::core {

// True iff `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(absl::string_view s);

// OK, or INVALID_ARGUMENT "<field> is not valid UTF-8" /
// "<field> is longer than <max> bytes".
absl::Status ValidateText(absl::string_view field, absl::string_view value,
                          size_t max_bytes);

// A calendar date "YYYY-MM-DD" (years 1900-2999). INVALID_ARGUMENT names
// `field` and the value.
absl::Status ValidateDate(absl::string_view field, absl::string_view value);

// Report periods (see DOCUMENTATION in record.proto):
//   "2023"        the year
//   "2023-H1"     half year (H1, H2)
//   "2023-Q3"     quarter (Q1..Q4)
//   "2023-M08"    one month (M01..M12)
//   "2023-YTD08"  the first n months of the year (YTD01..YTD12)
absl::Status ValidatePeriod(absl::string_view value);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_TEXT_H_
