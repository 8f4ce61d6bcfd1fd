#include "node/transport/sync_service.h"

#include "absl/strings/str_cat.h"
#include "node/app/log.h"
#include "node/core/ids.h"
#include "node/transport/link_session.h"
#include "node/transport/link_setup.h"
#include "node/transport/tls.h"

namespace council::transport {
namespace {

class ServerStream : public MessageStream {
 public:
  ServerStream(grpc::ServerContext* ctx,
               grpc::ServerReaderWriter<v1::LinkMessage, v1::LinkMessage>* stream)
      : ctx_(ctx), stream_(stream) {}
  bool Read(v1::LinkMessage* msg) override { return stream_->Read(msg); }
  bool Write(const v1::LinkMessage& msg) override { return stream_->Write(msg); }
  void Cancel() override { ctx_->TryCancel(); }

 private:
  grpc::ServerContext* ctx_;
  grpc::ServerReaderWriter<v1::LinkMessage, v1::LinkMessage>* stream_;
};

}  // namespace

grpc::Status SyncService::Link(grpc::ServerContext* ctx,
                               grpc::ServerReaderWriter<v1::LinkMessage, v1::LinkMessage>* stream) {
  v1::LinkMessage first;
  if (!stream->Read(&first) || !first.has_hello()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "a link starts with Hello");
  }
  const v1::Hello& hello = first.hello();
  const std::string& self = node_->identity().unit();
  if (hello.protocol() != 1) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        absl::StrCat("unsupported protocol ", hello.protocol(), "; this node speaks 1"));
  }
  if (!core::ValidateUnitId(hello.unit()).ok() || hello.unit() == self) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, absl::StrCat("bad unit '", hello.unit(), "'"));
  }
  if (bind_units_) {
    // The link speaks for the unit its certificate names, and no other.
    absl::StatusOr<std::string> named = PeerUnit(*ctx->auth_context());
    if (!named.ok() || *named != hello.unit()) {
      std::string why = named.ok() ? absl::StrCat("certificate names unit ", *named,
                                                  ", but the hello claims unit ", hello.unit())
                                   : std::string(named.status().message());
      node_->links().RefusedLink(hello.unit(), "child", "certificate", why);
      app::Log("warn", "link_refused", {{"peer", hello.unit()},
                                        {"cert_unit", named.ok() ? *named : ""},
                                        {"addr", ctx->peer()},
                                        {"reason", why}});
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                          absl::StrCat("link refused: ", why));
    }
  }
  if (hello.parent_unit() != self) {
    app::Log("warn", "link_refused", {{"peer", hello.unit()}, {"peer_parent", hello.parent_unit()}});
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        absl::StrCat("unit ", hello.unit(), " names parent '", hello.parent_unit(),
                                     "', but this node is unit ", self));
  }
  const std::string peer = hello.unit();
  // Before anything is written: the initial metadata names the encoding.
  if (hello.gzip()) ctx->set_compression_algorithm(GRPC_COMPRESS_GZIP);
  ServerStream adapter(ctx, stream);
  LinkSession session(node_, &adapter, peer);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "node is shutting down");
    auto old = sessions_.find(peer);
    if (old != sessions_.end()) old->second->Stop();
    sessions_[peer] = &session;
  }
  grpc::Status result = grpc::Status::OK;
  if (!stream->Write(HelloFor(*node_, peer)) ||
      !SendOwnLog(*node_, peer, hello.own_seq(), adapter)) {
    result = grpc::Status(grpc::StatusCode::UNAVAILABLE, "child went away during hello");
  } else {
    node_->links().Connected(peer, "child", ctx->peer(), node_->NowMillis(),
                             hello.gzip() ? "gzip" : "");
    app::Log("info", "link_up", {{"peer", peer}, {"role", "child"}, {"addr", ctx->peer()}});
    std::string why = session.Run(hello);
    app::Log("info", "link_down", {{"peer", peer}, {"role", "child"}, {"reason", why}});
    std::lock_guard<std::mutex> lock(mu_);
    if (sessions_[peer] == &session) node_->links().Disconnected(peer, why, node_->NowMillis());
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(peer);
  if (it != sessions_.end() && it->second == &session) sessions_.erase(it);
  return result;
}

void SyncService::StopAll() {
  std::lock_guard<std::mutex> lock(mu_);
  stopping_ = true;
  for (auto& [peer, session] : sessions_) session->Stop();
}

}  // namespace council::transport
