// The parent's end of council.v1.Sync: accepts children's links.
#ifndef COUNCIL_NODE_TRANSPORT_SYNC_SERVICE_H_
#define COUNCIL_NODE_TRANSPORT_SYNC_SERVICE_H_

#include <map>
#include <mutex>
#include <string>

#include "council/v1/sync.grpc.pb.h"
#include "node/app/node_service.h"

namespace council::transport {

class LinkSession;

class SyncService final : public v1::Sync::Service {
 public:
  // `node` must outlive the service. With `bind_units` (mutual TLS), a
  // child's certificate must name the unit of its Hello.
  SyncService(app::NodeService* node, bool bind_units) : node_(node), bind_units_(bind_units) {}

  // Accepts a child whose Hello names this node as its parent (and, with
  // bind_units, whose certificate names exactly the unit of its Hello: else
  // PERMISSION_DENIED, logged as link_refused and counted in the status of
  // that unit's link as refused "certificate"). A newer link from the same
  // child replaces the older one.
  grpc::Status Link(grpc::ServerContext* ctx,
                    grpc::ServerReaderWriter<v1::LinkMessage, v1::LinkMessage>* stream) override;

  // Ends every open link (before the server shuts down).
  void StopAll();

 private:
  app::NodeService* node_;
  const bool bind_units_;
  std::mutex mu_;
  std::map<std::string, LinkSession*> sessions_;  // guarded by mu_
  bool stopping_ = false;                         // guarded by mu_
};

}  // namespace council::transport

#endif  // COUNCIL_NODE_TRANSPORT_SYNC_SERVICE_H_
