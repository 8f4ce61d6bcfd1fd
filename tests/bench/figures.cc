#include "tests/bench/figures.h"

#include <sys/utsname.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "harness.h"

namespace council::bench {
namespace {

constexpr char kBegin[] = "<!-- council_bench:begin -->";
constexpr char kEnd[] = "<!-- council_bench:end -->";

std::string Sh(const std::string& command) {
  itest::RunResult r = itest::Run({"/bin/sh", "-c", command}, "", std::chrono::seconds(10));
  return r.exit_code == 0 ? itest::TrimNewlines(r.out) : "";
}

// Terminal columns of UTF-8 text: one per code point.
size_t Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Pad(const std::string& s, size_t width) {
  return s + std::string(width > Width(s) ? width - Width(s) : 0, ' ');
}

std::string MetText(const std::optional<bool>& met) {
  if (!met) return "—";
  return *met ? "yes" : "**no**";
}

}  // namespace

double Percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * samples.size()));
  return samples[std::clamp<size_t>(rank, 1, samples.size()) - 1];
}

std::string Thousands(uint64_t n) {
  std::string digits = absl::StrCat(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string RatioText(double value, double ceiling) {
  if (ceiling <= 0) return "—";
  return absl::StrFormat("%.1f %%", 100.0 * value / ceiling);
}

std::string CpuBound(double cores, double cpu_us) {
  return Thousands(static_cast<uint64_t>(cores * 1e6 / cpu_us));
}

std::string RepoRelative(const std::string& path) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::weakly_canonical(path, ec);
  if (ec) return path;
  std::filesystem::path root = std::filesystem::weakly_canonical(COUNCIL_BENCH_SOURCE_DIR, ec);
  if (ec) return path;
  std::string a = abs.string(), r = root.string() + "/";
  return a.rfind(r, 0) == 0 ? a.substr(r.size()) : path;
}

Machine DescribeMachine(const std::string& data_root, const std::string& source_dir,
                        const std::string& councild) {
  Machine m;
  m.cores = std::thread::hardware_concurrency();
  m.cpu = Sh("sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1");
  std::string device = Sh(absl::StrCat("df -P '", data_root, "' | awk 'NR==2{print $1}'"));
  std::string fs = Sh(absl::StrCat("df -PT '", data_root, "' | awk 'NR==2{printf \"%s, %.0f GiB\", $2, $3/1048576}'"));
  std::string model = Sh(absl::StrCat("lsblk -dno MODEL '", device, "' 2>/dev/null | sed 's/ *$//'"));
  std::string rota = Sh(absl::StrCat("lsblk -dno ROTA '", device, "' 2>/dev/null | tr -d ' '"));
  m.disk = absl::StrCat(device, " (", fs, model.empty() ? "" : absl::StrCat(", ", model),
                        rota == "0" ? ", lsblk: non-rotational" : rota == "1" ? ", lsblk: rotational" : "", ")");
  utsname u{};
  if (uname(&u) == 0) m.kernel = absl::StrCat(u.sysname, " ", u.release);
  std::string commit = Sh(absl::StrCat("git -C '", source_dir, "' rev-parse --short HEAD 2>/dev/null"));
  std::string dirty = Sh(absl::StrCat("git -C '", source_dir, "' status --porcelain --untracked-files=no 2>/dev/null | head -1"));
  m.source = commit.empty() ? "unknown" : absl::StrCat(commit, dirty.empty() ? "" : " + local changes");
  m.built = Sh(absl::StrCat("date -u -r '", councild, "' '+%Y-%m-%d %H:%M'"));
  return m;
}

std::string RenderText(const Results& r) {
  size_t w[4] = {6, 6, 8, 5};
  for (const Figure& f : r.figures) {
    w[0] = std::max(w[0], Width(f.name));
    w[1] = std::max(w[1], Width(f.target));
    w[2] = std::max(w[2], Width(f.measured));
    w[3] = std::max(w[3], Width(f.ratio));
  }
  auto row = [&](const std::string& a, const std::string& b, const std::string& c,
                 const std::string& d, const std::string& met) {
    return absl::StrCat(Pad(a, w[0]), "  ", Pad(b, w[1]), "  ", Pad(c, w[2]), "  ", Pad(d, w[3]),
                        "  ", met, "\n");
  };
  std::string out = row("figure", "target", "measured", "raw %", "met");
  for (const Figure& f : r.figures) {
    out += row(f.name, f.target, f.measured, f.ratio, f.met ? (*f.met ? "yes" : "NO") : "-");
  }
  for (const Figure& f : r.micro) absl::StrAppend(&out, "micro: ", f.name, ": ", f.measured, "\n");
  for (const std::string& n : r.notes) absl::StrAppend(&out, "note: ", n, "\n");
  absl::StrAppend(&out, "machine: ", r.machine.cores, " cores (", r.machine.cpu, "), disk ",
                  r.machine.disk, ", ", r.machine.kernel, ", tree ", r.machine.source,
                  ", councild built ", r.machine.built, " UTC\n");
  return out;
}

std::string RenderMarkdown(const Results& r) {
  // Commands are listed once and named by letter in the tables: A is the
  // driver's; others (council_bench_micro's) follow in order of appearance.
  std::vector<std::string> commands = {r.command};
  auto letter = [&](const std::string& command) {
    const std::string& c = command.empty() ? r.command : command;
    size_t i = std::find(commands.begin(), commands.end(), c) - commands.begin();
    if (i == commands.size()) commands.push_back(c);
    return std::string(1, static_cast<char>('A' + i));
  };
  std::string table = "| Figure | Target | Measured | Ratio to raw ceiling | Met | Command |\n"
                      "|---|---|---|---|---|---|\n";
  for (const Figure& f : r.figures) {
    absl::StrAppend(&table, "| ", f.name, " | ", f.target, " | ", f.measured, " | ", f.ratio, " | ",
                    MetText(f.met), " | ", letter(f.command), " |\n");
  }
  std::string micro;
  if (!r.micro.empty()) {
    micro = "\n### Per-record costs and routing (council_bench_micro)\n\n"
            "| Operation | Measured | Command |\n|---|---|---|\n";
    for (const Figure& f : r.micro) {
      absl::StrAppend(&micro, "| ", f.name, " | ", f.measured, " | ", letter(f.command), " |\n");
    }
  }
  std::string out = absl::StrCat(kBegin, "\n## Results\n\n");
  absl::StrAppend(&out, "Measured ", r.date, " UTC. Machine: ", r.machine.cores, " cores (",
                  r.machine.cpu, "); data on ", r.machine.disk, "; ", r.machine.kernel,
                  ". Tree: ", r.machine.source, "; councild built ", r.machine.built,
                  " UTC.\n\nCommands, from the repository root:\n\n");
  for (size_t i = 0; i < commands.size(); ++i) {
    absl::StrAppend(&out, "- ", std::string(1, static_cast<char>('A' + i)), ": `", commands[i], "`\n");
  }
  absl::StrAppend(&out, "\n", table);
  if (!r.notes.empty()) {
    absl::StrAppend(&out, "\n");
    for (const std::string& n : r.notes) absl::StrAppend(&out, "- ", n, "\n");
  }
  absl::StrAppend(&out, micro, kEnd, "\n");
  return out;
}

absl::Status WriteMarkdown(const std::string& path, const Results& r) {
  std::string old = itest::ReadFile(path).value_or("");
  std::string section = RenderMarkdown(r);
  std::string text;
  size_t begin = old.find(kBegin), end = old.find(kEnd);
  if (begin != std::string::npos && end != std::string::npos && end > begin) {
    size_t after = end + std::string(kEnd).size();
    if (after < old.size() && old[after] == '\n') ++after;
    text = absl::StrCat(old.substr(0, begin), section, old.substr(after));
  } else if (!old.empty()) {
    text = absl::StrCat(old, old.back() == '\n' ? "\n" : "\n\n", section);
  } else {
    text = absl::StrCat(
        "# Benchmarks\n\n"
        "Issue #6: bulk sync, catch-up, live propagation and local writes measured against the\n"
        "machine's own limit, the raw RocksDB ingest of the same records on the same disk.\n"
        "The harness is in `tests/bench/` (see its README): `council_bench` runs real `councild`\n"
        "processes on 127.0.0.1 with mutual TLS and signed records; `council_bench_micro`\n"
        "(Google Benchmark) measures the raw ceiling, per-record costs and the routing cost.\n"
        "`council_bench --write-md BENCHMARKS.md` replaces the results section below and keeps\n"
        "the rest of this file.\n\n",
        section,
        "\n## Where the time goes\n\n"
        "TODO: profile the bulk sync and the live path (`perf record -g`, `valgrind\n"
        "--tool=callgrind`) and say here which costs bound each figure, and why a figure\n"
        "that misses its target can go no further on this machine.\n");
  }
  if (!itest::WriteFile(path, text)) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace council::bench
