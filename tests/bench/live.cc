// Live propagation (scenarios.h).
#include <chrono>
#include <cstdio>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "node/core/status_macros.h"
#include "tests/bench/bench_nodes.h"
#include "tests/bench/bench_records.h"
#include "tests/bench/scenarios.h"

namespace council::bench {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// The Get poll's period: short against the 5 ms target, long enough not to
// steal much of the 2 cores the nodes share with the driver.
constexpr std::chrono::microseconds kLivePoll(200);

// Puts a report at `writer` and polls `reader` until it holds it. The
// propagation time (Put sent → Get found), and the Put's own time.
absl::StatusOr<std::pair<double, double>> OneLiveSample(AdminClient& writer, AdminClient& reader,
                                                        uint64_t i) {
  const auto start = Clock::now();
  ASSIGN_OR_RETURN(v1::Record stored, writer.Put(ReportDraft(i)));
  const double put_ms = Millis(Clock::now() - start);
  double seen_ms = 0;
  RETURN_IF_ERROR(WaitUntil(
      [&]() -> absl::StatusOr<bool> {
        absl::StatusOr<v1::Record> got = reader.Get(stored.id());
        if (absl::IsNotFound(got.status())) return false;
        if (!got.ok()) return got.status();
        seen_ms = Millis(Clock::now() - start);
        return true;
      },
      milliseconds(10000), absl::StrCat(stored.id(), " reaching the province"), kLivePoll));
  return std::make_pair(seen_ms, put_ms);
}

}  // namespace

absl::Status RunLive(const BenchConfig& config, Results* results) {
  BenchCluster cluster(config.root + "/live", config.pki_dir, config.port_base);
  cluster.Add({"51", "province", ""});
  cluster.Add({"522", "district", "51"});
  cluster.Add({"21550", "commune", "522"});
  RETURN_IF_ERROR(cluster.Start("51", true));
  RETURN_IF_ERROR(cluster.Start("522", true));
  RETURN_IF_ERROR(cluster.Start("21550", true));
  AdminClient& commune = cluster.admin("21550");
  AdminClient& province = cluster.admin("51");
  // The tree is up once the commune's own unit record reached the province.
  RETURN_IF_ERROR(WaitUntil(
      [&]() -> absl::StatusOr<bool> { return province.Get("21550:1").ok(); }, milliseconds(30000),
      "the commune's unit record reaching the province"));
  fprintf(stderr, "council_bench: live propagation, %d samples\n", config.live_samples);
  for (int i = 0; i < 5; ++i) RETURN_IF_ERROR(OneLiveSample(commune, province, i).status());
  std::vector<double> seen, put;
  for (int i = 0; i < config.live_samples; ++i) {
    ASSIGN_OR_RETURN(auto sample, OneLiveSample(commune, province, 100 + i));
    seen.push_back(sample.first);
    put.push_back(sample.second);
  }
  const double p50 = Percentile(seen, 50), p99 = Percentile(seen, 99);
  const std::string name = absl::StrCat("Live propagation commune → district → province, ",
                                        config.live_samples, " sequential writes");
  results->figures.push_back({name + ", p50", "≤ 5 ms", absl::StrFormat("%.2f ms", p50), "—",
                              p50 <= 5});
  results->figures.push_back({name + ", p99", "≤ 25 ms",
                              absl::StrFormat("%.2f ms (max %.2f)", p99, Percentile(seen, 100)),
                              "—", p99 <= 25});
  results->notes.push_back(absl::StrFormat(
      "Live propagation is timed from sending the Put at the commune to the first Get at the "
      "province that finds the record (polled every %lld µs); of it, the commune's own durable "
      "Put took p50 %.2f ms, p99 %.2f ms.",
      static_cast<long long>(kLivePoll.count()), Percentile(put, 50), Percentile(put, 99)));
  return absl::OkStatus();
}

}  // namespace council::bench
