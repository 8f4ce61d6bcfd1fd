// The raw ceiling: RocksDB WriteBatch ingest of stored-size records on a
// given disk, opened as the node's store opens its database
// (node/store/rocks_db.h). One key per record, the log key, in the log's
// column family: no indexes, no routing, no signatures — the limit a node's sync
// cannot beat on that disk.
#ifndef COUNCIL_TESTS_BENCH_RAW_INGEST_H_
#define COUNCIL_TESTS_BENCH_RAW_INGEST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace council::store {
class RocksDb;
}

namespace council::bench {

// A RocksDB database opened like the node's store. Not thread-safe.
class RawDb {
 public:
  // Creates (or reopens) the database in `dir`. UNAVAILABLE with RocksDB's
  // reason if it cannot.
  static absl::StatusOr<std::unique_ptr<RawDb>> Open(const std::string& dir);
  ~RawDb();

  // Commits `rows` as one WriteBatch; `sync` fsyncs the WAL first.
  absl::Status Write(const std::vector<std::pair<std::string, std::string>>& rows, bool sync);
  // Flushes every family and waits (at most 5 min) until no compaction is
  // running or due: what the writes cost the disk's background work is then
  // all spent.
  absl::Status Settle();

 private:
  explicit RawDb(std::unique_ptr<store::RocksDb> db);
  std::unique_ptr<store::RocksDb> db_;
};

struct RawIngestResult {
  uint64_t records = 0;
  uint64_t rows = 0;         // keys written
  uint64_t value_bytes = 0;  // values written
  double write_seconds = 0;  // time inside RocksDB Write calls only
  // CPU of this process from opening the database until the last write
  // is flushed and compacted (RawDb::Settle; all threads), less encoding
  // the records
  double cpu_seconds = 0;
  uint64_t disk_bytes = 0;   // the directory's files after closing
  double records_per_second() const { return write_seconds > 0 ? records / write_seconds : 0; }
  double cpu_us_per_record() const { return records > 0 ? cpu_seconds * 1e6 / records : 0; }
};

// Writes core::CanonicalBytes(StoredReport(origin, seq)), seq = 1..count, into a fresh database in
// `dir` (which must not exist), `batch` records per WriteBatch, each synced
// if `sync`. Serialization happens outside the timed Write calls.
absl::StatusOr<RawIngestResult> RawIngest(const std::string& dir, uint64_t count, size_t batch,
                                          bool sync, const std::string& origin = "522");

// RocksDB alone writing the rows that a province's store writes when it
// applies `count` reports relayed by a district from `origins` of its
// communes (1 to 6, interleaved record by record as the store ceiling's),
// in synced batches of `batch` — per report its log entry, current pointer,
// kind, unit and period index entries and change-feed entry; per batch each
// origin's head, the report tallies, the inbound cursor and the count
// (LAYOUT.md) — with none of the store's code: no staging, apply rules or
// search index. What the store's rows cost on this disk, whatever code
// computes them.
absl::StatusOr<RawIngestResult> HubRowsIngest(const std::string& dir, uint64_t count,
                                              size_t batch, size_t origins);

// CPU time used so far, user and system: by this process (all its threads),
// and by the calling thread.
double ProcessCpuSeconds();
double ThreadCpuSeconds();

// Total size of the regular files under `dir` (0 if it does not exist).
uint64_t DirectoryBytes(const std::string& dir);

}  // namespace council::bench

#endif  // COUNCIL_TESTS_BENCH_RAW_INGEST_H_
