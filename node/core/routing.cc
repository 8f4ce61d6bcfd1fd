#include "node/core/routing.h"

#include <algorithm>

#include "node/core/ids.h"
#include "node/core/levels.h"

namespace council::core {
namespace {

// Scope root of a level-scoped directive: `under`, or the issuer.
const std::string& LevelScopeRoot(const v1::Record& r) {
  const v1::DirectiveScope& s = r.directive().scope();
  return s.under().empty() ? r.origin() : s.under();
}

bool DirectiveReaches(const v1::Record& r, const std::string& child, const UnitTree& tree) {
  const v1::DirectiveScope& s = r.directive().scope();
  switch (s.kind()) {
    case v1::SCOPE_UNITS:
      return std::any_of(s.units().begin(), s.units().end(),
                         [&](const std::string& t) { return tree.InSubtree(t, child); });
    case v1::SCOPE_LEVEL: {
      const std::string& root = LevelScopeRoot(r);
      int target = LevelRank(s.level());
      if (tree.InSubtree(child, root) && child != root) {
        // A unit at or above the target level may have targets below it.
        v1::Level level = tree.LevelOf(child);
        return level == v1::LEVEL_UNSPECIFIED || LevelRank(level) <= target;
      }
      // The child is the scope's root, or on the path down to it.
      return tree.InSubtree(root, child) && LevelRank(tree.LevelOf(root)) < target;
    }
    case v1::SCOPE_SUBTREE:
      return tree.InSubtree(child, r.origin()) && child != r.origin();
    default:
      return false;
  }
}

}  // namespace

bool AddressesSubtree(const v1::Record& r, const std::string& child, const UnitTree& tree) {
  switch (r.body_case()) {
    case v1::Record::kDirective:
      return DirectiveReaches(r, child, tree);
    case v1::Record::kPetitionAnswer: {
      absl::StatusOr<RecordIdParts> p = ParseRecordId(r.petition_answer().petition_id());
      return p.ok() && tree.InSubtree(p->origin, child);
    }
    case v1::Record::kUnit:
      // Down the path to the unit it describes, and to everyone below it, so
      // every node knows its own ancestors.
      return r.unit().id() != child &&
             (tree.InSubtree(r.unit().id(), child) || tree.InSubtree(child, r.unit().id()));
    default:
      return false;
  }
}

bool IsDirectiveTarget(const v1::Record& r, const std::string& unit, const UnitTree& tree) {
  if (!r.has_directive() || unit == r.origin() || tree.Merged(unit)) return false;
  const v1::DirectiveScope& s = r.directive().scope();
  switch (s.kind()) {
    case v1::SCOPE_UNITS:
      return std::find(s.units().begin(), s.units().end(), unit) != s.units().end();
    case v1::SCOPE_LEVEL:
      return tree.LevelOf(unit) == s.level() && unit != LevelScopeRoot(r) &&
             tree.InSubtree(unit, LevelScopeRoot(r));
    case v1::SCOPE_SUBTREE:
      return tree.InSubtree(unit, r.origin());
    default:
      return false;
  }
}

std::vector<std::string> DirectiveTargets(const v1::Record& r, const UnitTree& tree) {
  std::vector<std::string> out;
  for (const auto& [id, unit] : tree.units()) {
    if (IsDirectiveTarget(r, id, tree)) out.push_back(id);
  }
  if (r.has_directive() && r.directive().scope().kind() == v1::SCOPE_UNITS) {
    for (const std::string& u : r.directive().scope().units()) {  // named, maybe not yet known
      if (tree.Find(u) == nullptr && u != r.origin()) out.push_back(u);
    }
    std::sort(out.begin(), out.end());
  }
  return out;
}

Route RouteRecord(const v1::Record& r, const NodePlace& place, const UnitTree& tree,
                  const std::string& from) {
  Route route;
  route.up = !place.parent.empty() && from != place.parent;
  if (!r.has_directive() && !r.has_petition_answer() && !r.has_unit()) return route;
  for (const std::string& child : tree.ChildrenOf(place.self)) {
    if (child != from && AddressesSubtree(r, child, tree)) route.children.push_back(child);
  }
  return route;
}

}  // namespace council::core
