// Cursor rules of one link, as pure state machines.
//
// Each node keeps, for every peer, an outbox: the records routed to that peer,
// numbered 1, 2, 3, ... in the order this node applied them. A batch carries
// outbox positions [first, last]. The receiver commits the records and its
// inbound cursor (`last`) in one atomic write, then acknowledges `last`. On
// (re)connect each side says how far it holds the other's outbox, and the
// other resumes right after it: re-sending is harmless (applying a version
// twice changes nothing) and nothing is skipped.
#ifndef COUNCIL_NODE_CORE_LINK_H_
#define COUNCIL_NODE_CORE_LINK_H_

#include <cstdint>
#include <cstddef>
#include <deque>

namespace council::core {

// What to send next on a link, with a bounded number of unacknowledged
// batches in flight (pipelining without unbounded memory).
class OutboxSender {
 public:
  explicit OutboxSender(size_t max_in_flight) : max_in_flight_(max_in_flight) {}

  // The peer holds our outbox through `peer_has` (its hello). Resets the window.
  void Start(uint64_t peer_has);
  // The first position not yet sent.
  uint64_t next() const { return sent_ + 1; }
  // True if a batch may be sent now: the window has room and head > sent.
  bool CanSend(uint64_t head) const;
  // A batch ending at `last` was sent. REQUIRES: last >= next().
  void OnSent(uint64_t last);
  // The peer has durably applied everything through `through`.
  void OnAck(uint64_t through);

  uint64_t acked() const { return acked_; }
  uint64_t sent() const { return sent_; }
  size_t in_flight() const { return in_flight_.size(); }

 private:
  size_t max_in_flight_;
  uint64_t sent_ = 0;
  uint64_t acked_ = 0;
  std::deque<uint64_t> in_flight_;  // last position of each unacknowledged batch
};

enum class BatchCheck {
  kApply,    // new records: apply them and move the cursor to `last`
  kStale,    // everything already held: acknowledge only
  kGap,      // starts past cursor + 1: the sender skipped something; reset the link
  kInvalid,  // first > last, or empty
};

// REQUIRES nothing; `cursor` is the receiver's inbound cursor for the peer.
BatchCheck CheckBatch(uint64_t cursor, uint64_t first, uint64_t last);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_LINK_H_
