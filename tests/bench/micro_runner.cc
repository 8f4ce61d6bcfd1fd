// RunMicro (scenarios.h): council_bench_micro as a subprocess, its JSON
// output turned into figures.
#include <algorithm>
#include <cstdlib>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "harness.h"
#include "tests/bench/scenarios.h"

namespace council::bench {
namespace {

constexpr char kFilter[] =
    "BM_RawIngest/1000/1|BM_ParseRecord|BM_ParseSearchText|BM_ValidateComplete|BM_CanonicalBytes|BM_Sha256|BM_VersionDigest|"
    "BM_SearchTerms|BM_BuildPostings|BM_Ed25519|BM_RouteDirective|BM_Read";

struct Run {
  double real_ns = 0;  // per iteration
  std::map<std::string, double> counters;
};

// "BM_X/1000/repeats:5/real_time" -> "BM_X/1000".
std::string NormalName(std::string name) {
  if (absl::EndsWith(name, "/real_time")) name.resize(name.size() - 10);
  if (size_t r = name.find("/repeats:"); r != std::string::npos) name.resize(r);
  return name;
}

double Nanos(double value, const std::string& unit) {
  if (unit == "us") return value * 1e3;
  if (unit == "ms") return value * 1e6;
  if (unit == "s") return value * 1e9;
  return value;
}

std::string PerCall(double ns) {
  if (ns >= 1e6) return absl::StrFormat("%.2f ms", ns / 1e6);
  if (ns >= 1e3) return absl::StrFormat("%.1f µs", ns / 1e3);
  return absl::StrFormat("%.0f ns", ns);
}

std::string PerCore(double ns) {
  return absl::StrFormat("%s/s per core", Thousands(static_cast<uint64_t>(1e9 / ns)));
}

}  // namespace

absl::Status RunMicro(const BenchConfig& config, const std::string& micro_path, bool small,
                      Results* results) {
  // Ten times the log; the 1,000,000-record store takes most of a full run
  // to fill. Both sizes beyond the memtables in a full run (a 10,000-record log fits
  // in one, so 10k vs 100k compared memory with disk); 1M is the hub.
  const int small_n = small ? 1000 : 100000, large_n = 10 * small_n;
  const std::string sizes = absl::StrCat("--routing_sizes=", small_n, ",", large_n);
  std::vector<std::string> argv = {micro_path, absl::StrCat("--benchmark_filter=", kFilter),
                                   "--benchmark_format=json", sizes};
  if (small) argv.push_back("--benchmark_min_time=0.01");
  setenv("COUNCIL_BENCH_DIR", config.root.c_str(), 1);
  fprintf(stderr, "council_bench: council_bench_micro (per-record costs, routing)\n");
  itest::RunResult r = itest::Run(argv, "", std::chrono::minutes(20));
  if (r.exit_code != 0) return absl::InternalError("council_bench_micro: " + itest::Describe(r));
  google::protobuf::Struct json;
  if (!google::protobuf::util::JsonStringToMessage(r.out, &json).ok()) {
    return absl::InternalError("council_bench_micro printed no JSON: " + r.out.substr(0, 500));
  }
  std::map<std::string, Run> runs;  // by NormalName
  for (const auto& b : json.fields().at("benchmarks").list_value().values()) {
    const auto& f = b.struct_value().fields();
    if (f.count("error_occurred") && f.at("error_occurred").bool_value()) {
      return absl::InternalError(absl::StrCat("council_bench_micro: ", f.at("name").string_value(),
                                              ": ", f.at("error_message").string_value()));
    }
    // Repeated benchmarks report aggregates only: their quietest repetition
    // ("min", computed by council_bench_micro) stands for them.
    std::string name = f.at("name").string_value();
    if (f.count("aggregate_name")) {
      if (f.at("aggregate_name").string_value() != "min") continue;
      name = f.at("run_name").string_value();
    }
    name = NormalName(name);
    Run run;
    run.real_ns = Nanos(f.at("real_time").number_value(), f.at("time_unit").string_value());
    for (const auto& [key, value] : f) {
      if (value.kind_case() == google::protobuf::Value::kNumberValue) run.counters[key] = value.number_value();
    }
    runs[name] = run;
  }
  auto get = [&](const std::string& name) -> absl::StatusOr<Run> {
    auto it = runs.find(name);
    if (it == runs.end()) return absl::NotFoundError("council_bench_micro did not run " + name);
    return it->second;
  };
  std::string command =
      absl::StrCat(RepoRelative(micro_path), " --benchmark_filter='", kFilter, "' ", sizes);
  for (const auto& [name, label] : std::vector<std::pair<std::string, std::string>>{
           {"BM_ParseRecord", "Parse a stored report (protobuf, with its UTF-8 checks)"},
           {"BM_ParseSearchText", "Parse a stored report's searchable text (v1::RecordSearchText: what the indexer reads)"},
           {"BM_ValidateComplete", "core::ValidateComplete of a parsed report (a received version's checks)"},
           {"BM_CanonicalBytes", "core::CanonicalBytes of a stored report"},
           {"BM_Sha256", "SHA-256 of a stored report's bytes (OpenSSL)"},
           {"BM_VersionDigest", "core::VersionDigest (CanonicalBytes, then their SHA-256)"},
           {"BM_SearchTerms", "core::SearchTerms of a stored report (the indexer's words)"},
           {"BM_Ed25519Sign", "Ed25519 sign (node/crypto)"},
           {"BM_Ed25519Verify", "Ed25519 verify (node/crypto)"}}) {
    absl::StatusOr<Run> run = get(name);
    if (!run.ok()) return run.status();
    results->micro.push_back({label, "", absl::StrCat(PerCall(run->real_ns), " (", PerCore(run->real_ns), ")"),
                              "", std::nullopt, command});
  }
  absl::StatusOr<Run> postings = get("BM_BuildPostings");
  if (!postings.ok()) return postings.status();
  const double per_record_ns = 1e9 / std::max(postings->counters["items_per_second"], 1.0);
  results->micro.push_back({"The indexer's postings of a batch of 2,048 reports, per report "
                            "(core::PostingsBuilder: its words, the columns, encoded)",
                            "", absl::StrCat(PerCall(per_record_ns), " (", PerCore(per_record_ns), ")"),
                            "", std::nullopt, command});
  absl::StatusOr<Run> raw = get("BM_RawIngest/1000/1");
  if (!raw.ok()) return raw.status();
  results->micro.push_back({"Raw ingest, synced WriteBatch of 1,000 (BM_RawIngest/1000/1)", "",
                            absl::StrCat(Thousands(static_cast<uint64_t>(raw->counters["records/s"])),
                                         " rec/s"),
                            "", std::nullopt, command});
  std::map<int, double> route, child_read, up_read;
  for (int n : {small_n, large_n}) {
    absl::StatusOr<Run> a = get(absl::StrCat("BM_RouteDirectiveToOneChild/", n));
    absl::StatusOr<Run> b = get(absl::StrCat("BM_ReadChildOutboxTail/", n));
    absl::StatusOr<Run> c = get(absl::StrCat("BM_ReadUpOutboxTail/", n));
    if (!a.ok()) return a.status();
    if (!b.ok()) return b.status();
    if (!c.ok()) return c.status();
    route[n] = a->real_ns;
    child_read[n] = b->real_ns;
    up_read[n] = c->real_ns;
    results->micro.push_back(
        {absl::StrCat("Directive to one commune applied + its outbox read, district log of ",
                      Thousands(n)),
         "", PerCall(a->real_ns), "", std::nullopt, command});
    results->micro.push_back({absl::StrCat("Read the commune's outbox tail alone, log of ", Thousands(n)),
                              "", PerCall(b->real_ns), "", std::nullopt, command});
    results->micro.push_back(
        {absl::StrCat("Read the province outbox tail (", Thousands(n), " entries long)"), "",
         PerCall(c->real_ns), "", std::nullopt, command});
  }
  // Flat: ten times the log costs at most three times as much, to apply and
  // read or to read alone (RocksDB lookups deepen a little with the data);
  // finding the child's records by scanning the log would cost ten times.
  results->notes.push_back(
      "Routing rows: the quietest of 5 repetitions (each apply waits for an fsync, whose time "
      "varies tenfold on a shared disk); the district store holds N reports of six communes, "
      "measured at rest (its search index, flushes and compactions done).");
  results->figures.push_back(
      {absl::StrCat("Routing cost: a directive to one commune found by its outbox, district log of ",
                    Thousands(small_n), " vs ", Thousands(large_n)),
       "flat in the log size (≤ 3× for 10× the log)",
       absl::StrCat(PerCall(route[small_n]), " vs ", PerCall(route[large_n]), " (read alone: ",
                    PerCall(child_read[small_n]), " vs ", PerCall(child_read[large_n]), ")"),
       "—", route[large_n] <= 3 * route[small_n] && child_read[large_n] <= 3 * child_read[small_n],
       command});
  return absl::OkStatus();
}

}  // namespace council::bench
