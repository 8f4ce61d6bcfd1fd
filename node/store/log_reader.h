// Internal to the store: reads log entries (L) in the order they are asked
// for, as the indexer (from the change feed) and the link sender (from an
// outbox) do. Both mostly ask for runs of one origin's consecutive
// versions, so the iterator steps to the next entry when that is the one
// asked for and seeks only otherwise: a step costs far less than a point
// read through every level of the tree.
#ifndef COUNCIL_NODE_STORE_LOG_READER_H_
#define COUNCIL_NODE_STORE_LOG_READER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "node/store/keys.h"
#include "rocksdb/db.h"

namespace council::store {

class LogReader {
 public:
  // Sees the database as of now: create it after any iterator whose entries
  // name log entries, so that it holds every entry they name.
  explicit LogReader(rocksdb::DB* db) : it_(db->NewIterator(rocksdb::ReadOptions())) {}

  // The stored bytes (CanonicalBytes of the Record) of version `seq` of
  // `origin`, valid until the next call; nullopt if not held.
  std::optional<rocksdb::Slice> Read(absl::string_view origin, uint64_t seq) {
    const std::string key = keys::Log(origin, seq);
    if (it_->Valid()) it_->Next();
    if (!it_->Valid() || it_->key() != rocksdb::Slice(key)) it_->Seek(key);
    if (!it_->Valid() || it_->key() != rocksdb::Slice(key)) return std::nullopt;
    return it_->value();
  }
  rocksdb::Status status() const { return it_->status(); }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace council::store

#endif  // COUNCIL_NODE_STORE_LOG_READER_H_
