#include "node/core/authorize.h"

#include "absl/strings/str_cat.h"

namespace council::core {

absl::Status AuthorizeArrival(const v1::Record& r, const NodePlace& place, const UnitTree& tree,
                              const std::string& from) {
  if (from.empty()) return absl::OkStatus();
  if (from == place.parent) {
    if (tree.InSubtree(place.self, r.origin()) || AddressesSubtree(r, place.self, tree)) {
      return absl::OkStatus();
    }
    return absl::PermissionDeniedError(absl::StrCat(
        "record ", r.id(), " from parent ", from, ": origin ", r.origin(),
        " is not an ancestor and the record does not address this subtree"));
  }
  if (tree.InSubtree(r.origin(), from)) return absl::OkStatus();
  bool introduces_itself = r.has_unit() && r.unit().id() == r.origin() &&
                           !r.unit().parent().empty() && tree.InSubtree(r.unit().parent(), from);
  if (introduces_itself) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat("record ", r.id(), " from child ", from,
                                                  ": origin ", r.origin(),
                                                  " is not in that child's subtree"));
}

}  // namespace council::core
