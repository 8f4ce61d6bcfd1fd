#include "node/transport/parent_link.h"

#include <pthread.h>

#include "absl/strings/str_cat.h"
#include "council/v1/sync.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "node/app/log.h"
#include "node/transport/channel_args.h"
#include "node/transport/link_session.h"
#include "node/transport/link_setup.h"
#include "node/transport/tls.h"

namespace council::transport {
namespace {

class ClientStream : public MessageStream {
 public:
  ClientStream(grpc::ClientContext* ctx,
               grpc::ClientReaderWriter<v1::LinkMessage, v1::LinkMessage>* stream)
      : ctx_(ctx), stream_(stream) {}
  bool Read(v1::LinkMessage* msg) override { return stream_->Read(msg); }
  bool Write(const v1::LinkMessage& msg) override { return stream_->Write(msg); }
  void Cancel() override { ctx_->TryCancel(); }

 private:
  grpc::ClientContext* ctx_;
  grpc::ClientReaderWriter<v1::LinkMessage, v1::LinkMessage>* stream_;
};

}  // namespace

ParentLink::ParentLink(app::NodeService* node, std::string address,
                       std::shared_ptr<grpc::ChannelCredentials> credentials, bool bind_units,
                       bool gzip)
    : node_(node),
      address_(std::move(address)),
      credentials_(std::move(credentials)),
      bind_units_(bind_units),
      gzip_(gzip),
      rng_(std::random_device{}()) {}

ParentLink::~ParentLink() { Stop(); }

void ParentLink::Start() { thread_ = std::thread([this] { Loop(); }); }

void ParentLink::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    if (active_session_ != nullptr) active_session_->Stop();
    if (active_ctx_ != nullptr) active_ctx_->TryCancel();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool ParentLink::RunOnce(std::string* why) {
  const std::string parent = node_->identity().parent_unit();
  grpc::ChannelArguments args = LinkChannelArgs();
  if (gzip_) args.SetCompressionAlgorithm(GRPC_COMPRESS_GZIP);
  auto channel = grpc::CreateCustomChannel(address_, credentials_, args);
  auto stub = v1::Sync::NewStub(channel);
  grpc::ClientContext ctx;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return false;
    active_ctx_ = &ctx;
  }
  auto stream = stub->Link(&ctx);
  ClientStream adapter(&ctx, stream.get());
  LinkSession session(node_, &adapter, parent);
  bool established = false;
  v1::LinkMessage reply;
  // The call already ended (refused by the parent, TLS handshake failed...):
  // Finish() then has the parent's reason, which a cancel would replace.
  v1::LinkMessage hello = HelloFor(*node_, parent);
  hello.mutable_hello()->set_gzip(gzip_);
  bool ended = !stream->Write(hello) || !stream->Read(&reply);
  if (!ended && reply.has_hello()) {
    // Nothing the peer sends is used before its certificate is checked.
    absl::StatusOr<std::string> named =
        bind_units_ ? PeerUnit(*ctx.auth_context()) : absl::StatusOr<std::string>(parent);
    if (!named.ok() || *named != parent) {
      *why = absl::StrCat("parent at ", address_, " refused: ",
                          named.ok() ? absl::StrCat("its certificate names unit ", *named,
                                                    ", not the parent unit ", parent)
                                     : std::string(named.status().message()));
      node_->links().RefusedLink(parent, "parent", "certificate", *why);
      app::Log("warn", "link_refused", {{"peer", parent},
                                        {"cert_unit", named.ok() ? *named : ""},
                                        {"addr", address_},
                                        {"reason", *why}});
    } else if (reply.hello().unit() != parent) {
      *why = absl::StrCat("node at ", address_, " is unit ", reply.hello().unit(),
                          ", not the parent ", parent);
    } else if (absl::Status s = node_->OnParentHello(reply.hello()); !s.ok()) {
      *why = absl::StrCat("recording the parent's hello: ", s.message());
    } else {
      established = true;
      {
        std::lock_guard<std::mutex> lock(mu_);
        active_session_ = stop_ ? nullptr : &session;
        if (stop_) session.Stop();
      }
      node_->links().Connected(parent, "parent", address_, node_->NowMillis(), gzip_ ? "gzip" : "");
      app::Log("info", "link_up", {{"peer", parent}, {"role", "parent"}, {"addr", address_},
                                   {"compression", gzip_ ? "gzip" : "none"}});
      *why = session.Run(reply.hello());
    }
  }
  if (!ended || established) ctx.TryCancel();
  grpc::Status status = stream->Finish();
  {
    std::lock_guard<std::mutex> lock(mu_);
    active_ctx_ = nullptr;
    active_session_ = nullptr;
  }
  if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
    *why = absl::StrCat(why->empty() ? "" : *why + "; ", status.error_message());
  } else if (why->empty()) {
    *why = "parent closed the link";
  }
  return established;
}

void ParentLink::Loop() {
  pthread_setname_np(pthread_self(), "parent-link");  // seen in top -H, perf
  const std::string parent = node_->identity().parent_unit();
  int attempt = 0;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
    }
    std::string why;
    bool established = RunOnce(&why);
    if (established) {
      attempt = 0;
      node_->links().Disconnected(parent, why, node_->NowMillis());
      app::Log("info", "link_down", {{"peer", parent}, {"role", "parent"}, {"reason", why}});
    } else {
      node_->links().Failed(parent, "parent", address_, why, node_->NowMillis());
      if (attempt == 0) app::Log("warn", "link_failed", {{"peer", parent}, {"addr", address_}, {"reason", why}});
    }
    double jitter = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
    int64_t delay = core::BackoffDelayMs(policy_, attempt++, jitter);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(delay), [this] { return stop_; });
  }
}

}  // namespace council::transport
