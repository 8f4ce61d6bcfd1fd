// The driver's measurements, one function per figure group of issue #6.
// Each starts its own nodes (BenchCluster) in a fresh directory under the
// run's data root, appends its figures to `results`, and stops every node
// it started before returning, also on error.
#ifndef COUNCIL_TESTS_BENCH_SCENARIOS_H_
#define COUNCIL_TESTS_BENCH_SCENARIOS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/bench/figures.h"

namespace council::bench {

struct BenchConfig {
  std::string root;      // data root of this run, on the disk under test
  std::string pki_dir;   // the run's CA and node certificates
  int port_base = 7800;  // 0: free ports
  uint64_t records = 1000000;        // bulk sync
  uint64_t catchup_records = 10000;
  int live_samples = 500;
  double local_seconds = 10;
  int local_clients = 8;
  size_t import_batch = 2000;  // records per Import call when loading a node
  int load_threads = 2;        // concurrent Import calls when loading
};

// The raw RocksDB ceiling measured in this run.
struct Ceiling {
  double records_per_second = 0;
  double disk_bytes_per_record = 0;
  double value_bytes_per_record = 0;
  double cpu_us_per_record = 0;  // all threads: the write, flush and compaction
  double transport_cpu_us_per_record = 0;  // the transport ceiling's, both ends
  double rows_cpu_us_per_record = 0;  // RocksDB writing the province store's rows alone
};

// Raw ingest of `config.records` stored-size records (synced batches of
// 1,000) in `config.root`/raw, removed afterwards; then the store's own
// ceiling (store_ingest.h) and the wire's (transport_ceiling.h) for as many.
absl::StatusOr<Ceiling> RunRawCeiling(const BenchConfig& config, Results* results);

// Bulk sync: district 522 holding `records` reports (loaded with Import
// while it has no parent link) dials an empty province 51; timed from the
// link coming up until the province holds them all. Then catch-up: the
// province stops, 522 records `catchup_records` more, the province starts
// again; timed from the link coming back until the province holds them.
// Also peak RSS of both, link bytes and disk bytes per record.
absl::Status RunBulkAndCatchUp(const BenchConfig& config, const Ceiling& ceiling,
                               Results* results);

// Live propagation: commune 21550 → district 522 → province 51; a Put at
// the commune until a Get at the province finds it, `live_samples` times.
absl::Status RunLive(const BenchConfig& config, Results* results);

// Local durable writes: `local_clients` threads, each with its own
// connection, Put one record at a time at one node for `local_seconds`.
absl::Status RunLocalWrites(const BenchConfig& config, const Ceiling& ceiling, Results* results);

// The bulk sync alone, for A/B pairs: each run copies the district kept by
// an earlier `--only bulk --keep-data` run (`kept_run`, its run-<pid>
// directory: bulk/522 and pki) and syncs the copy into an empty province,
// both nodes started from `binaries[run % binaries.size()]` — two binaries
// alternate, so that the machine's drift falls on both alike. Prints each
// run (rate from link-up, CPU per report of each node) and each binary's
// medians; writes no figures.
struct BulkAbConfig {
  std::string kept_run;
  std::vector<std::string> binaries;  // one or two councild paths
  int runs = 3;                       // of each binary
};
absl::Status RunBulkAb(const BenchConfig& config, const BulkAbConfig& ab);

// Runs council_bench_micro (per-record costs, routing cost) with its JSON
// output and adds its figures; `small` shortens every benchmark.
absl::Status RunMicro(const BenchConfig& config, const std::string& micro_path, bool small,
                      Results* results);

}  // namespace council::bench

#endif  // COUNCIL_TESTS_BENCH_SCENARIOS_H_
