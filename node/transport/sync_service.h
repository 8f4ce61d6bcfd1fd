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
  // `node` must outlive the service.
  explicit SyncService(app::NodeService* node) : node_(node) {}

  // Accepts a child whose Hello names this node as its parent. A newer link
  // from the same child replaces the older one.
  grpc::Status Link(grpc::ServerContext* ctx,
                    grpc::ServerReaderWriter<v1::LinkMessage, v1::LinkMessage>* stream) override;

  // Ends every open link (before the server shuts down).
  void StopAll();

 private:
  app::NodeService* node_;
  std::mutex mu_;
  std::map<std::string, LinkSession*> sessions_;  // guarded by mu_
  bool stopping_ = false;                         // guarded by mu_
};

}  // namespace council::transport

#endif  // COUNCIL_NODE_TRANSPORT_SYNC_SERVICE_H_
