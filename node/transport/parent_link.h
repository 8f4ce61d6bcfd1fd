// The child's end of council.v1.Sync: dials the parent and keeps one link
// open, reconnecting after any failure with capped, jittered exponential
// backoff, forever, until Stop().
#ifndef COUNCIL_NODE_TRANSPORT_PARENT_LINK_H_
#define COUNCIL_NODE_TRANSPORT_PARENT_LINK_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "grpcpp/client_context.h"
#include "grpcpp/security/credentials.h"
#include "node/app/node_service.h"
#include "node/core/backoff.h"

namespace council::transport {

class LinkSession;

class ParentLink {
 public:
  // `node` must outlive this object. REQUIRES: node's identity names a parent.
  // Dials `address` with `credentials`; with `bind_units` (mutual TLS) the
  // parent's certificate must name the parent unit, or the link is refused
  // (logged as link_refused, counted as refused "certificate") and redialled
  // later like any failure.
  // With `gzip`, the link's messages are compressed both ways (Hello.gzip).
  ParentLink(app::NodeService* node, std::string address,
             std::shared_ptr<grpc::ChannelCredentials> credentials, bool bind_units,
             bool gzip = false);
  ~ParentLink();  // Stop()s

  void Start();
  void Stop();

 private:
  void Loop();
  // One connection: returns true if the hellos were exchanged.
  bool RunOnce(std::string* why);

  app::NodeService* node_;
  const std::string address_;
  const std::shared_ptr<grpc::ChannelCredentials> credentials_;
  const bool bind_units_;
  const bool gzip_;
  core::BackoffPolicy policy_;
  std::mt19937_64 rng_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;                       // guarded by mu_
  grpc::ClientContext* active_ctx_ = nullptr;  // guarded by mu_
  LinkSession* active_session_ = nullptr;      // guarded by mu_
  std::thread thread_;
};

}  // namespace council::transport

#endif  // COUNCIL_NODE_TRANSPORT_PARENT_LINK_H_
