// What applying one record version at a node entails, decided without I/O.
// The store persists the plan in the same atomic batch as the record.
#ifndef COUNCIL_NODE_CORE_APPLY_PLAN_H_
#define COUNCIL_NODE_CORE_APPLY_PLAN_H_

#include <cstdint>
#include <string>

#include "council/v1/record.pb.h"
#include "node/core/routing.h"
#include "node/core/unit_tree.h"
#include "node/core/versioning.h"

namespace council::core {

struct ApplyPlan {
  ApplyDecision decision = ApplyDecision::kApply;
  Route route;           // where the version goes next (only if applied)
  bool receipt = false;  // record a "received" update for this directive
};

// `current_version` is 0 for an unknown record. `from` is the peer it came
// from ("" for local writes and imports). `tree` already includes `r` if it is
// a unit record.
ApplyPlan PlanApply(const v1::Record& r, uint32_t current_version, const NodePlace& place,
                    const UnitTree& tree, const std::string& from);

// The draft of this node's automatic "received" update for `directive`.
v1::Record ReceiptDraft(const v1::Record& directive);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_APPLY_PLAN_H_
