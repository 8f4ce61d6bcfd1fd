// Checks of flag values with the core's rules. Every error is a usage error
// (see args.h) whose message names the bad value.
#ifndef COUNCIL_CLIENT_FLAG_VALUES_H_
#define COUNCIL_CLIENT_FLAG_VALUES_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "council/v1/record.pb.h"
#include "node/core/kinds.h"

namespace council::client {

// `field` names the date in the message: "invalid due date '2024-13-01': ...".
absl::Status CheckDate(absl::string_view field, absl::string_view value);
absl::Status CheckPeriod(absl::string_view value);
absl::Status CheckUnitId(absl::string_view what, absl::string_view value);
absl::Status CheckRecordId(absl::string_view value);
absl::StatusOr<v1::Level> ParseLevelFlag(absl::string_view value);
absl::StatusOr<core::Kind> ParseKindFlag(absl::string_view value);

// "NAME=INT": NAME of [a-z0-9_]+ (at most core::kMaxMetricNameBytes), INT a
// non-negative int64 written in decimal digits.
absl::StatusOr<std::pair<std::string, int64_t>> ParseMetric(absl::string_view value);

// A non-negative decimal integer that fits in uint32 (`flag` names it).
absl::StatusOr<uint32_t> ParseCount(absl::string_view flag, absl::string_view value);

}  // namespace council::client

#endif  // COUNCIL_CLIENT_FLAG_VALUES_H_
