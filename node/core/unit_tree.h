// The council tree as this node knows it, built from unit records.
//
// Several records may describe one unit: its own (origin == unit id) and
// registrations made ahead of time by an ancestor. The unit's own record wins;
// among registrations the latest (by HLC) wins. A reorganisation (a record by
// an ancestor with unit.reorganisation set; the latest by HLC) places the
// unit: its parent wins over the other records' while it is newer than them,
// and its merged_into always.
//
// Not thread-safe; the owner serializes.
#ifndef COUNCIL_NODE_CORE_UNIT_TREE_H_
#define COUNCIL_NODE_CORE_UNIT_TREE_H_

#include <map>
#include <string>
#include <vector>

#include "council/v1/record.pb.h"

namespace council::core {

class UnitTree {
 public:
  // Takes the unit described by `r` (a unit record) into account.
  // Returns true if the tree changed.
  bool Upsert(const v1::Record& r);

  const v1::Unit* Find(const std::string& unit) const;
  std::string ParentOf(const std::string& unit) const;  // "" if unknown / root
  v1::Level LevelOf(const std::string& unit) const;     // UNSPECIFIED if unknown
  // The signing key set by the unit's own record; "" if that record is not
  // known (a registration by another unit never sets it).
  std::string KeyOf(const std::string& unit) const;

  // True iff `unit` == `root` or `root` is an ancestor of `unit`. Cycles and
  // chains deeper than kMaxDepth end the walk (false).
  bool InSubtree(const std::string& unit, const std::string& root) const;

  // Known ancestors of `unit` (0 for a root or an unknown unit).
  int Depth(const std::string& unit) const;

  // The child of `ancestor` on the path down to `unit`, or "" if `unit` is not
  // known to lie strictly below `ancestor`.
  std::string ChildTowards(const std::string& ancestor, const std::string& unit) const;

  // True iff `unit` was merged into another (unit.merged_into).
  bool Merged(const std::string& unit) const;

  // The units whose known parent is `unit`, in id order.
  std::vector<std::string> ChildrenOf(const std::string& unit) const;
  // Every known unit, in id order.
  const std::map<std::string, v1::Unit>& units() const { return units_; }

  static constexpr int kMaxDepth = 16;

 private:
  struct Source {
    bool own = false;
    uint64_t hlc = 0;
  };
  struct Placement {
    std::string parent;
    std::string merged_into;
    uint64_t hlc = 0;
    v1::Unit unit;  // the whole record, for a unit known only from it
  };
  // The unit as its records say, from bases_, sources_ and placements_.
  v1::Unit Effective(const std::string& unit) const;
  std::map<std::string, v1::Unit> units_;  // effective
  std::map<std::string, v1::Unit> bases_;  // own record, else latest registration
  std::map<std::string, Source> sources_;
  std::map<std::string, Placement> placements_;  // latest reorganisation
};

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_UNIT_TREE_H_
