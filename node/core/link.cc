#include "node/core/link.h"

namespace council::core {

void OutboxSender::Start(uint64_t peer_has) {
  sent_ = peer_has;
  acked_ = peer_has;
  in_flight_.clear();
}

bool OutboxSender::CanSend(uint64_t head) const {
  return head > sent_ && in_flight_.size() < max_in_flight_;
}

void OutboxSender::OnSent(uint64_t last) {
  if (last <= sent_) return;
  sent_ = last;
  in_flight_.push_back(last);
}

void OutboxSender::OnAck(uint64_t through) {
  if (through > acked_) acked_ = through;
  if (acked_ > sent_) sent_ = acked_;  // the peer already held more than we sent
  while (!in_flight_.empty() && in_flight_.front() <= acked_) in_flight_.pop_front();
}

BatchCheck CheckBatch(uint64_t cursor, uint64_t first, uint64_t last) {
  if (first == 0 || first > last) return BatchCheck::kInvalid;
  if (last <= cursor) return BatchCheck::kStale;
  if (first > cursor + 1) return BatchCheck::kGap;
  return BatchCheck::kApply;
}

}  // namespace council::core
