// The sync ceiling: the bulk sync's district syncing its whole outbox into
// council_sync_ceiling (sync_ceiling_server.cc says what it does and
// leaves out) standing in for the province, on the province's address —
// once writing one row per record (the log entry), once the rows the
// province's store writes. What the wire, the sender's reads of its log,
// the checks every receiver makes and those rows allow on this machine,
// beside what the bulk sync reached.
#ifndef COUNCIL_TESTS_BENCH_SYNC_CEILING_H_
#define COUNCIL_TESTS_BENCH_SYNC_CEILING_H_

#include "absl/status/status.h"
#include "tests/bench/bench_nodes.h"
#include "tests/bench/bulk_await.h"
#include "tests/bench/scenarios.h"

namespace council::bench {

// What the bulk sync measured, to set beside the ceilings.
struct BulkMeasured {
  double rate = 0;        // records per second from link-up
  NodesCpu cpu_per_record;  // seconds per record, each node
};

// Stops the province and the district of `cluster` (the bulk sync's, at
// rest) and leaves both stopped.
absl::Status RunSyncCeilings(BenchCluster& cluster, const BenchConfig& config,
                             const Ceiling& ceiling, const BulkMeasured& bulk, Results* results);

}  // namespace council::bench

#endif  // COUNCIL_TESTS_BENCH_SYNC_CEILING_H_
