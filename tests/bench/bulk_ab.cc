// The bulk sync alone, from a kept district, for A/B pairs (scenarios.h).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "node/core/status_macros.h"
#include "tests/bench/bulk_await.h"
#include "tests/bench/figures.h"
#include "tests/bench/scenarios.h"

namespace council::bench {
namespace {

namespace fs = std::filesystem;

struct AbRun {
  double rate = 0;      // reports per second from link-up
  double parent_us = 0;  // CPU per report, all threads
  double child_us = 0;
};

// The median of one figure over `runs`.
double MedianOf(const std::vector<AbRun>& runs, double AbRun::*figure) {
  std::vector<double> v;
  for (const AbRun& r : runs) v.push_back(r.*figure);
  return Percentile(std::move(v), 50);
}

absl::Status CheckInputs(const BulkAbConfig& ab) {
  const fs::path child = fs::path(ab.kept_run) / "bulk" / kBulkChild;
  if (!fs::is_directory(child) || !fs::exists(fs::path(ab.kept_run) / "pki" / "ca.crt")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--bulk-from ", ab.kept_run, ": not a run directory kept by `council_bench --only bulk "
        "--keep-data` (it needs bulk/", kBulkChild, " and pki/ca.crt)"));
  }
  if (ab.binaries.empty() || ab.binaries.size() > 2) {
    return absl::InvalidArgumentError("--councild takes one or two paths, comma-separated");
  }
  for (const std::string& b : ab.binaries) {
    if (!fs::is_regular_file(b) || access(b.c_str(), X_OK) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("--councild ", b, ": not an executable file"));
    }
  }
  if (ab.runs <= 0) return absl::InvalidArgumentError("--runs must be positive");
  return absl::OkStatus();
}

// One sync of a copy of the kept district into an empty province in `dir`.
absl::StatusOr<AbRun> SyncOnce(const BenchConfig& config, const BulkAbConfig& ab,
                               const std::string& binary, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::copy(fs::path(ab.kept_run) / "bulk" / kBulkChild, fs::path(dir) / kBulkChild,
           fs::copy_options::recursive, ec);
  if (ec) return absl::InternalError(absl::StrCat("copying the kept district: ", ec.message()));
  BenchCluster cluster(dir, config.pki_dir, config.port_base);
  cluster.set_councild(binary);
  cluster.Add({kBulkParent, "province", ""});
  cluster.Add({kBulkChild, "district", kBulkParent});
  RETURN_IF_ERROR(cluster.Start(kBulkParent, false));
  const auto dialled = BenchClock::now();
  RETURN_IF_ERROR(cluster.Start(kBulkChild, /*dial_parent=*/true));
  const NodesCpu before = CpuOf(cluster);
  ASSIGN_OR_RETURN(v1::StatusReply child, cluster.admin(kBulkChild).Status());
  const uint64_t want = CountOf(child, "report");
  if (want == 0) return absl::FailedPreconditionError("the kept district holds no reports");
  ASSIGN_OR_RETURN(Convergence c,
                   AwaitParentHolds(cluster, want, dialled,
                                    std::chrono::milliseconds(120000 + want * 2),
                                    std::chrono::milliseconds(20), /*progress=*/false));
  const NodesCpu used = CpuOf(cluster) - before;
  return AbRun{want / c.seconds_from_link_up, used.parent * 1e6 / want, used.child * 1e6 / want};
}

}  // namespace

absl::Status RunBulkAb(const BenchConfig& config, const BulkAbConfig& ab) {
  RETURN_IF_ERROR(CheckInputs(ab));
  std::error_code ec;
  fs::copy(fs::path(ab.kept_run) / "pki", config.pki_dir,
           fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  if (ec) return absl::InternalError(absl::StrCat("copying the kept certificates: ", ec.message()));
  const size_t n = ab.binaries.size();
  std::vector<std::vector<AbRun>> runs(n);
  for (size_t k = 0; k < ab.runs * n; ++k) {
    const size_t b = k % n;
    const std::string dir = absl::StrCat(config.root, "/ab-", k + 1);
    absl::StatusOr<AbRun> r = SyncOnce(config, ab, ab.binaries[b], dir);
    fs::remove_all(dir, ec);
    if (!r.ok()) return r.status();
    runs[b].push_back(*r);
    printf("%c %zu/%d: %s rec/s; CPU per report: province %.1f µs, district %.1f µs\n",
           static_cast<char>('A' + b), runs[b].size(), ab.runs,
           Thousands(static_cast<uint64_t>(r->rate)).c_str(), r->parent_us, r->child_us);
    fflush(stdout);
  }
  std::vector<AbRun> medians;
  for (size_t b = 0; b < n; ++b) {
    const AbRun& m = medians.emplace_back(AbRun{MedianOf(runs[b], &AbRun::rate),
                                                MedianOf(runs[b], &AbRun::parent_us),
                                                MedianOf(runs[b], &AbRun::child_us)});
    printf("%c median of %d: %s rec/s; province %.1f µs, district %.1f µs per report (%s)\n",
           static_cast<char>('A' + b), ab.runs, Thousands(static_cast<uint64_t>(m.rate)).c_str(),
           m.parent_us, m.child_us, ab.binaries[b].c_str());
  }
  if (n == 2) {
    // CPU is read in clock ticks: a short run can measure none for A.
    auto ratio = [](double b, double a) -> std::string {
      return a > 0 ? absl::StrFormat("%.3f", b / a) : "— (A measured 0)";
    };
    printf("B / A: rate %s, province CPU %s, district CPU %s\n",
           ratio(medians[1].rate, medians[0].rate).c_str(),
           ratio(medians[1].parent_us, medians[0].parent_us).c_str(),
           ratio(medians[1].child_us, medians[0].child_us).c_str());
  }
  return absl::OkStatus();
}

}  // namespace council::bench
