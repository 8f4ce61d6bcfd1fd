// Reading outboxes and keeping link cursors (see core/link.h).
#include <optional>

#include "absl/strings/str_cat.h"
#include "node/core/status_macros.h"
#include "node/store/keys.h"
#include "node/store/log_reader.h"
#include "node/store/rocks_db.h"
#include "node/store/rocks_status.h"
#include "node/store/store.h"
#include "rocksdb/db.h"

namespace council::store {

absl::StatusOr<OutboxSlice> Store::ReadOutbox(const std::string& peer, uint64_t from,
                                              size_t max_records, size_t max_bytes) {
  OutboxSlice slice;
  std::string prefix = keys::Prefix(keys::kOutbox, {peer});
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(keys::kOutbox);
  LogReader log(db_.get());
  size_t bytes = 0;
  for (it->Seek(keys::Outbox(peer, from));
       it->Valid() && it->key().starts_with(prefix) && slice.records.size() < max_records &&
       bytes < max_bytes;
       it->Next()) {
    uint64_t pos = keys::GetBe64(absl::string_view(it->key().data() + prefix.size(), 8));
    std::string origin;
    uint64_t seq = 0;
    if (!keys::ParseLogRef(absl::string_view(it->value().data(), it->value().size()), &origin, &seq)) {
      return absl::DataLossError(absl::StrCat("outbox entry ", peer, "/", pos, " is corrupt"));
    }
    std::optional<rocksdb::Slice> rec = log.Read(origin, seq);
    if (!rec) {
      RETURN_IF_ERROR(FromRocks(log.status(), "reading the log"));
      return absl::DataLossError(absl::StrCat("outbox entry ", peer, "/", pos,
                                              " names a version not in the log: ", origin, "/", seq));
    }
    if (slice.records.empty()) slice.first = pos;
    slice.last = pos;
    bytes += rec->size();
    slice.records.emplace_back(rec->data(), rec->size());
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "reading outbox"));
  RETURN_IF_ERROR(FromRocks(log.status(), "reading the log"));
  return slice;
}

absl::StatusOr<LogSlice> Store::ReadLog(const std::string& origin, uint64_t from, uint64_t through,
                                        size_t max_records, size_t max_bytes) {
  LogSlice slice;
  slice.next = through + 1;
  const std::string prefix = keys::LogPrefix(origin);
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(keys::kLog);
  size_t bytes = 0;
  for (it->Seek(keys::Log(origin, from)); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const uint64_t seq = keys::GetBe64(absl::string_view(it->key().data() + prefix.size(), 8));
    if (seq > through) break;
    if (slice.records.size() == max_records || bytes >= max_bytes) {
      slice.next = seq;
      break;
    }
    bytes += it->value().size();
    slice.records.emplace_back(it->value().data(), it->value().size());
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "reading the log"));
  return slice;
}

uint64_t Store::OutboxHead(const std::string& peer) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = outbox_head_.find(peer);
  return it == outbox_head_.end() ? 0 : it->second;
}

uint64_t Store::InboundCursor(const std::string& peer) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = inbound_.find(peer);
  return it == inbound_.end() ? 0 : it->second;
}

uint64_t Store::Acked(const std::string& peer) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = acked_.find(peer);
  return it == acked_.end() ? 0 : it->second;
}

void Store::SetAcked(const std::string& peer, uint64_t through) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t& have = acked_[peer];
    if (through <= have) return;
    have = through;
  }
  std::string value;
  keys::PutBe64(&value, through);
  db_->Put(rocksdb::WriteOptions(), keys::PeerKey(keys::kAcked, peer), value);
}

bool Store::WaitForOutbox(const std::string& peer, uint64_t after,
                          std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  uint64_t generation = wake_generation_;
  outbox_cv_.wait_until(lock, deadline, [&] {
    auto it = outbox_head_.find(peer);
    return (it != outbox_head_.end() && it->second > after) || wake_generation_ != generation;
  });
  auto it = outbox_head_.find(peer);
  return it != outbox_head_.end() && it->second > after;
}

void Store::Wake() {
  std::lock_guard<std::mutex> lock(mu_);
  ++wake_generation_;
  outbox_cv_.notify_all();
}

}  // namespace council::store
