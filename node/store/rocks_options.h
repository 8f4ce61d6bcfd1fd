// The RocksDB options of a node's store, in one place: RocksDb::Open uses
// them, and so does the benchmark's raw ceiling (tests/bench/raw_ingest.h),
// so that the ceiling is the same engine configuration on the same disk.
#ifndef COUNCIL_NODE_STORE_ROCKS_OPTIONS_H_
#define COUNCIL_NODE_STORE_ROCKS_OPTIONS_H_

#include "rocksdb/options.h"

namespace council::store {

// Options for opening (or creating) a store's database (RocksDb::Open).
rocksdb::DBOptions DbOptions();
// Options of one column family: `log` for the log's (LAYOUT.md);
// `level0_files` files gather at level 0 before they are compacted. Every
// seek reads each of them: 8 for the families written a row per record,
// 4 for the main family, whose few rows are rewritten in place, 2 for the
// outboxes, sought into for every routing read and every batch a link sends
// (BENCHMARKS.md, routing: a child's outbox read at 1M then costs what it
// does at 100k).
rocksdb::ColumnFamilyOptions FamilyOptions(bool log, int level0_files);

}  // namespace council::store

#endif  // COUNCIL_NODE_STORE_ROCKS_OPTIONS_H_
