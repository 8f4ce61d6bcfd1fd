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
// `short_level0` for a family a link seeks into for every batch it sends
// (the outbox), or whose few rows are rewritten in place (the main family):
// compacted once four files gather at level 0, not eight.
rocksdb::ColumnFamilyOptions FamilyOptions(bool log, bool short_level0);

}  // namespace council::store

#endif  // COUNCIL_NODE_STORE_ROCKS_OPTIONS_H_
