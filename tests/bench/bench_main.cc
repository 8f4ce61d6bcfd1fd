// council_bench: the multi-process benchmark driver of issue #6. Starts real
// councild processes on 127.0.0.1 (mutual TLS, signed records, data on the
// disk under test), measures bulk sync, catch-up, live propagation, local
// durable writes and resources against the raw RocksDB ceiling of the same
// run, runs council_bench_micro for per-record and routing costs, prints
// every figure beside its target and, with --write-md, writes them into
// BENCHMARKS.md.
//
// Exit status: 0 when every figure was measured (whether or not it meets its
// target: speed is reported, never asserted), 1 if a measurement failed, 2
// for a usage error.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "harness.h"
#include "node/app/command_line.h"
#include "tests/bench/figures.h"
#include "tests/bench/scenarios.h"

ABSL_FLAG(uint64_t, records, 0, "records of the bulk sync (default 1,000,000; 2,000 with --small)");
ABSL_FLAG(bool, small, false,
          "tiny sizes, seconds in all (CI): 2,000 bulk, 500 catch-up, 50 live samples, 1 s of "
          "local writes, short micro benchmarks");
ABSL_FLAG(std::string, write_md, "", "write the results into this Markdown file (BENCHMARKS.md)");
ABSL_FLAG(std::string, data_root, COUNCIL_BENCH_DATA_DIR,
          "directory on the disk under test for the nodes' data (a run-<pid> subdirectory, removed "
          "afterwards); not a tmpfs");
ABSL_FLAG(int, port_base, 7800, "first of the loopback ports used (3 per node); 0 picks free ports");
ABSL_FLAG(uint64_t, catchup_records, 0, "records of the catch-up (default 10,000; 500 with --small)");
ABSL_FLAG(int, live_samples, 0, "live propagation samples (default 500; 50 with --small)");
ABSL_FLAG(double, local_seconds, 0, "duration of the local writes (default 10 s; 1 s with --small)");
ABSL_FLAG(int, local_clients, 8, "concurrent clients of the local writes");
ABSL_FLAG(uint64_t, import_batch, 2000, "records per Import call when loading the bulk child");
ABSL_FLAG(int, load_threads, 2, "concurrent Import calls when loading the bulk child");
ABSL_FLAG(std::string, only, "", "comma-separated subset of raw,bulk,live,local,micro (default all)");
ABSL_FLAG(bool, keep_data, false, "keep the run's data directory");
ABSL_FLAG(std::string, bulk_from, "",
          "A/B of the bulk sync alone: the run directory (run-<pid>) of an earlier `--only bulk "
          "--keep-data` run, whose district is copied and synced into an empty province each run");
ABSL_FLAG(std::string, councild, "",
          "with --bulk-from: one or two councild binaries, comma-separated (default: this "
          "build's); two alternate run by run");
ABSL_FLAG(int, runs, 0, "with --bulk-from: runs of each binary (default 3)");

namespace council::bench {
namespace {

std::string Quoted(const std::string& arg) {
  if (!arg.empty() && arg.find_first_of(" '\"$\\") == std::string::npos) return arg;
  return absl::StrCat("'", arg, "'");
}

std::string CommandLine(int argc, char** argv) {
  std::vector<std::string> words = {RepoRelative(argv[0])};
  for (int i = 1; i < argc; ++i) words.push_back(Quoted(argv[i]));
  return absl::StrJoin(words, " ");
}

// The first three fields of /proc/loadavg, or "unknown".
std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  if (!(in >> a >> b >> c)) return "unknown";
  return absl::StrCat(a, " ", b, " ", c);
}

template <typename T>
T OrDefault(T flag, T full, T small) {
  return flag != T{} ? flag : absl::GetFlag(FLAGS_small) ? small : full;
}

int Main(int argc, char** argv) {
  const bool small = absl::GetFlag(FLAGS_small);
  BenchConfig config;
  config.records = OrDefault<uint64_t>(absl::GetFlag(FLAGS_records), 1000000, 2000);
  config.catchup_records = OrDefault<uint64_t>(absl::GetFlag(FLAGS_catchup_records), 10000, 500);
  config.live_samples = OrDefault(absl::GetFlag(FLAGS_live_samples), 500, 50);
  config.local_seconds = OrDefault(absl::GetFlag(FLAGS_local_seconds), 10.0, 1.0);
  config.local_clients = absl::GetFlag(FLAGS_local_clients);
  config.import_batch = absl::GetFlag(FLAGS_import_batch);
  config.load_threads = absl::GetFlag(FLAGS_load_threads);
  config.port_base = absl::GetFlag(FLAGS_port_base);
  if (config.records == 0 || config.import_batch == 0 || config.load_threads <= 0 ||
      config.local_clients <= 0 || config.live_samples <= 0) {
    fprintf(stderr, "council_bench: sizes must be positive\n");
    return 2;
  }
  std::set<std::string> only;
  for (absl::string_view s : absl::StrSplit(absl::GetFlag(FLAGS_only), ',', absl::SkipEmpty())) {
    if (s != "raw" && s != "bulk" && s != "live" && s != "local" && s != "micro") {
      fprintf(stderr, "council_bench: --only takes raw, bulk, live, local, micro; not '%s'\n",
              std::string(s).c_str());
      return 2;
    }
    only.insert(std::string(s));
  }
  auto wanted = [&](const std::string& what) { return only.empty() || only.count(what) > 0; };
  BulkAbConfig ab;
  ab.kept_run = absl::GetFlag(FLAGS_bulk_from);
  ab.binaries = absl::StrSplit(absl::GetFlag(FLAGS_councild), ',', absl::SkipEmpty());
  ab.runs = absl::GetFlag(FLAGS_runs) != 0 ? absl::GetFlag(FLAGS_runs) : 3;
  if (ab.kept_run.empty() && (!ab.binaries.empty() || absl::GetFlag(FLAGS_runs) != 0)) {
    fprintf(stderr, "council_bench: --councild and --runs are for A/B runs: give --bulk-from too\n");
    return 2;
  }
  if (!ab.kept_run.empty() && (!only.empty() || !absl::GetFlag(FLAGS_write_md).empty())) {
    fprintf(stderr, "council_bench: --bulk-from runs the A/B pairs alone: no --only or --write-md\n");
    return 2;
  }
  if (ab.binaries.empty()) ab.binaries.push_back(itest::CouncildPath());

  config.root = absl::StrCat(absl::GetFlag(FLAGS_data_root), "/run-", getpid());
  config.pki_dir = config.root + "/pki";
  std::error_code ec;
  std::filesystem::create_directories(config.root, ec);
  if (ec) {
    fprintf(stderr, "council_bench: cannot create %s: %s\n", config.root.c_str(), ec.message().c_str());
    return 1;
  }
  if (!ab.kept_run.empty()) {
    absl::Status s = RunBulkAb(config, ab);
    if (!absl::GetFlag(FLAGS_keep_data)) std::filesystem::remove_all(config.root, ec);
    if (s.ok()) return 0;
    fprintf(stderr, "council_bench: %s\n", s.ToString().c_str());
    return absl::IsInvalidArgument(s) ? 2 : 1;
  }
  Results results;
  results.command = CommandLine(argc, argv);
  results.date = absl::FormatTime("%Y-%m-%d %H:%M", absl::Now(), absl::UTCTimeZone());
  results.machine = DescribeMachine(config.root, COUNCIL_BENCH_SOURCE_DIR, itest::CouncildPath());
  if (small) results.notes.push_back("`--small`: tiny sizes for CI; these figures say nothing about speed.");

  const std::string load_before = LoadAverage();
  absl::Status status;
  Ceiling ceiling;
  if (wanted("raw") || wanted("bulk") || wanted("local")) {
    absl::StatusOr<Ceiling> c = RunRawCeiling(config, &results);
    if (c.ok()) ceiling = *c;
    status.Update(c.status());
  }
  if (status.ok() && wanted("bulk")) status.Update(RunBulkAndCatchUp(config, ceiling, &results));
  if (status.ok() && wanted("live")) status.Update(RunLive(config, &results));
  if (status.ok() && wanted("local")) status.Update(RunLocalWrites(config, ceiling, &results));
  if (status.ok() && wanted("micro")) {
    status.Update(RunMicro(config, COUNCIL_BENCH_MICRO_PATH, small, &results));
  }

  results.notes.push_back(absl::StrCat(
      "Load average (1, 5, 15 min) at the start ", load_before, ", at the end ", LoadAverage(),
      ": anything else running on the machine skews every figure."));
  printf("%s", RenderText(results).c_str());
  if (!absl::GetFlag(FLAGS_keep_data)) std::filesystem::remove_all(config.root, ec);
  if (!status.ok()) {
    fprintf(stderr, "council_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  if (const std::string md = absl::GetFlag(FLAGS_write_md); !md.empty()) {
    absl::Status written = WriteMarkdown(md, results);
    if (!written.ok()) {
      fprintf(stderr, "council_bench: %s\n", written.ToString().c_str());
      return 1;
    }
    printf("results written to %s\n", md.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace council::bench

int main(int argc, char** argv) {
  council::app::SetProcessDefaults();
  absl::SetProgramUsageMessage(
      "benchmarks of issue #6 with real councild processes (TLS, signed records).\n"
      "  council_bench [--records N] [--small] [--write-md BENCHMARKS.md] [--port-base 7800]\n"
      "  council_bench --bulk-from DIR [--councild A[,B]] [--runs 3]   (A/B of the bulk sync)\n"
      "Flags may be written with dashes or, as listed below, underscores.");
  std::vector<std::string> rest =
      council::app::ParseFlags(std::vector<std::string>(argv, argv + argc), __FILE__);
  if (rest.size() > 1) {
    fprintf(stderr, "council_bench: unexpected argument '%s'\n", rest[1].c_str());
    return 2;
  }
  return council::bench::Main(argc, argv);
}
