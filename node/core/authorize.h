// Who may deliver what over a link (DESIGN.md property 6).
//
// From a child, only records whose origin lies in that child's subtree (or a
// new unit introducing itself below the child). From the parent, only records
// whose origin is this node or one of its ancestors, or that address this
// node's subtree. Local writes and imports ("" peer) are not link traffic.
#ifndef COUNCIL_NODE_CORE_AUTHORIZE_H_
#define COUNCIL_NODE_CORE_AUTHORIZE_H_

#include <string>

#include "absl/status/status.h"
#include "council/v1/record.pb.h"
#include "node/core/routing.h"
#include "node/core/unit_tree.h"

namespace council::core {

// OK, or PERMISSION_DENIED saying why `r` may not arrive from `from`.
absl::Status AuthorizeArrival(const v1::Record& r, const NodePlace& place, const UnitTree& tree,
                              const std::string& from);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_AUTHORIZE_H_
