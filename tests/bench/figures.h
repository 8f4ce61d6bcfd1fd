// The driver's results: figures with their targets, latency summaries, the
// machine they ran on, and their rendering (terminal table, BENCHMARKS.md).
#ifndef COUNCIL_TESTS_BENCH_FIGURES_H_
#define COUNCIL_TESTS_BENCH_FIGURES_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace council::bench {

struct Figure {
  std::string name;      // what was measured, with its scale
  std::string target;    // issue #6's target, or "report" / "—"
  std::string measured;  // the value with its unit
  std::string ratio;     // to the raw ceiling of the same run, or "—"
  std::optional<bool> met;  // nullopt: no target to meet
  std::string command;   // what reproduces it, if not the driver's own command
};

// Nearest-rank percentile (p in [0, 100]) of `samples`; 0 if empty.
double Percentile(std::vector<double> samples, double p);
// A latency sample's duration in milliseconds.
inline double Millis(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// "1,234,567"
std::string Thousands(uint64_t n);
// "12.3 %" of `value` over `ceiling`, or "—" if the ceiling is unknown.
std::string RatioText(double value, double ceiling);
// The rate `cores` allow when each record (or call) costs `cpu_us` of CPU,
// as Thousands: "42,507".
std::string CpuBound(double cores, double cpu_us);

struct Machine {
  unsigned cores = 0;
  std::string cpu;    // model name
  std::string disk;   // device, filesystem, model/rotational, of the data root
  std::string kernel;
  std::string source; // git commit of the measured tree, "+ local changes" if dirty
  std::string built;  // when the councild that ran was linked (UTC): the tree
                      // may have moved on since
};

// `path` relative to the source tree if it lies inside it (commands in
// BENCHMARKS.md are run from the repository root), else unchanged.
std::string RepoRelative(const std::string& path);

// Collects Machine for data under `data_root`, sources in `source_dir` and
// the councild binary at `councild`.
Machine DescribeMachine(const std::string& data_root, const std::string& source_dir,
                        const std::string& councild);

struct Results {
  std::vector<Figure> figures;
  std::vector<std::string> notes;       // one line each, printed under the table
  std::vector<Figure> micro;            // per-record costs (council_bench_micro)
  Machine machine;
  std::string command;                  // reproduces the run
  std::string date;                     // UTC, YYYY-MM-DD HH:MM
};

// A plain-text table for the terminal.
std::string RenderText(const Results& r);
// The Markdown results section (between its markers).
std::string RenderMarkdown(const Results& r);

// Writes RenderMarkdown(r) into `path`, replacing an earlier results
// section (between "<!-- council_bench:begin -->" and "<!-- council_bench:end -->")
// and keeping everything else; a new file gets a title and a "Where the
// time goes" section to fill in.
absl::Status WriteMarkdown(const std::string& path, const Results& r);

}  // namespace council::bench

#endif  // COUNCIL_TESTS_BENCH_FIGURES_H_
