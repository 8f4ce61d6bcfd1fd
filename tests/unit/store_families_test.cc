// The store's column families (node/store/rocks_db.h): a store written
// before the log, the search index and the per-record tables had their own
// families (everything in the default one) opens with every record, count and search hit intact,
// its rows moved; so does one whose move a crash interrupted.
#include <string>
#include <vector>

#include "node/store/keys.h"
#include "node/store/rocks_db.h"
#include "rocksdb/db.h"
#include "store_fixture.h"

namespace council::store::test {
namespace {

// Rewrites the closed store in `dir` into the layout of one family: every
// row of the other families copied into the default family; those families
// dropped unless `keep_families` (a move a crash cut short, rows in both).
void ToOneFamily(const std::string& dir, bool keep_families) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  ASSERT_EQ(names.size(), size_t{RocksDb::kFamilies});
  ASSERT_EQ(names[0], rocksdb::kDefaultColumnFamilyName);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status opened = rocksdb::DB::Open(rocksdb::DBOptions(), dir, descriptors, &handles, &raw);
  ASSERT_TRUE(opened.ok()) << opened.ToString();
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteBatch batch;
  for (size_t f = 1; f < handles.size(); ++f) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[f]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) batch.Put(it->key(), it->value());
    ASSERT_TRUE(it->status().ok());
  }
  ASSERT_GT(batch.Count(), 0u);
  ASSERT_TRUE(db->Write(rocksdb::WriteOptions(), &batch).ok());
  for (size_t f = 1; f < handles.size() && !keep_families; ++f) {
    ASSERT_TRUE(db->DropColumnFamily(handles[f]).ok());
  }
  for (rocksdb::ColumnFamilyHandle* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  ASSERT_TRUE(db->Close().ok());
}

// How many rows of `table` the default family of the closed store holds,
// read as it is (read-only: no move).
size_t RowsInDefaultFamily(const std::string& dir, char table) {
  std::vector<std::string> names;
  EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  EXPECT_TRUE(rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, descriptors, &handles, &raw).ok());
  if (raw == nullptr) return 0;
  std::unique_ptr<rocksdb::DB> db(raw);
  size_t n = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    const std::string prefix(1, table);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) ++n;
  }
  for (rocksdb::ColumnFamilyHandle* h : handles) db->DestroyColumnFamilyHandle(h);
  return n;
}

class StoreFamiliesTest : public StoreTest, public ::testing::WithParamInterface<bool> {
 protected:
  // Records with Vietnamese text, indexed for search, then the store closed.
  void WriteAndClose() {
    written_ = Create({ReportDraft(), ConclusionDraft(), PetitionDraft(),
                       ReportDraft("2023-H1", "Báo cáo giám sát chuyên đề đất đai")});
    ASSERT_EQ(written_.size(), 4u);
    ASSERT_TRUE(store_->WaitIndexed(std::chrono::steady_clock::now() + std::chrono::seconds(10)));
    counts_ = store_->Counts();
    store_.reset();
  }
  std::vector<v1::Record> written_;
  std::map<std::string, uint64_t> counts_;
};

TEST_P(StoreFamiliesTest, AStoreOfOneFamilyOpensWithEverythingMoved) {
  WriteAndClose();
  const std::string db_dir = dir_.Sub("db");
  ToOneFamily(db_dir, /*keep_families=*/GetParam());
  // The old layout, or the move cut short: the per-record tables there too.
  for (char table : {keys::kLog, keys::kCurrent, keys::kByKind, keys::kByUnit, keys::kByPeriod}) {
    ASSERT_GT(RowsInDefaultFamily(db_dir, table), 0u) << table;
  }

  Reopen();
  EXPECT_GE(store_->RowsMovedAtOpen(), written_.size());  // at least the log entries
  for (const v1::Record& r : written_) {
    absl::StatusOr<v1::Record> got = store_->Get(r.id());
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(core::CanonicalBytes(*got), core::CanonicalBytes(r));  // Vietnamese text intact
  }
  EXPECT_EQ(store_->Counts(), counts_);
  absl::StatusOr<std::map<std::string, uint32_t>> hits = store_->Postings("dai");  // "đai" folded
  ASSERT_TRUE(hits.ok()) << hits.status();
  EXPECT_EQ(hits->count(written_[3].id()), 1u);
  EXPECT_EQ(hits->size(), 1u);
  // It goes on: the next sequence follows the moved log.
  EXPECT_EQ(Create(ReportDraft()).id(), "522:5");

  store_.reset();
  for (const RocksDb::TableFamily& t : RocksDb::kOutsideMain) {
    EXPECT_EQ(RowsInDefaultFamily(db_dir, t.table), 0u) << t.table;
  }
  Reopen();
  EXPECT_EQ(store_->RowsMovedAtOpen(), 0u);  // moved once
  EXPECT_EQ(store_->Get("522:5").status().code(), absl::StatusCode::kOk);
}

INSTANTIATE_TEST_SUITE_P(OldLayoutAndInterruptedMove, StoreFamiliesTest, ::testing::Bool());

}  // namespace
}  // namespace council::store::test
