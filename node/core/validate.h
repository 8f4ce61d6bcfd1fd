// Validation of records before they are stored. Every rule lives here so the
// node and the admin client (which checks a whole import file before sending
// anything) apply the same ones.
#ifndef COUNCIL_NODE_CORE_VALIDATE_H_
#define COUNCIL_NODE_CORE_VALIDATE_H_

#include <cstddef>

#include "absl/status/status.h"
#include "council/v1/record.pb.h"

namespace council::core {

inline constexpr size_t kMaxRecordBytes = 1 << 20;       // serialized
inline constexpr size_t kMaxStringBytes = 256 << 10;     // any one string
inline constexpr size_t kMaxTitleBytes = 1000;
inline constexpr int kMaxRepeated = 1000;                // any repeated field
inline constexpr size_t kMaxMetricNameBytes = 64;

// Whether strings still need their UTF-8 check: protobuf's binary parser
// refuses a record whose strings are not UTF-8 (proto3), so a record just
// parsed from the wire (a link batch, an admin call) has had it.
enum class Utf8 { kCheck, kCheckedByParser };

// Checks the body and metadata of `r`: a body is set, strings are UTF-8 and
// within limits, dates and periods parse, references are record ids, kind
// rules hold (a report has a period, a directive a scope and a due date...).
// Ignores the envelope fields a node assigns (id, origin, seq, version, hlc).
// Returns INVALID_ARGUMENT with a message naming the field otherwise.
absl::Status ValidateDraft(const v1::Record& r, Utf8 utf8 = Utf8::kCheck);

// ValidateDraft plus a complete envelope, as for a version received from
// elsewhere: id "<origin>:<n>" with n <= seq, origin a unit id, seq >= 1,
// version >= 1 (version 1 has seq == n), hlc set.
absl::Status ValidateComplete(const v1::Record& r, Utf8 utf8 = Utf8::kCheck);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_VALIDATE_H_
