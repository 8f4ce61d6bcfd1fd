#include "node/store/rocks_db.h"

#include <array>
#include <chrono>
#include <thread>
#include <utility>
#include <vector>

#include "node/store/keys.h"
#include "node/store/rocks_options.h"

namespace council::store {
namespace {

const char* const kFamilyNames[RocksDb::kFamilies] = {
    "default", "log", "search", "current", "by_kind", "by_unit", "by_period", "feed", "outbox"};
constexpr size_t kMoveBatchBytes = 4 << 20;

// Copies the rows of `table` from the default family into `to`, in synced
// batches, then drops them from the default family with one range delete.
// A crash before that delete leaves them in both: the next Open copies them
// again (the same values) and deletes them then.
rocksdb::Status MoveTable(rocksdb::DB* db, char table, rocksdb::ColumnFamilyHandle* to,
                          uint64_t* moved) {
  const std::string begin(1, table), end(1, static_cast<char>(table + 1));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  rocksdb::WriteBatch batch;
  bool any = false;
  for (it->Seek(begin); it->Valid() && it->key().starts_with(begin); it->Next()) {
    any = true;
    ++*moved;
    batch.Put(to, it->key(), it->value());
    if (batch.GetDataSize() >= kMoveBatchBytes) {
      if (rocksdb::Status s = db->Write(wo, &batch); !s.ok()) return s;
      batch.Clear();
    }
  }
  if (!it->status().ok()) return it->status();
  if (!any) return rocksdb::Status::OK();
  batch.DeleteRange(db->DefaultColumnFamily(), begin, end);
  return db->Write(wo, &batch);
}

}  // namespace

RocksDb::Family RocksDb::FamilyOf(char table) {
  // Every key written picks its family here: a lookup, not a search.
  static constexpr std::array<Family, 256> kByTable = [] {
    std::array<Family, 256> by_table{};
    by_table.fill(kMain);
    for (const TableFamily& t : kOutsideMain) by_table[static_cast<unsigned char>(t.table)] = t.family;
    return by_table;
  }();
  return kByTable[static_cast<unsigned char>(table)];
}

rocksdb::Status RocksDb::Open(const std::string& dir, std::unique_ptr<RocksDb>* out,
                              uint64_t* moved) {
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (int f = 0; f < kFamilies; ++f) {
    families.emplace_back(kFamilyNames[f], FamilyOptions(f == kLogFamily, f == kOutboxFamily ? 2
                                                                          : f == kMain       ? 4
                                                                                             : 8));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(DbOptions(), dir, families, &handles, &raw);
  if (!s.ok()) return s;
  std::unique_ptr<RocksDb> db(new RocksDb());
  db->db_.reset(raw);
  for (int f = 0; f < kFamilies; ++f) db->handles_[f] = handles[f];
  uint64_t count = 0;
  for (const TableFamily& t : kOutsideMain) {
    s = MoveTable(raw, t.table, db->handles_[t.family], &count);
    if (!s.ok()) return s;
  }
  if (moved != nullptr) *moved = count;
  *out = std::move(db);
  return rocksdb::Status::OK();
}

RocksDb::~RocksDb() {
  if (db_ == nullptr) return;
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
  }
  db_->Close();
}

rocksdb::Status RocksDb::Get(const rocksdb::Slice& key, std::string* value) const {
  return db_->Get(rocksdb::ReadOptions(), Handle(key[0]), key, value);
}

rocksdb::Status RocksDb::Get(const rocksdb::Slice& key, rocksdb::PinnableSlice* value) const {
  return db_->Get(rocksdb::ReadOptions(), Handle(key[0]), key, value);
}

rocksdb::Status RocksDb::Put(const rocksdb::WriteOptions& wo, const rocksdb::Slice& key,
                             const rocksdb::Slice& value) {
  return db_->Put(wo, Handle(key[0]), key, value);
}

rocksdb::Status RocksDb::Delete(const rocksdb::WriteOptions& wo, const rocksdb::Slice& key) {
  return db_->Delete(wo, Handle(key[0]), key);
}

std::unique_ptr<rocksdb::Iterator> RocksDb::NewIterator(char table) const {
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(rocksdb::ReadOptions(), Handle(table)));
}

uint64_t RocksDb::IntProperty(const std::string& name) const {
  uint64_t total = 0;
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    uint64_t v = 0;
    if (db_->GetIntProperty(h, name, &v)) total += v;
  }
  return total;
}

rocksdb::Status RocksDb::FlushAll() {
  rocksdb::FlushOptions flush;
  flush.wait = true;
  std::vector<rocksdb::ColumnFamilyHandle*> all(handles_.begin(), handles_.end());
  return db_->Flush(flush, all);
}

bool RocksDb::WaitCompacted(std::chrono::steady_clock::time_point deadline) const {
  while (IntProperty("rocksdb.mem-table-flush-pending") > 0 ||
         IntProperty("rocksdb.num-running-flushes") > 0 ||
         IntProperty("rocksdb.compaction-pending") > 0 ||
         IntProperty("rocksdb.num-running-compactions") > 0) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace council::store
