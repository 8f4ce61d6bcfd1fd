// Sneakernet bundles at a node (node/core/bundle.h encodes and checks them):
// exporting this node's outbox for a peer, and importing a peer's outbox for
// this node exactly as a link batch would be applied.
#ifndef COUNCIL_NODE_APP_BUNDLES_H_
#define COUNCIL_NODE_APP_BUNDLES_H_

#include <cstddef>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "council/v1/admin.pb.h"
#include "node/app/node_service.h"
#include "node/core/bundle.h"

namespace council::app {

// The largest piece ExportBundle emits.
inline constexpr size_t kBundleChunkBytes = 1 << 20;

// Encodes this node's outbox for `peer` ("" for the parent), from the first
// position the peer has not acknowledged through the head, sealed with the
// node's key, and calls `emit` with successive pieces of the file; `emit`
// returns false to stop (CANCELLED). FAILED_PRECONDITION if `peer` is
// neither the parent nor a child, or has acknowledged the whole outbox.
absl::Status ExportBundle(NodeService& node, const std::string& peer,
                          const std::function<bool(std::string piece)>& emit);

// Checks `bundle` (core::CheckBundleSender) and its first position against
// the inbound cursor for its sender, then applies the positions past the
// cursor in WriteRequests of at most 4096 records with `from` = the sender
// and `inbound_cursor` = each slice's last position, through
// NodeService::Commit. Records refused are counted on the sender's link as
// a link counts them. FAILED_PRECONDITION naming the missing positions if
// the bundle starts past the cursor + 1; nothing is applied on any refusal.
absl::StatusOr<v1::BundleImportReply> ImportBundle(NodeService& node, const core::Bundle& bundle);

}  // namespace council::app

#endif  // COUNCIL_NODE_APP_BUNDLES_H_
