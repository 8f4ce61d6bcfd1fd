#include "node/core/versioning.h"

#include "absl/strings/str_cat.h"
#include "node/core/ids.h"
#include "node/core/kinds.h"
#include "node/core/status_macros.h"

namespace council::core {

ApplyDecision DecideApply(uint32_t current_version, uint32_t incoming_version) {
  if (incoming_version > current_version) return ApplyDecision::kApply;
  if (incoming_version == current_version) return ApplyDecision::kDuplicate;
  return ApplyDecision::kStale;
}

absl::StatusOr<v1::Record> PrepareLocalWrite(const v1::Record& draft,
                                             const v1::Record* current,
                                             const LocalStamp& stamp) {
  v1::Record out = draft;
  out.set_origin(std::string(stamp.origin));
  out.set_seq(stamp.seq);
  out.set_hlc(stamp.hlc);
  if (draft.id().empty()) {
    out.set_id(MakeRecordId(stamp.origin, stamp.seq));
    out.set_version(1);
    return out;
  }
  ASSIGN_OR_RETURN(RecordIdParts parts, ParseRecordId(draft.id()));
  if (parts.origin != stamp.origin) {
    return absl::PermissionDeniedError(absl::StrCat(
        "record ", draft.id(), " belongs to unit ", parts.origin,
        "; only its origin may change it"));
  }
  if (current == nullptr) {
    return absl::NotFoundError(absl::StrCat("no record ", draft.id()));
  }
  if (draft.version() != 0 && draft.version() != current->version()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "record ", draft.id(), " is at version ", current->version(),
        ", not ", draft.version(), "; reload it and retry"));
  }
  if (draft.body_case() != current->body_case()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "record ", draft.id(), " is a ", KindName(*current), "; a new version cannot make it a ",
        KindName(draft)));
  }
  out.set_version(current->version() + 1);
  return out;
}

}  // namespace council::core
