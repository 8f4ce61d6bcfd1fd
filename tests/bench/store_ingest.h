// The store's own ceiling for a bulk sync: province 51's store (node/store)
// applying complete versions that district 522 relays from its communes,
// in link-sized batches with the link's inbound cursor, pipelined as a link
// applies them (each batch staged while the one before reaches the disk) —
// in this process, with nothing in front of the store: no network, TLS,
// HTTP/2 or protobuf parsing, and no signature or chain checks (the
// versions are unsigned; the store has no verifier). A sync into this
// store cannot be faster on the same machine and disk.
#ifndef COUNCIL_TESTS_BENCH_STORE_INGEST_H_
#define COUNCIL_TESTS_BENCH_STORE_INGEST_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace council::bench {

// Distinct report bodies, built before the clock starts: a version is then
// one copy and its envelope, not a fresh report's formatting.
inline constexpr size_t kStoreIngestBodies = 1024;

struct StoreIngestResult {
  uint64_t records = 0;
  double seconds = 0;       // from the first batch submitted to the last durable
  double cpu_seconds = 0;   // this process, all threads (the store's committer,
                            // indexer, flush and compaction), less building the batches
  uint64_t index_lag = 0;   // versions not yet in the search index at the end
  double indexed_cpu_seconds = 0;  // as cpu_seconds, until the index covers every version
  double records_per_second() const { return seconds > 0 ? records / seconds : 0; }
  double cpu_us_per_record() const { return records > 0 ? cpu_seconds * 1e6 / records : 0; }
  double indexed_cpu_us_per_record() const {
    return records > 0 ? indexed_cpu_seconds * 1e6 / records : 0;
  }
};

// Applies `count` reports in batches of `batch` into a fresh store in `dir`
// (which must not exist; removed afterwards). INTERNAL if a version is not
// applied.
absl::StatusOr<StoreIngestResult> StoreIngest(const std::string& dir, uint64_t count, size_t batch);

}  // namespace council::bench

#endif  // COUNCIL_TESTS_BENCH_STORE_INGEST_H_
