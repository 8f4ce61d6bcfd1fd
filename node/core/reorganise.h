// Reorganisation of the council tree (issue 8; in 2025 Vietnam removed the
// district level and merged communes). An operator at a common ancestor
// moves a unit under a new parent, merges a unit into another, or dissolves
// a unit (a level): each is one or more unit records of the operator's node
// with unit.reorganisation set (core/unit_tree.h says how they place units).
// History is untouched: every record keeps its origin.
#ifndef COUNCIL_NODE_CORE_REORGANISE_H_
#define COUNCIL_NODE_CORE_REORGANISE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "council/v1/record.pb.h"
#include "node/core/unit_tree.h"

namespace council::core {

// OK iff this node (`self`) may place `unit` under `dest`: `unit` lies
// strictly below `self`, `dest` is `self` or below it and not inside
// `unit`'s subtree, and neither was merged. INVALID_ARGUMENT / NOT_FOUND
// naming the problem otherwise.
absl::Status CheckPlacement(const UnitTree& tree, const std::string& self, const std::string& unit,
                            const std::string& dest);

// Drafts, for the node of unit `self`:
// - MoveDrafts: `unit` goes under `to`.
// - MergeDrafts: `unit`'s children go under `into`, and `unit` is merged into
//   `into` (it sits under it, keeps its history, takes no new directives).
// - DissolveDrafts: MergeDrafts into the unit's own parent — a level removed.
// INVALID_ARGUMENT / NOT_FOUND naming the problem unless `unit` lies strictly
// below `self`, the destination is `self` or below it, the destination is
// not `unit` or inside its subtree, and `unit` is not already merged.
absl::StatusOr<std::vector<v1::Record>> MoveDrafts(const UnitTree& tree, const std::string& self,
                                                   const std::string& unit, const std::string& to);
absl::StatusOr<std::vector<v1::Record>> MergeDrafts(const UnitTree& tree, const std::string& self,
                                                    const std::string& unit, const std::string& into);
absl::StatusOr<std::vector<v1::Record>> DissolveDrafts(const UnitTree& tree, const std::string& self,
                                                       const std::string& unit);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_REORGANISE_H_
