// The single-writer rule and version ordering, as pure decisions.
#ifndef COUNCIL_NODE_CORE_VERSIONING_H_
#define COUNCIL_NODE_CORE_VERSIONING_H_

#include <cstdint>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "council/v1/record.pb.h"

namespace council::core {

enum class ApplyDecision {
  kApply,      // newer than what is stored: store it
  kDuplicate,  // this version is already stored: change nothing
  kStale,      // older than what is stored: change nothing
  kRejected,   // not acceptable from where it came: change nothing
};

// `current_version` is 0 when the record is unknown.
ApplyDecision DecideApply(uint32_t current_version, uint32_t incoming_version);

// What the node assigns to a local write.
struct LocalStamp {
  absl::string_view origin;  // this node's unit
  uint64_t seq = 0;         // the origin's next sequence
  uint64_t hlc = 0;
};

// Turns a client's draft into the version to store.
// - draft.id empty: a new record "<origin>:<seq>", version 1.
// - draft.id set: the next version of `current` (which the caller looked up;
//   nullptr if unknown). If draft.version is set it must equal the stored one.
// Errors (nothing is to be stored):
//   INVALID_ARGUMENT    bad id, or the draft changes the record's kind
//   PERMISSION_DENIED   the id belongs to another origin
//   NOT_FOUND           draft.id set but no such record
//   FAILED_PRECONDITION draft.version is not the current version
// REQUIRES: ValidateDraft(draft) is OK.
absl::StatusOr<v1::Record> PrepareLocalWrite(const v1::Record& draft,
                                             const v1::Record* current,
                                             const LocalStamp& stamp);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_VERSIONING_H_
