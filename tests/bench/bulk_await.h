// A bulk sync from district 522 to province 51 seen from the driver:
// waiting until the province holds the district's reports, and the CPU the
// two nodes spent on it. Shared by the bulk figures (bulk_sync.cc) and the
// A/B pairs (bulk_ab.cc).
#ifndef COUNCIL_TESTS_BENCH_BULK_AWAIT_H_
#define COUNCIL_TESTS_BENCH_BULK_AWAIT_H_

#include <chrono>
#include <cstdint>

#include "absl/status/statusor.h"
#include "tests/bench/bench_nodes.h"

namespace council::bench {

inline constexpr char kBulkParent[] = "51";
inline constexpr char kBulkChild[] = "522";

using BenchClock = std::chrono::steady_clock;

inline double Seconds(BenchClock::duration d) { return std::chrono::duration<double>(d).count(); }

struct Convergence {
  double seconds_from_link_up = 0;
  double seconds_from_start = 0;  // from the call's start (a restart or a dial)
  uint64_t reconnects = 0;
};

// Polls the province every `interval` until it holds `want` reports. The
// link-up time is the province's own record of it (since_ms of the
// district's link), taken the first time the link shows connected. Fails
// if either node exits, or after `timeout` (saying what it last saw).
absl::StatusOr<Convergence> AwaitParentHolds(BenchCluster& cluster, uint64_t want,
                                             BenchClock::time_point started,
                                             std::chrono::milliseconds timeout,
                                             std::chrono::microseconds interval, bool progress);

// CPU seconds the two nodes have used so far (user + system, all threads).
struct NodesCpu {
  double parent = 0, child = 0;
  double total() const { return parent + child; }
  NodesCpu operator-(const NodesCpu& o) const { return {parent - o.parent, child - o.child}; }
};
NodesCpu CpuOf(BenchCluster& cluster);

}  // namespace council::bench

#endif  // COUNCIL_TESTS_BENCH_BULK_AWAIT_H_
