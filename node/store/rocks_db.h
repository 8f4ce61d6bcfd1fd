// The store's RocksDB database and its column families (LAYOUT.md,
// "Column families"). A key's first byte names its table, and each table
// lives in one family: callers pass keys, this class picks the family.
//
// Thread safety: as rocksdb::DB; the handles are fixed after Open.
#ifndef COUNCIL_NODE_STORE_ROCKS_DB_H_
#define COUNCIL_NODE_STORE_ROCKS_DB_H_

#include <array>
#include <chrono>
#include <memory>
#include <string>

#include "node/store/keys.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace council::store {

class RocksDb {
 public:
  // The log, the search index, and each table that grows by a row per
  // record under keys that grow as records arrive (LAYOUT.md, "Column
  // families"); every other table in kMain.
  enum Family {
    kMain = 0,
    kLogFamily,
    kSearchFamily,
    kCurrentFamily,
    kByKindFamily,
    kByUnitFamily,
    kByPeriodFamily,
    kFeedFamily,
    kOutboxFamily,
    kFamilies
  };

  // Opens the database in `dir`, creating it and any missing family. Rows
  // that a store written before a table had its own family still holds in
  // the default one are moved first (synced; a crash midway is finished by
  // the next Open); `*moved` (if given) counts them.
  static rocksdb::Status Open(const std::string& dir, std::unique_ptr<RocksDb>* out,
                              uint64_t* moved = nullptr);
  ~RocksDb();
  RocksDb(const RocksDb&) = delete;
  RocksDb& operator=(const RocksDb&) = delete;

  // Every table kept outside kMain, with its family: the one place that
  // says where a table lives (FamilyOf, and the move at Open, read it).
  struct TableFamily {
    char table;
    Family family;
  };
  static constexpr TableFamily kOutsideMain[] = {
      {keys::kLog, kLogFamily},         {keys::kPosting, kSearchFamily},
      {keys::kIndexed, kSearchFamily},  {keys::kCurrent, kCurrentFamily},
      {keys::kByKind, kByKindFamily},   {keys::kByUnit, kByUnitFamily},
      {keys::kByPeriod, kByPeriodFamily}, {keys::kFeed, kFeedFamily},
      {keys::kOutbox, kOutboxFamily}};

  // The family that holds `table` (a key's first byte).
  static Family FamilyOf(char table);
  rocksdb::ColumnFamilyHandle* Handle(char table) const { return handles_[FamilyOf(table)]; }

  // REQUIRES for every key below: non-empty (its first byte names the table).
  rocksdb::Status Get(const rocksdb::Slice& key, std::string* value) const;
  rocksdb::Status Get(const rocksdb::Slice& key, rocksdb::PinnableSlice* value) const;
  rocksdb::Status Put(const rocksdb::WriteOptions& wo, const rocksdb::Slice& key,
                      const rocksdb::Slice& value);
  rocksdb::Status Delete(const rocksdb::WriteOptions& wo, const rocksdb::Slice& key);
  rocksdb::Status Write(const rocksdb::WriteOptions& wo, rocksdb::WriteBatch* batch) {
    return db_->Write(wo, batch);
  }
  void Put(rocksdb::WriteBatch* batch, const rocksdb::Slice& key, const rocksdb::Slice& value) const {
    batch->Put(Handle(key[0]), key, value);
  }
  void Delete(rocksdb::WriteBatch* batch, const rocksdb::Slice& key) const {
    batch->Delete(Handle(key[0]), key);
  }

  // An iterator over the family of `table`: seek only within that table.
  std::unique_ptr<rocksdb::Iterator> NewIterator(char table) const;

  // A RocksDB integer property summed over every family.
  uint64_t IntProperty(const std::string& name) const;
  // Blocks until no flush or compaction of any family is running or due,
  // or `deadline`; true iff none is.
  bool WaitCompacted(std::chrono::steady_clock::time_point deadline) const;
  // Flushes every family's memtables to files, waiting for the flushes.
  rocksdb::Status FlushAll();

  rocksdb::DB* raw() const { return db_.get(); }

 private:
  RocksDb() = default;
  std::unique_ptr<rocksdb::DB> db_;
  std::array<rocksdb::ColumnFamilyHandle*, kFamilies> handles_{};
};

}  // namespace council::store

#endif  // COUNCIL_NODE_STORE_ROCKS_DB_H_
