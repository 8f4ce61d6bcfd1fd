// Unit ids and record ids.
//
//   unit id:   1-32 chars of [A-Za-z0-9_-], e.g. "51" (Quảng Ngãi), "522",
//              "21550" — the official administrative code is the natural choice.
//   record id: "<origin>:<n>", n the origin sequence of the first version,
//              e.g. "21550:17". Unique without coordination; names its origin.
#ifndef COUNCIL_NODE_CORE_IDS_H_
#define COUNCIL_NODE_CORE_IDS_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace council::core {

// OK, or INVALID_ARGUMENT naming `what` and the rule broken.
absl::Status ValidateUnitId(absl::string_view id, absl::string_view what = "unit id");

std::string MakeRecordId(absl::string_view origin, uint64_t seq);

struct RecordIdParts {
  std::string origin;
  uint64_t seq = 0;
};
// INVALID_ARGUMENT if `id` is not "<unit id>:<positive integer>".
absl::StatusOr<RecordIdParts> ParseRecordId(absl::string_view id);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_IDS_H_
