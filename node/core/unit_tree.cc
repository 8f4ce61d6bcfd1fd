#include "node/core/unit_tree.h"

namespace council::core {

bool UnitTree::Upsert(const v1::Record& r) {
  if (!r.has_unit()) return false;
  const v1::Unit& u = r.unit();
  Source incoming{r.origin() == u.id(), r.hlc()};
  auto src = sources_.find(u.id());
  if (src != sources_.end()) {
    const Source& have = src->second;
    bool newer = incoming.own != have.own ? incoming.own : incoming.hlc >= have.hlc;
    if (!newer) return false;
  }
  sources_[u.id()] = incoming;
  auto it = units_.find(u.id());
  bool changed = it == units_.end() || it->second.SerializeAsString() != u.SerializeAsString();
  units_[u.id()] = u;
  return changed;
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
