#include "node/core/unit_tree.h"

namespace council::core {

bool UnitTree::Upsert(const v1::Record& r) {
  if (!r.has_unit()) return false;
  const v1::Unit& u = r.unit();
  const bool own = r.origin() == u.id();
  if (!own && u.reorganisation()) {
    // Only an ancestor may place a unit; anything else is kept but inert.
    if (!InSubtree(u.id(), r.origin())) return false;
    auto p = placements_.find(u.id());
    if (p != placements_.end() && p->second.hlc > r.hlc()) return false;
    placements_[u.id()] = {u.parent(), u.merged_into(), r.hlc(), u};
  } else {
    Source incoming{own, r.hlc()};
    auto src = sources_.find(u.id());
    if (src != sources_.end()) {
      const Source& have = src->second;
      bool newer = incoming.own != have.own ? incoming.own : incoming.hlc >= have.hlc;
      if (!newer) return false;
    }
    sources_[u.id()] = incoming;
    bases_[u.id()] = u;
  }
  v1::Unit effective = Effective(u.id());
  auto it = units_.find(u.id());
  bool changed = it == units_.end() || it->second.SerializeAsString() != effective.SerializeAsString();
  units_[u.id()] = std::move(effective);
  return changed;
}

v1::Unit UnitTree::Effective(const std::string& unit) const {
  auto base = bases_.find(unit);
  auto p = placements_.find(unit);
  if (p == placements_.end()) return base->second;
  v1::Unit u = base != bases_.end() ? base->second : p->second.unit;
  if (base == bases_.end() || p->second.hlc > sources_.at(unit).hlc) u.set_parent(p->second.parent);
  u.set_merged_into(p->second.merged_into);
  u.clear_reorganisation();
  return u;
}

bool UnitTree::Merged(const std::string& unit) const {
  const v1::Unit* u = Find(unit);
  return u != nullptr && !u->merged_into().empty();
}

const v1::Unit* UnitTree::Find(const std::string& unit) const {
  auto it = units_.find(unit);
  return it == units_.end() ? nullptr : &it->second;
}

std::string UnitTree::ParentOf(const std::string& unit) const {
  const v1::Unit* u = Find(unit);
  return u ? u->parent() : "";
}

v1::Level UnitTree::LevelOf(const std::string& unit) const {
  const v1::Unit* u = Find(unit);
  return u ? u->level() : v1::LEVEL_UNSPECIFIED;
}

std::string UnitTree::KeyOf(const std::string& unit) const {
  auto src = sources_.find(unit);
  if (src == sources_.end() || !src->second.own) return "";
  return Find(unit)->public_key();
}

bool UnitTree::InSubtree(const std::string& unit, const std::string& root) const {
  std::string at = unit;
  for (int depth = 0; depth <= kMaxDepth && !at.empty(); ++depth) {
    if (at == root) return true;
    at = ParentOf(at);
  }
  return false;
}

int UnitTree::Depth(const std::string& unit) const {
  int depth = 0;
  for (std::string at = ParentOf(unit); !at.empty() && depth < kMaxDepth; at = ParentOf(at)) ++depth;
  return depth;
}

std::string UnitTree::ChildTowards(const std::string& ancestor, const std::string& unit) const {
  std::string at = unit;
  for (int depth = 0; depth <= kMaxDepth && !at.empty() && at != ancestor; ++depth) {
    std::string parent = ParentOf(at);
    if (parent == ancestor) return at;
    at = parent;
  }
  return "";
}

std::vector<std::string> UnitTree::ChildrenOf(const std::string& unit) const {
  std::vector<std::string> out;
  for (const auto& [id, u] : units_) {
    if (u.parent() == unit && id != unit) out.push_back(id);
  }
  return out;
}

}  // namespace council::core
