// Internal to the store: reads log entries (L) in the order they are asked
// for, as the indexer (from the change feed) and the link sender (from an
// outbox) do. Both mostly ask for runs of one origin's consecutive
// versions, so the iterator steps to the next entry when that is the one
// asked for: a step costs far less than a point read through every level
// of the tree, and a point read less than a seek through every level.
#ifndef COUNCIL_NODE_STORE_LOG_READER_H_
#define COUNCIL_NODE_STORE_LOG_READER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "node/store/keys.h"
#include "node/store/rocks_db.h"

namespace council::store {

class LogReader {
 public:
  // Sees the database as of now or later: create it after any iterator
  // whose entries name log entries, so that it holds every entry they name.
  explicit LogReader(const RocksDb* db) : db_(db) {}

  // The stored bytes (CanonicalBytes of the Record) of version `seq` of
  // `origin`, valid until the next call; nullopt if not held. A lone entry
  // is a point read (bloom filters skip most files); the second of a run
  // positions an iterator, which then steps through the rest of the run.
  std::optional<rocksdb::Slice> Read(absl::string_view origin, uint64_t seq) {
    const std::string key = keys::Log(origin, seq);
    const bool run = key == next_;
    next_ = keys::Log(origin, seq + 1);
    if (positioned_ && it_->Valid()) {
      it_->Next();
      if (it_->Valid() && it_->key() == rocksdb::Slice(key)) return it_->value();
    }
    positioned_ = run;
    if (run) {
      if (it_ == nullptr) it_ = db_->NewIterator(keys::kLog);
      it_->Seek(key);
      if (it_->Valid() && it_->key() == rocksdb::Slice(key)) return it_->value();
      return std::nullopt;
    }
    value_.Reset();
    status_ = db_->Get(key, &value_);
    if (!status_.ok()) {
      if (status_.IsNotFound()) status_ = rocksdb::Status::OK();
      return std::nullopt;
    }
    return rocksdb::Slice(value_.data(), value_.size());
  }
  rocksdb::Status status() const {
    if (!status_.ok()) return status_;
    return it_ != nullptr ? it_->status() : rocksdb::Status::OK();
  }

 private:
  const RocksDb* db_;
  std::unique_ptr<rocksdb::Iterator> it_;
  rocksdb::PinnableSlice value_;
  rocksdb::Status status_;
  std::string next_;         // the key that would continue the last read's run
  bool positioned_ = false;  // it_ stands at the last entry read
};

}  // namespace council::store

#endif  // COUNCIL_NODE_STORE_LOG_READER_H_
