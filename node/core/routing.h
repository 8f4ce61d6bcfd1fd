// Where a record goes from this node (DESIGN.md property 3).
//
// Up is total: every record that did not come from the parent goes up.
// Down is addressed: towards a child only if the record addresses a unit in
// that child's subtree —
//   directive         its scope (named units / a level under a unit / the
//                     issuer's subtree)
//   petition answer   the unit where the petition was recorded
//   unit record       the unit it describes (so the path to it knows it),
//                     and every unit below it (so each node knows its ancestors)
// Everything else (reports, conclusions, petitions, directive updates) only
// goes up. Nothing is sent back to the link it came from.
#ifndef COUNCIL_NODE_CORE_ROUTING_H_
#define COUNCIL_NODE_CORE_ROUTING_H_

#include <string>
#include <vector>

#include "council/v1/record.pb.h"
#include "node/core/unit_tree.h"

namespace council::core {

struct NodePlace {
  std::string self;    // this node's unit
  std::string parent;  // "" at the root
};

struct Route {
  bool up = false;
  std::vector<std::string> children;  // in id order
};

// `from` is the unit of the link the record arrived on ("" for a local write
// or an import). Children are those the tree knows under `place.self`.
Route RouteRecord(const v1::Record& r, const NodePlace& place, const UnitTree& tree,
                  const std::string& from);

// True iff the record addresses some unit in the subtree rooted at `child`.
bool AddressesSubtree(const v1::Record& r, const std::string& child, const UnitTree& tree);

// Every known unit the directive `r` addresses, in id order.
std::vector<std::string> DirectiveTargets(const v1::Record& r, const UnitTree& tree);

// True iff the directive `r` addresses `unit` itself.
bool IsDirectiveTarget(const v1::Record& r, const std::string& unit, const UnitTree& tree);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_ROUTING_H_
