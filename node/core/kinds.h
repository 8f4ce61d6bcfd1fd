// Record kinds: the body case of a Record, by name.
#ifndef COUNCIL_NODE_CORE_KINDS_H_
#define COUNCIL_NODE_CORE_KINDS_H_

#include <span>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "council/v1/record.pb.h"

namespace council::core {

using Kind = v1::Record::BodyCase;

// "report", "conclusion", "directive", "directive_update", "petition",
// "petition_answer", "unit"; "" for a record without a body.
std::string KindName(Kind kind);
inline std::string KindName(const v1::Record& r) { return KindName(r.body_case()); }

// The period a report or conclusion covers (the period index's key); ""
// for the other kinds.
const std::string& PeriodOf(const v1::Record& r);

// Inverse of KindName; INVALID_ARGUMENT listing the kinds otherwise.
absl::StatusOr<Kind> ParseKind(absl::string_view name);

// Every kind, in a fixed order.
std::span<const Kind> AllKinds();

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_KINDS_H_
