#include "node/transport/link_setup.h"

#include "absl/strings/str_cat.h"
#include "node/app/log.h"
#include "node/core/hub.h"

namespace council::transport {

v1::LinkMessage HelloFor(app::NodeService& node, const std::string& peer) {
  v1::LinkMessage msg;
  v1::Hello* h = msg.mutable_hello();
  h->set_protocol(1);
  h->set_unit(node.identity().unit());
  h->set_level(node.identity().level());
  h->set_name(node.identity().name());
  h->set_parent_unit(node.identity().parent_unit());
  h->set_have(node.store().InboundCursor(peer));
  h->set_head(node.store().OutboxHead(peer));
  h->set_own_seq(node.store().OriginMax(node.identity().unit()));
  h->set_your_seq(node.store().OriginMax(peer));
  if (peer != node.identity().parent_unit()) {
    for (const std::string& origin : core::SubtreeUnits(node.store().Tree(), peer)) {
      (*h->mutable_subtree_heads())[origin] = node.store().OriginMax(origin);
    }
  }
  return msg;
}

bool SendOwnLog(app::NodeService& node, const std::string& child, uint64_t child_own_seq,
                MessageStream& stream) {
  const uint64_t held = node.store().OriginMax(child);
  if (held <= child_own_seq) return true;
  app::Log("warn", "send_own_log",
           {{"peer", child},
            {"peer_holds_seq", absl::StrCat(child_own_seq)},
            {"held_seq", absl::StrCat(held)},
            {"detail", "the child holds less of its own log than this node: sending it back"}});
  // Versions never routed here are not held, and skipped.
  for (uint64_t seq = child_own_seq + 1; seq <= held;) {
    absl::StatusOr<store::LogSlice> slice = node.store().ReadLog(
        child, seq, held, LinkSession::kMaxBatchRecords, LinkSession::kMaxBatchBytes);
    if (!slice.ok()) {
      app::Log("error", "send_own_log", {{"peer", child}, {"detail", std::string(slice.status().message())}});
      return false;
    }
    seq = slice->next;
    if (slice->records.empty()) continue;
    v1::LinkMessage msg;
    msg.mutable_batch()->set_own_log(true);
    for (std::string& r : slice->records) msg.mutable_batch()->add_records(std::move(r));
    node.metrics().BytesSent(child, msg.ByteSizeLong());
    if (!stream.Write(msg)) return false;
  }
  return true;
}

}  // namespace council::transport
