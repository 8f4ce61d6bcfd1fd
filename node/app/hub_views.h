// The hub's views (consolidate, missing, track, petitions, search) over the
// store's derived tables; any node answers them for its own subtree.
// Thread-safe. See proto/council/v1/hub.proto for the rules.
#ifndef COUNCIL_NODE_APP_HUB_VIEWS_H_
#define COUNCIL_NODE_APP_HUB_VIEWS_H_

#include "absl/status/statusor.h"
#include "council/v1/hub.pb.h"
#include "node/app/node_service.h"

namespace council::app {

// Errors: INVALID_ARGUMENT for a bad period, kind or empty search;
// NOT_FOUND for an unknown unit or directive.
absl::StatusOr<v1::ConsolidateReply> Consolidate(NodeService& node, const v1::ConsolidateRequest& req);
absl::StatusOr<v1::MissingReply> Missing(NodeService& node, const v1::MissingRequest& req);
absl::StatusOr<v1::TrackReply> Track(NodeService& node, const v1::TrackRequest& req);
absl::StatusOr<v1::PetitionsReply> Petitions(NodeService& node, const v1::PetitionsRequest& req);
absl::StatusOr<v1::SearchReply> Search(NodeService& node, const v1::SearchRequest& req);

}  // namespace council::app

#endif  // COUNCIL_NODE_APP_HUB_VIEWS_H_
