#include "node/store/rocks_options.h"

#include <memory>

#include "node/store/keys.h"
#include "rocksdb/cache.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"

namespace council::store {
namespace {

constexpr size_t kBlockCacheBytes = 8 << 20;

// The tables whose keys end in a be64 that grows as records arrive (log,
// pointers, indexes, outboxes, feed): everything before it is the prefix
// under which RocksDB keeps a memtable insert hint, so a batch of
// consecutive keys is inserted next to the previous one instead of each
// searched from the top of the skip list.
class SequencedKeyPrefix : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "council.SequencedKeyPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - 8);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    if (key.size() <= 8) return false;
    switch (key[0]) {
      case keys::kLog: case keys::kCurrent: case keys::kByKind: case keys::kByUnit:
      case keys::kByPeriod: case keys::kOutbox: case keys::kFeed: case keys::kIndexed:
        return true;
      default:
        return false;
    }
  }
};

// Write-ahead log files preallocated with their size (mode 0 fallocate)
// instead of beyond it (RocksDB's FALLOC_FL_KEEP_SIZE): a synced commit then
// appends inside the file's size, so its fdatasync has no size change to
// commit to the file system's journal first (BENCHMARKS.md: a quarter less
// CPU and time per sync on this machine's ext4). A crash leaves the
// preallocated tail as zeros, which recovery reads as RocksDB's
// preallocated-space record (kZeroType) up to the end of the file,
// reporting nothing; closing a log trims it to what was written.
class SizedLogFileSystem : public rocksdb::FileSystemWrapper {
 public:
  SizedLogFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "council.SizedLogFileSystem"; }
  rocksdb::FileOptions OptimizeForLogWrite(const rocksdb::FileOptions& file_options,
                                           const rocksdb::DBOptions& db_options) const override {
    rocksdb::FileOptions log = target()->OptimizeForLogWrite(file_options, db_options);
    log.fallocate_with_keep_size = false;
    return log;
  }
};

// One for the process, never freed: every open store uses it.
rocksdb::Env* SizedLogEnv() {
  static rocksdb::Env* const env =
      rocksdb::NewCompositeEnv(std::make_shared<SizedLogFileSystem>()).release();
  return env;
}

// One block cache for every family of a process's stores.
std::shared_ptr<rocksdb::TableFactory> TableFactory() {
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Index and filter blocks live in one bounded cache with the data blocks
  // instead of beside it, where they grow with the store (a hub's years of
  // records): memory stays flat as the data grows. Partitioned, so that a
  // read that misses the cache loads one small partition, not a file's
  // whole index (which made reads slow down as the store grew).
  table.block_cache = rocksdb::NewLRUCache(kBlockCacheBytes);
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.pin_top_level_index_and_filter = true;
  table.optimize_filters_for_memory = true;
  return std::shared_ptr<rocksdb::TableFactory>(rocksdb::NewBlockBasedTableFactory(table));
}

}  // namespace

rocksdb::DBOptions DbOptions() {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.env = SizedLogEnv();
  options.IncreaseParallelism(2);
  // Bounded memory (a commune PC is modest; BENCHMARKS.md, peak RSS): past
  // this much in the memtables of all families, the oldest is flushed. 40
  // MiB (log 24) put a receiving hub at 139-150 MB in a 1M bulk sync (one
  // link batch read ahead); 32 (log 16) at 128-136 MB, and no slower in
  // two interleaved pairs.
  options.db_write_buffer_size = 32 << 20;
  // A family written seldom (the search index while a sync runs) keeps the
  // write-ahead log files of its unflushed rows: past this, RocksDB flushes
  // it, so that the log, and a recovery's replay of it, stay bounded.
  options.max_total_wal_size = 96 << 20;
  // Insert hints work only with one memtable writer at a time; the store
  // has one committer thread, and the indexer's batches are rare.
  options.allow_concurrent_memtable_write = false;
  return options;
}

rocksdb::ColumnFamilyOptions FamilyOptions(bool log, int level0_files) {
  static const std::shared_ptr<rocksdb::TableFactory> table_factory = TableFactory();
  rocksdb::ColumnFamilyOptions options;
  options.compression = rocksdb::kLZ4Compression;
  // Each family's two memtables at most: 32 MiB for the log (~1 KB per
  // record), 16 MiB for the others (small rows).
  options.write_buffer_size = (log ? 16 : 8) << 20;
  options.max_write_buffer_number = 2;
  // A hub's rows arrive interleaved across its origins, so each flushed
  // file spans every origin's range and an L0 compaction rewrites most of
  // the level below: letting eight files gather (RocksDB's default is four)
  // halves those rewrites (BENCHMARKS.md, "The store's rows": six origins'
  // rows 23-25 vs 30-39 us/record, the store ceiling 39-42 vs 46-47). A
  // read seeks into every L0 file, so the families read by seeks take
  // fewer (rocks_options.h).
  options.level0_file_num_compaction_trigger = level0_files;
  // Level sizes set from the last level up, so that the first level
  // compacted into is not a fixed 256 MiB rewritten whole by each L0
  // compaction (bulk sync of 1M records: hub CPU 44 -> 40 us/record).
  options.level_compaction_dynamic_level_bytes = true;
  if (log) {
    // Versions arrive in runs of each origin's sequence: flushed files seldom
    // overlap, and compaction mostly moves them down without rewriting, so
    // they are compressed as they are flushed.
    options.compression_per_level = {};
  } else {
    // L0 and the base level are rewritten soon by compaction: compressing
    // them costs CPU for nothing; deeper levels, where the data stays, are.
    options.compression_per_level = {rocksdb::kNoCompression, rocksdb::kNoCompression,
                                     rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                                     rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                                     rocksdb::kLZ4Compression};
  }
  options.memtable_insert_with_hint_prefix_extractor = std::make_shared<SequencedKeyPrefix>();
  options.table_factory = table_factory;
  return options;
}

}  // namespace council::store
