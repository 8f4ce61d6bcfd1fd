#include "node/transport/link_session.h"

#include <pthread.h>

#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "node/app/log.h"
#include "node/core/signing.h"
#include "node/core/validate.h"
#include "node/transport/channel_args.h"

namespace council::transport {

// An honest sender stays within what a receiver takes: at most
// kMaxBatchRecords records, and ReadOutbox stops once kMaxBatchBytes is
// reached, so one more record (at most core::kMaxRecordBytes, plus its
// envelope) may cross it; each record also costs a tag and a length.
static_assert(LinkSession::kMaxBatchRecords <= LinkSession::kMaxReceivedBatchRecords);
static_assert(LinkSession::kMaxBatchBytes + core::kMaxRecordBytes + (64 << 10) +
                  LinkSession::kMaxBatchRecords * 16 <=
              LinkSession::kMaxReceivedBatchBytes);
static_assert(LinkSession::kMaxReceivedBatchBytes + (64 << 10) <=
              static_cast<size_t>(kMaxMessageBytes));

LinkSession::LinkSession(app::NodeService* node, MessageStream* stream, std::string peer)
    : node_(node), store_(node->store()), stream_(stream), peer_(std::move(peer)),
      sender_(kMaxInFlight) {}

void LinkSession::Stop() {
  stop_ = true;
  store_.Wake();
  acked_cv_.notify_all();
  {
    std::lock_guard<std::mutex> lock(mu_);  // no applier misses the wake-up
  }
  received_cv_.notify_all();
  stream_->Cancel();
}

bool LinkSession::Send(const v1::LinkMessage& msg) {
  node_->metrics().BytesSent(peer_, msg.ByteSizeLong());
  std::lock_guard<std::mutex> lock(write_mu_);
  return stream_->Write(msg);
}

std::string LinkSession::Run(const v1::Hello& peer_hello) {
  const uint64_t peer_has = peer_hello.have();
  if (uint64_t head = store_.OutboxHead(peer_); peer_has > head + kMaxOutboxRaise) {
    return absl::StrCat("peer claims to hold position ", peer_has, " of this node's outbox for it, "
                        "far beyond its end (", head, "); refusing the link");
  } else if (peer_has > head) {
    // This node lost the end of its outbox (restored from a backup): the
    // peer holds positions this node would otherwise hand out again.
    app::Log("warn", "outbox_raised", {{"peer", peer_}, {"from", absl::StrCat(head)},
                                       {"to", absl::StrCat(peer_has)}});
    store::WriteRequest raise;
    raise.outbox_peer = peer_;
    raise.outbox_floor = peer_has;
    if (absl::StatusOr<store::WriteResult> done = node_->Commit(std::move(raise)); !done.ok()) {
      return std::string(done.status().message());
    }
  }
  node_->links().Exchanged(peer_, peer_hello.head(), node_->NowMillis());
  {
    std::lock_guard<std::mutex> lock(mu_);
    sender_.Start(peer_has);
  }
  store_.SetAcked(peer_, peer_has);  // its hello is an acknowledgement too
  std::thread sender([this] { SendLoop(); });
  std::thread applier([this] { ApplyLoop(); });
  std::string why = ReceiveLoop();
  {
    std::lock_guard<std::mutex> lock(mu_);
    reading_done_ = true;
  }
  received_cv_.notify_all();
  applier.join();  // what arrived whole is applied, even if the stream then broke
  Stop();
  sender.join();
  std::lock_guard<std::mutex> lock(mu_);
  if (!apply_error_.empty() && apply_error_ != kStreamClosed) return apply_error_;
  return send_error_.empty() ? why : send_error_;
}

void LinkSession::SendLoop() {
  pthread_setname_np(pthread_self(), "link-send");  // seen in top -H, perf
  using Clock = std::chrono::steady_clock;
  while (!stop_) {
    uint64_t head = store_.OutboxHead(peer_);
    uint64_t next;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (head >= sender_.next() && !sender_.CanSend(head)) {  // window full
        acked_cv_.wait_for(lock, std::chrono::milliseconds(200));
        continue;
      }
      next = sender_.next();
    }
    if (head < next) {
      store_.WaitForOutbox(peer_, next - 1, Clock::now() + std::chrono::seconds(1));
      continue;
    }
    absl::StatusOr<store::OutboxSlice> slice =
        store_.ReadOutbox(peer_, next, kMaxBatchRecords, kMaxBatchBytes);
    if (!slice.ok() || slice->records.empty()) {
      std::lock_guard<std::mutex> lock(mu_);
      send_error_ = slice.ok() ? absl::StrCat("outbox position ", next, " missing")
                               : std::string(slice.status().message());
      break;
    }
    v1::LinkMessage msg;
    v1::Batch* batch = msg.mutable_batch();
    batch->set_first(slice->first);
    batch->set_last(slice->last);
    batch->set_head(head);
    for (std::string& r : slice->records) batch->add_records(std::move(r));
    if (!Send(msg)) break;
    std::lock_guard<std::mutex> lock(mu_);
    sender_.OnSent(slice->last);
  }
  stop_ = true;
  stream_->Cancel();
}

void LinkSession::Refuse(const std::string& reason, uint64_t count, const std::string& detail) {
  node_->links().Refused(peer_, reason, count, detail);
  app::Log("warn", "record_refused", {{"peer", peer_}, {"reason", reason}, {"detail", detail}});
}

bool LinkSession::Prepare(v1::Batch& batch, int64_t now, Received* out, std::string* error) {
  // Receiver-side limits first: an oversized batch is refused whole, before
  // anything of it is looked at, and the link is reset without an ack.
  const size_t records = static_cast<size_t>(batch.records_size());
  const size_t bytes = batch.ByteSizeLong();
  if (records > kMaxReceivedBatchRecords || bytes > kMaxReceivedBatchBytes) {
    *error = absl::StrCat("batch [", batch.first(), ", ", batch.last(), "] of ", records,
                          " records, ", bytes, " bytes exceeds the limit of ",
                          kMaxReceivedBatchRecords, " records, ", kMaxReceivedBatchBytes,
                          " bytes; refused, link reset");
    Refuse("oversized", records, *error);
    return false;
  }
  out->first = batch.first();
  out->last = batch.last();
  out->head = batch.head();
  out->own_log = batch.own_log();
  out->at_ms = now;
  std::vector<std::string> wire;
  out->records = ReadRecords(batch, &wire);
  out->encoded = core::EncodeReceived(out->records, std::move(wire));
  return true;
}

bool LinkSession::HandleBatch(Received batch, uint64_t cursor, std::string* error) {
  const uint64_t head = batch.head;
  const int64_t at_ms = batch.at_ms;
  if (batch.own_log) {
    if (!HandleOwnLog(std::move(batch), error)) return false;
  } else {
    switch (core::CheckBatch(cursor, batch.first, batch.last)) {
      case core::BatchCheck::kInvalid:
      case core::BatchCheck::kGap:
        *error = absl::StrCat("batch [", batch.first, ", ", batch.last,
                              "] does not follow inbound cursor ", cursor);
        return false;
      case core::BatchCheck::kStale:
      case core::BatchCheck::kApply:  // not here: ApplyLoop submits those
        break;
    }
    if (!Ack(cursor)) return false;
  }
  node_->links().Exchanged(peer_, head, at_ms);
  return true;
}

bool LinkSession::Ack(uint64_t through) {
  v1::LinkMessage ack;
  ack.mutable_ack()->set_through(through);
  ack.mutable_ack()->set_head(store_.OutboxHead(peer_));
  return Send(ack);
}

LinkSession::Applying LinkSession::Submit(Received batch, uint64_t inbound_cursor) {
  Applying a;
  a.through = inbound_cursor;
  a.head = batch.head;
  a.at_ms = batch.at_ms;
  a.commit = node_->Submit(Request(std::move(batch), inbound_cursor));
  return a;
}

bool LinkSession::Finish(Applying applying, bool ack, std::string* error) {
  if (!Report(node_->Finish(std::move(applying.commit)), error)) return false;
  if (ack && !Ack(applying.through)) return false;
  node_->links().Exchanged(peer_, applying.head, applying.at_ms);
  return true;
}

void LinkSession::ApplyLoop() {
  pthread_setname_np(pthread_self(), "link-apply");  // seen in top -H, perf
  // The inbound cursor as this link has taken it: at most one batch ahead
  // of the durable one (`applying`). Only this thread writes it.
  uint64_t cursor = store_.InboundCursor(peer_);
  std::optional<Applying> applying;
  size_t unacked = 0;  // durable batches not acknowledged yet
  std::string error;
  bool ok = true;
  // Waits for `applying` to be durable and acknowledges it if `now` or if
  // kAckEvery batches are due (acknowledgements are cumulative: a stream of
  // batches costs one blocking stream write per kAckEvery in this loop).
  auto finish = [&](bool now) {
    const bool ack = now || ++unacked >= kAckEvery;
    ok = Finish(std::move(*applying), ack, &error);
    applying.reset();
    if (ack) unacked = 0;
  };
  while (ok) {
    std::optional<Received> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!applying) {
        received_cv_.wait(lock, [this] { return stop_ || reading_done_ || !received_.empty(); });
      }
      // Stopped: what is queued is not acknowledged, and the peer sends it again.
      if (stop_) break;
      if (!received_.empty()) {
        batch = std::move(received_.front());
        received_.pop_front();
      } else if (!applying) {
        return;  // the stream ended and everything read is applied
      }
    }
    if (!batch) {  // nothing more to stage: finish what is in flight
      finish(/*now=*/true);
      continue;
    }
    received_cv_.notify_all();
    if (!batch->own_log && core::CheckBatch(cursor, batch->first, batch->last) == core::BatchCheck::kApply) {
      const uint64_t last = batch->last;
      Applying next = Submit(*std::move(batch), last);  // returns once `applying` is durable
      cursor = last;
      if (applying) finish(/*now=*/false);  // an acknowledgement for `next` follows
      applying = std::move(next);
      continue;
    }
    if (applying) finish(/*now=*/true);
    ok = ok && HandleBatch(*std::move(batch), cursor, &error);
  }
  // Whatever was submitted is waited for, so that the session ends with its
  // writes durable; unacknowledged, the peer sends it again.
  if (applying) node_->Finish(std::move(applying->commit)).IgnoreError();
  if (ok) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    apply_error_ = error.empty() ? std::string(kStreamClosed) : error;
  }
  Stop();
}

std::vector<v1::Record> LinkSession::ReadRecords(v1::Batch& batch, std::vector<std::string>* wire) {
  std::vector<v1::Record> records;
  {
    std::lock_guard<std::mutex> lock(spent_mu_);
    if (!spent_.empty()) {
      records = std::move(spent_.back());
      spent_.pop_back();
    }
  }
  records.reserve(batch.records_size());
  wire->reserve(batch.records_size());
  size_t n = 0;  // records[0, n) parsed and valid
  for (int i = 0; i < batch.records_size(); ++i) {
    if (n == records.size()) records.emplace_back();
    v1::Record& r = records[n];
    if (!r.ParseFromString(batch.records(i))) {
      Refuse("invalid", 1, absl::StrCat("record ", i + 1, " of batch [", batch.first(), ", ",
                                        batch.last(), "] is not a readable record (malformed, or "
                                        "text that is not UTF-8)"));
      continue;
    }
    absl::Status valid = core::ValidateComplete(r, core::Utf8::kCheckedByParser);
    if (!valid.ok()) {
      Refuse("invalid", 1, absl::StrCat("record ", r.id(), ": ", valid.message()));
      continue;
    }
    ++n;
    wire->push_back(std::move(*batch.mutable_records(i)));
  }
  records.resize(n);
  return records;
}

store::WriteRequest LinkSession::Request(Received batch, uint64_t inbound_cursor) {
  store::WriteRequest req;
  req.from = peer_;
  req.inbound_cursor = inbound_cursor;
  req.wall_ms = node_->NowMillis();
  req.versions = std::move(batch.records);
  req.encoded = std::move(batch.encoded);
  req.give_back = [this](std::vector<v1::Record> records) {
    std::lock_guard<std::mutex> lock(spent_mu_);
    // One per batch read ahead is all ReadRecords can use before more come back.
    if (spent_.size() < kMaxReadAhead) spent_.push_back(std::move(records));
  };
  return req;
}

bool LinkSession::Report(const absl::StatusOr<store::WriteResult>& written, std::string* error) {
  if (!written.ok()) {
    *error = std::string(written.status().message());
    return false;
  }
  // "unauthorized" (core/authorize.h), "bad_signature" (core/signing.h) or
  // "fork" (core/chain.h).
  for (const std::string& why : written->rejections) Refuse(core::RefusalReason(why), 1, why);
  if (written->stale > 0) {
    Refuse("stale", written->stale, "older versions than those held were ignored");
  }
  return true;
}

bool LinkSession::HandleOwnLog(Received batch, std::string* error) {
  const std::string& self = node_->identity().unit();
  if (peer_ != node_->identity().parent_unit()) {
    *error = "own_log batch from a child: only the parent returns this node's own log";
    Refuse("unauthorized", batch.records.size(), *error);
    return false;
  }
  for (const v1::Record& r : batch.records) {
    if (r.origin() != self) {
      *error = absl::StrCat("own_log batch holds record ", r.id(), " of another origin");
      Refuse("unauthorized", batch.records.size(), *error);
      return false;
    }
  }
  // No outbox position: no cursor, no acknowledgement.
  return Report(node_->Commit(Request(std::move(batch), /*inbound_cursor=*/0)), error);
}

std::string LinkSession::ReceiveLoop() {
  v1::LinkMessage msg;
  std::string error;
  while (!stop_ && stream_->Read(&msg)) {
    int64_t now = node_->NowMillis();
    node_->metrics().BytesReceived(peer_, msg.ByteSizeLong());
    if (msg.has_batch()) {
      Received batch;
      if (!Prepare(*msg.mutable_batch(), now, &batch, &error)) return error;
      std::unique_lock<std::mutex> lock(mu_);
      received_cv_.wait(lock, [this] { return stop_ || received_.size() < kMaxReadAhead; });
      if (stop_) break;
      received_.push_back(std::move(batch));
      lock.unlock();
      received_cv_.notify_all();
    } else if (msg.has_ack()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        sender_.OnAck(msg.ack().through());
      }
      store_.SetAcked(peer_, msg.ack().through());
      acked_cv_.notify_all();
      node_->links().Exchanged(peer_, msg.ack().head(), now);
    } else {
      return "unexpected message after hello";
    }
  }
  return kStreamClosed;
}

}  // namespace council::transport
