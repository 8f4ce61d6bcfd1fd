// What two nodes exchange when a link is set up, before the session runs:
// the hellos, and the parent's return of a child's own log (sync.proto,
// "Recovery").
#ifndef COUNCIL_NODE_TRANSPORT_LINK_SETUP_H_
#define COUNCIL_NODE_TRANSPORT_LINK_SETUP_H_

#include <cstdint>
#include <string>

#include "council/v1/sync.pb.h"
#include "node/app/node_service.h"
#include "node/transport/link_session.h"

namespace council::transport {

// This node's Hello to `peer`: identity, both cursors for that link, and how
// far it holds its own and the peer's origin.
v1::LinkMessage HelloFor(app::NodeService& node, const std::string& peer);

// Parent end, right after answering a child's hello (sync.proto,
// "Recovery"): writes to `stream` the versions of the child's own origin this
// node holds beyond `child_own_seq`, in sequence order, as own_log batches.
// False if the stream broke.
bool SendOwnLog(app::NodeService& node, const std::string& child, uint64_t child_own_seq,
                MessageStream& stream);

}  // namespace council::transport

#endif  // COUNCIL_NODE_TRANSPORT_LINK_SETUP_H_
