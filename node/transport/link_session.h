// One established replication link, run the same way on both ends: a sender
// thread streams this node's outbox for the peer in pipelined batches; the
// calling thread reads the peer's batches and parses, checks and encodes
// their records while an applier thread stages the batch before into the
// store, whose committer writes the one before that; each batch is
// acknowledged once durable.
#ifndef COUNCIL_NODE_TRANSPORT_LINK_SESSION_H_
#define COUNCIL_NODE_TRANSPORT_LINK_SESSION_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "council/v1/sync.pb.h"
#include "node/app/node_service.h"
#include "node/core/link.h"

namespace council::transport {

// The two ends of a gRPC stream, behind one interface.
class MessageStream {
 public:
  virtual ~MessageStream() = default;
  virtual bool Read(v1::LinkMessage* msg) = 0;
  virtual bool Write(const v1::LinkMessage& msg) = 0;
  // Makes a blocked Read return false.
  virtual void Cancel() = 0;
};

class LinkSession {
 public:
  // Outbox records per batch, bytes per batch, unacknowledged batches.
  // 1,024 rather than 512 records: a bulk sync 10-20 % faster at 2-6 µs
  // less CPU per record, for ~20 MB more peak memory at the receiver
  // (BENCHMARKS.md, "Where the time goes": bulk sync).
  static constexpr size_t kMaxBatchRecords = 1024;
  static constexpr size_t kMaxBatchBytes = 4 << 20;
  static constexpr size_t kMaxInFlight = 8;
  // Durable batches of a stream per acknowledgement; the sender's window
  // (kMaxInFlight) holds them and the batches in the receiver's pipeline.
  static constexpr size_t kAckEvery = 2;
  // How far a peer's `have` may lie past this node's outbox head (a restore
  // from an old backup) before the link is refused as nonsense.
  static constexpr uint64_t kMaxOutboxRaise = uint64_t{1} << 40;
  // What a receiver takes from a peer in one Batch: more records, or more
  // serialized bytes, and the whole batch is refused ("oversized"), nothing
  // of it applied or acknowledged, and the link reset. At least twice what
  // an honest sender ever puts in one (kMaxBatchRecords; kMaxBatchBytes plus
  // the one record, at most core::kMaxRecordBytes, that crosses it — checked
  // in link_session.cc), and below the gRPC message limit (channel_args.h
  // kMaxMessageBytes), which refuses anything larger before it is parsed.
  static constexpr size_t kMaxReceivedBatchRecords = 4096;
  static constexpr size_t kMaxReceivedBatchBytes = 8 << 20;

  // `node` and `stream` must outlive Run().
  LinkSession(app::NodeService* node, MessageStream* stream, std::string peer);

  // Runs until the stream fails or Stop(); the hellos are already exchanged.
  // `peer_hello` tells how far the peer holds our outbox (`have`) and where
  // its outbox for us ends (`head`). Returns why the link ended.
  std::string Run(const v1::Hello& peer_hello);
  // Ends Run() from another thread.
  void Stop();

 private:
  // A batch from the peer, read and prepared, waiting for the applier.
  struct Received {
    uint64_t first = 0, last = 0, head = 0;
    bool own_log = false;
    int64_t at_ms = 0;
    std::vector<v1::Record> records;  // those that parse and validate
    std::vector<core::EncodedVersion> encoded;  // of each of `records`
  };
  // Batches read ahead of the one being applied: one more is parsed while
  // it waits, so the applier never waits on parsing. A second cost the
  // receiver ~5-17 MiB of peak memory in a bulk sync and gained no speed
  // (BENCHMARKS.md, "Memory").
  static constexpr size_t kMaxReadAhead = 1;
  static_assert(kAckEvery + kMaxReadAhead + 2 <= kMaxInFlight);
  static constexpr const char* kStreamClosed = "stream closed";

  void SendLoop();
  std::string ReceiveLoop();
  void ApplyLoop();
  // Size limits, then ReadRecords; false (and `error`) for an oversized batch.
  // Takes the batch's record bytes.
  bool Prepare(v1::Batch& batch, int64_t now, Received* out, std::string* error);
  // The batch's records that parse and validate, each with the bytes it
  // was parsed from (taken from `batch`); the others are refused as
  // "invalid". Parsed into the records of a staged batch where one is spent.
  std::vector<v1::Record> ReadRecords(v1::Batch& batch, std::vector<std::string>* wire);
  // A batch that follows `cursor`, submitted to the store, not yet durable:
  // acknowledged once it is.
  struct Applying {
    app::NodeService::PendingCommit commit;
    uint64_t through = 0;
    uint64_t head = 0;
    int64_t at_ms = 0;
  };
  Applying Submit(Received batch, uint64_t inbound_cursor);
  // Waits for `applying` to be durable, counts refusals, and acknowledges
  // it if `ack`.
  bool Finish(Applying applying, bool ack, std::string* error);
  // Any other batch, handled after everything before it is durable: a stale
  // one is acknowledged again, a gap ends the link.
  bool HandleBatch(Received batch, uint64_t cursor, std::string* error);
  // A batch of the parent's return of this node's own log (sync.proto).
  bool HandleOwnLog(Received batch, std::string* error);
  store::WriteRequest Request(Received batch, uint64_t inbound_cursor);
  // Counts the records of a committed batch that were not applied; false
  // (and `error`) if the commit failed.
  bool Report(const absl::StatusOr<store::WriteResult>& written, std::string* error);
  bool Ack(uint64_t through);
  bool Send(const v1::LinkMessage& msg);
  // Counts and logs records of the peer's batch that were not applied.
  void Refuse(const std::string& reason, uint64_t count, const std::string& detail);

  app::NodeService* node_;
  store::Store& store_;
  MessageStream* stream_;
  const std::string peer_;

  std::mutex mu_;
  std::condition_variable acked_cv_;
  core::OutboxSender sender_;  // guarded by mu_
  std::mutex write_mu_;
  std::atomic<bool> stop_{false};
  std::string send_error_;  // guarded by mu_
  std::string apply_error_;  // guarded by mu_
  std::deque<Received> received_;  // guarded by mu_
  // Records of batches the store has staged (WriteRequest::give_back), for
  // ReadRecords to parse the next batches into.
  std::mutex spent_mu_;
  std::vector<std::vector<v1::Record>> spent_;  // guarded by spent_mu_
  bool reading_done_ = false;      // guarded by mu_; the applier drains the queue and ends
  std::condition_variable received_cv_;  // a batch queued or taken, or stop
};

}  // namespace council::transport

#endif  // COUNCIL_NODE_TRANSPORT_LINK_SESSION_H_
