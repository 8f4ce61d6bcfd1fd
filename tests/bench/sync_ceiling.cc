#include "tests/bench/sync_ceiling.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "node/core/status_macros.h"
#include "tests/bench/figures.h"
#include "tests/integration/harness.h"

namespace council::bench {
namespace {

using std::chrono::milliseconds;

struct CeilingRun {
  uint64_t records = 0;
  double seconds = 0;
  double receiver_cpu = 0;  // seconds, the receiver's process
  double sender_cpu = 0;    // seconds, the district over the same span
  double rate() const { return seconds > 0 ? records / seconds : 0; }
  double receiver_us() const { return records > 0 ? receiver_cpu * 1e6 / records : 0; }
  double sender_us() const { return records > 0 ? sender_cpu * 1e6 / records : 0; }
};

// The value of `key=` in the receiver's last line.
absl::StatusOr<double> Field(absl::string_view line, absl::string_view key) {
  for (absl::string_view part : absl::StrSplit(line, ' ')) {
    double v = 0;
    if (absl::ConsumePrefix(&part, key) && absl::ConsumePrefix(&part, "=") && absl::SimpleAtod(part, &v)) {
      return v;
    }
  }
  return absl::InternalError(absl::StrCat("council_sync_ceiling printed no ", key, ": ", line));
}

absl::StatusOr<CeilingRun> RunOnce(BenchCluster& cluster, const BenchConfig& config,
                                   const std::string& rows) {
  const std::string dir = absl::StrCat(config.root, "/sync-ceiling-", rows);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  ASSIGN_OR_RETURN(itest::TlsPaths tls, itest::MakePki(config.pki_dir, kBulkParent));
  ASSIGN_OR_RETURN(ListeningProcess listening,
                   StartListening({COUNCIL_SYNC_CEILING_PATH, "--data", dir, "--listen",
                                   cluster.listen_addr(kBulkParent), "--unit", kBulkParent,
                                   "--rows", rows, "--tls_ca", tls.ca, "--tls_cert", tls.cert,
                                   "--tls_key", tls.key}));
  itest::Subprocess& server = *listening.process;
  fprintf(stderr, "council_bench: sync ceiling, --rows %s: %s's outbox into council_sync_ceiling\n",
          rows.c_str(), kBulkChild);
  RETURN_IF_ERROR(cluster.Start(kBulkChild, /*dial_parent=*/true));
  const double sender_before = CpuSeconds(cluster.pid(kBulkChild));
  const milliseconds bound(120000 + config.records / 10);
  std::optional<int> exit = server.Wait(bound);
  const double sender_used = CpuSeconds(cluster.pid(kBulkChild)) - sender_before;
  cluster.Stop(kBulkChild);
  std::filesystem::remove_all(dir, ec);
  if (!exit.has_value()) {
    return absl::DeadlineExceededError(absl::StrCat("council_sync_ceiling still syncing after ",
                                                    bound.count() / 1000, " s"));
  }
  const std::string out = server.Stdout();
  const size_t at = out.rfind("sync_ceiling ");
  if (*exit != 0 || at == std::string::npos) {
    return absl::InternalError(absl::StrCat("council_sync_ceiling exited with ", *exit, ": ",
                                            server.Stderr()));
  }
  const absl::string_view line = absl::string_view(out).substr(at);
  CeilingRun run;
  ASSIGN_OR_RETURN(double records, Field(line, "records"));
  ASSIGN_OR_RETURN(run.seconds, Field(line, "seconds"));
  ASSIGN_OR_RETURN(run.receiver_cpu, Field(line, "cpu_seconds"));
  run.records = static_cast<uint64_t>(records);
  // From its start to the receiver's exit: the receiver's span and the few
  // ms of the district's dial and hello before it.
  run.sender_cpu = sender_used;
  return run;
}

}  // namespace

absl::Status RunSyncCeilings(BenchCluster& cluster, const BenchConfig& config,
                             const Ceiling& ceiling, const BulkMeasured& bulk, Results* results) {
  cluster.Stop(kBulkParent);
  cluster.Stop(kBulkChild);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const double bulk_us = (bulk.cpu_per_record.parent + bulk.cpu_per_record.child) * 1e6;
  for (const char* rows : {"log", "store"}) {
    ASSIGN_OR_RETURN(CeilingRun run, RunOnce(cluster, config, rows));
    const bool log = absl::string_view(rows) == "log";
    const double us = run.receiver_us() + run.sender_us();
    results->figures.push_back(
        {absl::StrCat("Sync ceiling", log ? ", one row per record" : ", the store's rows",
                      ": the bulk sync's district (", Thousands(run.records),
                      " records in its outbox) into a receiver that only parses, validates, "
                      "hashes and chain-checks each record, verifies one signature per run, and "
                      "writes ",
                      log ? "its log entry" : "the rows the province's store writes for it",
                      " in one synced batch per link batch, acknowledged when durable "
                      "(council_sync_ceiling --rows ", rows, ")"),
         log ? "— (bounds any sync on this machine)" : "— (bounds a sync into this store's rows)",
         absl::StrFormat("%s rec/s (%.1f s); CPU %.1f µs/record (receiver %.1f, district %.1f): "
                         "bound %s rec/s on %u cores; the bulk sync %.0f %% of its rate at %.1f "
                         "µs/record",
                         Thousands(static_cast<uint64_t>(run.rate())), run.seconds, us,
                         run.receiver_us(), run.sender_us(), CpuBound(cores, us), cores,
                         run.rate() > 0 ? 100 * bulk.rate / run.rate() : 0, bulk_us),
         RatioText(run.rate(), ceiling.records_per_second), std::nullopt});
  }
  return absl::OkStatus();
}

}  // namespace council::bench
