#include "node/core/reorganise.h"

#include "absl/strings/str_cat.h"
#include "node/core/status_macros.h"

namespace council::core {
namespace {

absl::Status CheckPlacementOf(const UnitTree& tree, const std::string& self, const std::string& unit,
                         const std::string& dest) {
  if (tree.Find(unit) == nullptr) return absl::NotFoundError(absl::StrCat("unknown unit ", unit));
  if (tree.Find(dest) == nullptr) return absl::NotFoundError(absl::StrCat("unknown unit ", dest));
  if (unit == self || !tree.InSubtree(unit, self)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", unit, " is not below this node (", self,
        "): reorganise from a node that is an ancestor of both units"));
  }
  if (!tree.InSubtree(dest, self)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", dest, " is not this node (", self, ") or below it: reorganise from a common ancestor"));
  }
  if (tree.InSubtree(dest, unit)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unit ", dest, " lies inside ", unit, "'s subtree: that would make a cycle"));
  }
  if (tree.Merged(unit)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unit ", unit, " was already merged into ", tree.Find(unit)->merged_into()));
  }
  if (tree.Merged(dest)) {
    return absl::InvalidArgumentError(absl::StrCat("unit ", dest, " was merged into ",
                                                   tree.Find(dest)->merged_into(), "; use that unit"));
  }
  return absl::OkStatus();
}

v1::Record Placing(const UnitTree& tree, const std::string& unit, const std::string& parent,
                   const std::string& merged_into) {
  const v1::Unit& known = *tree.Find(unit);
  v1::Record d;
  v1::Unit* u = d.mutable_unit();
  u->set_id(unit);
  u->set_level(known.level());
  u->set_name(known.name());
  u->set_parent(parent);
  u->set_reorganisation(true);
  u->set_merged_into(merged_into);
  d.mutable_doc()->set_title(merged_into.empty()
                                 ? absl::StrCat("Điều chỉnh: ", known.name(), " trực thuộc ", parent)
                                 : absl::StrCat("Sáp nhập ", known.name(), " vào ", merged_into));
  return d;
}

}  // namespace

absl::Status CheckPlacement(const UnitTree& tree, const std::string& self, const std::string& unit,
                            const std::string& dest) {
  return CheckPlacementOf(tree, self, unit, dest);
}

absl::StatusOr<std::vector<v1::Record>> MoveDrafts(const UnitTree& tree, const std::string& self,
                                                   const std::string& unit, const std::string& to) {
  RETURN_IF_ERROR(CheckPlacementOf(tree, self, unit, to));
  if (tree.ParentOf(unit) == to) {
    return absl::InvalidArgumentError(absl::StrCat("unit ", unit, " is already under ", to));
  }
  return std::vector<v1::Record>{Placing(tree, unit, to, "")};
}

absl::StatusOr<std::vector<v1::Record>> MergeDrafts(const UnitTree& tree, const std::string& self,
                                                    const std::string& unit, const std::string& into) {
  RETURN_IF_ERROR(CheckPlacementOf(tree, self, unit, into));
  std::vector<v1::Record> drafts;
  for (const std::string& child : tree.ChildrenOf(unit)) {
    if (!tree.Merged(child)) drafts.push_back(Placing(tree, child, into, ""));
  }
  drafts.push_back(Placing(tree, unit, into, into));
  return drafts;
}

absl::StatusOr<std::vector<v1::Record>> DissolveDrafts(const UnitTree& tree, const std::string& self,
                                                       const std::string& unit) {
  std::string parent = tree.ParentOf(unit);
  if (tree.Find(unit) == nullptr) return absl::NotFoundError(absl::StrCat("unknown unit ", unit));
  if (parent.empty()) return absl::InvalidArgumentError(absl::StrCat("unit ", unit, " has no parent"));
  return MergeDrafts(tree, self, unit, parent);
}

}  // namespace council::core
