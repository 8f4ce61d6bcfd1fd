// Local durable writes and what bounds them (scenarios.h).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>
#include <unistd.h>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "node/core/serialize.h"
#include "node/core/status_macros.h"
#include "node/crypto/ed25519.h"
#include "tests/integration/harness.h"
#include "tests/bench/bench_nodes.h"
#include "tests/bench/bench_records.h"
#include "tests/bench/raw_ingest.h"
#include "tests/bench/scenarios.h"

namespace council::bench {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// CPU time of one Ed25519 signature of a report's signing bytes, as the
// node makes one per local write (node/crypto), in µs.
double SignMicros() {
  absl::StatusOr<std::unique_ptr<crypto::Ed25519Signer>> key = crypto::Ed25519Signer::Generate();
  if (!key.ok()) return 0;
  const std::string bytes = core::SigningBytes(StoredReport("21550", 7));
  constexpr int kSigns = 2000;
  const double start = ThreadCpuSeconds();
  size_t sink = 0;
  for (int i = 0; i < kSigns; ++i) sink += (*key)->Sign(bytes).size();
  if (sink == 0) return 0;
  return (ThreadCpuSeconds() - start) * 1e6 / kSigns;
}

// What `clients` threads achieved calling `call(t, i)` back to back for
// `seconds`: calls per second and latencies.
struct ClientRun {
  double rate = 0;
  size_t calls = 0;
  double seconds = 0;
  double p50 = 0, p99 = 0;
  double node_cpu_us = 0, driver_cpu_us = 0;  // per call, user + system, all threads
  double node_switches = 0;  // the node's context switches per call
  double cpu_us() const { return node_cpu_us + driver_cpu_us; }
};

// CPU is sampled for the node `node` and for this driver (the clients).
absl::StatusOr<ClientRun> RunClients(pid_t node, int clients, double seconds,
                                     const std::function<absl::Status(int, uint64_t)>& call) {
  const double node_cpu = CpuSeconds(node), driver_cpu = CpuSeconds(getpid());
  const uint64_t node_switches = ContextSwitches(node);
  std::vector<std::vector<double>> latencies(clients);
  std::atomic<uint64_t> errors{0};
  std::mutex mu;
  std::string first_error;
  const auto start = Clock::now();
  const auto stop = start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = static_cast<uint64_t>(t) << 32; Clock::now() < stop; ++i) {
        const auto begin = Clock::now();
        absl::Status s = call(t, i);
        if (!s.ok()) {
          ++errors;
          std::lock_guard<std::mutex> lock(mu);
          if (first_error.empty()) first_error = s.ToString();
          continue;
        }
        latencies[t].push_back(Millis(Clock::now() - begin));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  if (errors > 0) {
    return absl::InternalError(absl::StrCat(errors.load(), " calls failed; first: ", first_error));
  }
  ClientRun run;
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  run.calls = all.size();
  run.rate = all.size() / run.seconds;
  run.p50 = Percentile(all, 50);
  run.p99 = Percentile(all, 99);
  if (run.calls > 0) {
    run.node_cpu_us = (CpuSeconds(node) - node_cpu) * 1e6 / run.calls;
    run.driver_cpu_us = (CpuSeconds(getpid()) - driver_cpu) * 1e6 / run.calls;
    run.node_switches = double(ContextSwitches(node) - node_switches) / run.calls;
  }
  return run;
}

// What the local-write figures share: one commune node, its clients, and
// where the figures go.
struct LocalRun {
  const BenchConfig& config;
  const Ceiling& ceiling;
  Results* results;
  pid_t node = 0;
  std::vector<std::unique_ptr<AdminClient>> clients;
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  int n() const { return static_cast<int>(clients.size()); }
  void Add(Figure f) { results->figures.push_back(std::move(f)); }
};

// One record per Put, one at a time per client and then several in flight
// each; the one-at-a-time run, for the figures after it.
absl::StatusOr<ClientRun> PutFigures(LocalRun& run) {
  const int n = run.n();
  fprintf(stderr, "council_bench: local durable writes, %d clients for %.1f s\n", n,
          run.config.local_seconds);
  ASSIGN_OR_RETURN(ClientRun puts, RunClients(run.node, n, run.config.local_seconds,
                                              [&](int t, uint64_t i) {
                                                return run.clients[t]->Put(ReportDraft(i)).status();
                                              }));
  run.Add({absl::StrCat("Local durable writes: ", n, " clients, one record per Put"),
           "≥ 20,000 rec/s",
           absl::StrFormat("%s rec/s (%s in %.1f s; the node switched context %.1f times per Put)",
                           Thousands(static_cast<uint64_t>(puts.rate)), Thousands(puts.calls),
                           puts.seconds, puts.node_switches),
           RatioText(puts.rate, run.ceiling.records_per_second), puts.rate >= 20000});
  run.Add({absl::StrCat("Local durable writes: ", n, " clients, latency p99"), "≤ 10 ms",
           absl::StrFormat("%.2f ms (p50 %.2f)", puts.p99, puts.p50), "—", puts.p99 <= 10});

  // Several Puts in flight on each connection: larger groups per fsync, the
  // CPU per call what remains.
  constexpr int kInFlight = 8;
  fprintf(stderr, "council_bench: local durable writes, %d clients x %d in flight for %.1f s\n", n,
          kInFlight, run.config.local_seconds);
  ASSIGN_OR_RETURN(ClientRun piped,
                   RunClients(run.node, n * kInFlight, run.config.local_seconds,
                              [&](int t, uint64_t i) {
                                return run.clients[t % n]->Put(ReportDraft(i)).status();
                              }));
  run.Add({absl::StrCat("Local durable writes: ", n, " clients with ", kInFlight,
                        " Puts in flight each"),
           "— (the CPU bounds it: see the CPU rows)",
           absl::StrFormat("%s rec/s, p50 %.2f ms, p99 %.2f ms; CPU per Put %.0f µs (node %.0f)",
                           Thousands(static_cast<uint64_t>(piped.rate)), piped.p50, piped.p99,
                           piped.cpu_us(), piped.node_cpu_us),
           RatioText(piped.rate, run.ceiling.records_per_second), std::nullopt});
  return puts;
}

// The same clients and calls without the write: what the admin API's round
// trip (gRPC over the plaintext admin port, credential check) alone allows;
// then the CPU per call of both, which bounds any rate (node and clients
// share the cores here). The Get run, for the figures after it.
absl::StatusOr<ClientRun> RoundTripFigures(LocalRun& run, const ClientRun& puts) {
  const int n = run.n();
  ASSIGN_OR_RETURN(v1::Record held, run.clients[0]->Put(ReportDraft(1ull << 40)));
  fprintf(stderr, "council_bench: admin round trips (Get), %d clients for %.1f s\n", n,
          run.config.local_seconds);
  ASSIGN_OR_RETURN(ClientRun gets, RunClients(run.node, n, run.config.local_seconds,
                                              [&](int t, uint64_t) {
                                                return run.clients[t]->Get(held.id()).status();
                                              }));
  run.Add({absl::StrCat("Admin round trip alone: ", n, " clients, one Get of a held record per call"),
           "— (bounds the Put rate)",
           absl::StrFormat("%s calls/s, p50 %.2f ms, p99 %.2f ms; the node switched context %.1f "
                           "times per Get",
                           Thousands(static_cast<uint64_t>(gets.rate)), gets.p50, gets.p99,
                           gets.node_switches),
           "—", std::nullopt});
  auto per_call = [&](const ClientRun& r) {
    return absl::StrFormat("%.0f µs (node %.0f, clients %.0f)", r.cpu_us(), r.node_cpu_us,
                           r.driver_cpu_us);
  };
  run.Add({absl::StrCat("CPU per admin call, ", n, " clients and the node on the same ", run.cores,
                        " cores (user + system, all threads)"),
           "— (cores ÷ CPU per call bounds the rate)",
           absl::StrFormat("Put %s: bound %s rec/s; Get %s: bound %s calls/s", per_call(puts),
                           CpuBound(run.cores, puts.cpu_us()),
                           per_call(gets),
                           CpuBound(run.cores, gets.cpu_us())),
           "—", std::nullopt});
  return gets;
}

// The node's own work per local write without a call per record: drafts
// imported in batches, each validated, signed, stored durably, routed and
// indexed, the node's CPU counted until its search index covers them (the
// indexer's share of every write is paid sooner or later); and with a Get's
// node CPU added, the floor of one Put.
absl::Status FloorFigures(LocalRun& run, const ClientRun& puts, const ClientRun& gets) {
  const BenchConfig& config = run.config;
  const double sign_us = SignMicros();
  const uint64_t batched = std::max<uint64_t>(2000, static_cast<uint64_t>(config.local_seconds * 4000));
  fprintf(stderr, "council_bench: local writes without a call per record: %s by Import\n",
          Thousands(batched).c_str());
  const double import_cpu0 = CpuSeconds(run.node), import_driver0 = CpuSeconds(getpid());
  ASSIGN_OR_RETURN(double import_s, ImportReports(*run.clients[0], 1ull << 41, batched,
                                                  config.import_batch, config.load_threads));
  RETURN_IF_ERROR(AwaitSearchIndex(*run.clients[0], milliseconds(120000),
                                   "the search index covering the imported writes",
                                   milliseconds(5)));
  const double import_us = (CpuSeconds(run.node) - import_cpu0) * 1e6 / batched;
  const double import_driver_us = (CpuSeconds(getpid()) - import_driver0) * 1e6 / batched;
  run.Add({absl::StrFormat("Node CPU per local write with no call per record: %s drafts by Import "
                           "(calls of %zu), signed, durable, routed and indexed",
                           Thousands(batched), config.import_batch),
           "— (cores ÷ it bounds any local write rate)",
           absl::StrFormat("%.0f µs, of it the signature %.0f: bound %s rec/s on %u cores; Import "
                           "took them in at %s rec/s (clients %.0f µs/record)",
                           import_us, sign_us,
                           CpuBound(run.cores, import_us), run.cores,
                           Thousands(static_cast<uint64_t>(batched / import_s)), import_driver_us),
           RatioText(batched / import_s, run.ceiling.records_per_second), std::nullopt});
  // A Put is a call and a write: the node's share of one cannot be less than
  // a Get's node CPU (the call) plus a write's without a call.
  const double floor_us = gets.node_cpu_us + import_us;
  run.Add({"Node CPU floor of one Put, clients elsewhere: a Get's node CPU + the node's CPU per "
           "write with no call per record",
           "— (cores ÷ floor bounds the rate)",
           absl::StrFormat("%.0f µs (%.0f + %.0f): bound %s rec/s on %u cores; a Put measured %.0f",
                           floor_us, gets.node_cpu_us, import_us,
                           CpuBound(run.cores, floor_us), run.cores,
                           puts.node_cpu_us),
           "—", std::nullopt});
  // What no design can skip for a Put here: the call itself (a Get's, node
  // and client on these cores) and the signature every local version carries.
  const double least_us = gets.cpu_us() + sign_us;
  run.Add({"Least CPU of one signed Put on this machine, clients on the same cores: a Get's call "
           "(node + client) + one Ed25519 signature",
           absl::StrFormat("— (20,000 rec/s on %u cores leaves %.0f µs per record)", run.cores,
                           run.cores * 1e6 / 20000),
           absl::StrFormat("%.0f µs (%.0f + %.0f): bound %s rec/s, before validating and storing "
                           "the record",
                           least_us, gets.cpu_us(), sign_us,
                           CpuBound(run.cores, least_us)),
           "—", std::nullopt});
  return absl::OkStatus();
}

// The same clients with a few records per call (Import): the per-call cost
// shared, each call still answered once its records are durable.
absl::Status SmallImportFigure(LocalRun& run) {
  constexpr int kPerCall = 16;
  const int n = run.n();
  fprintf(stderr, "council_bench: local durable writes, %d clients, %d records per Import, %.1f s\n",
          n, kPerCall, run.config.local_seconds);
  ASSIGN_OR_RETURN(ClientRun small_imports,
                   RunClients(run.node, n, run.config.local_seconds,
                              [&](int t, uint64_t i) -> absl::Status {
                                v1::ImportRequest req;
                                for (int k = 0; k < kPerCall; ++k) {
                                  *req.add_records() = ReportDraft(i * kPerCall + k);
                                }
                                ASSIGN_OR_RETURN(v1::ImportReply reply, run.clients[t]->Import(req));
                                if (reply.created() != kPerCall) {
                                  return absl::InternalError("Import created fewer records than sent");
                                }
                                return absl::OkStatus();
                              }));
  const double small_rate = small_imports.rate * kPerCall;
  run.Add({absl::StrCat("Local durable writes: ", n, " clients, ", kPerCall,
                        " records per call (Import), one call at a time each"),
           "— (the per-call cost shared; see the rows above)",
           absl::StrFormat("%s rec/s, call p50 %.2f ms, p99 %.2f ms; CPU per record %.0f µs (node %.0f)",
                           Thousands(static_cast<uint64_t>(small_rate)), small_imports.p50,
                           small_imports.p99, small_imports.cpu_us() / kPerCall,
                           small_imports.node_cpu_us / kPerCall),
           RatioText(small_rate, run.ceiling.records_per_second), std::nullopt});
  return absl::OkStatus();
}

// One-at-a-time clients wait for a round trip and an fsync per record: `n`
// of them can do no more than n / (round trip + synced write), however the
// node groups their writes.
absl::Status SyncBoundFigure(LocalRun& run, const ClientRun& gets) {
  const int n = run.n();
  const uint64_t syncs = run.config.local_seconds < 5 ? 100 : 1000;
  const std::string dir = run.config.root + "/fsync";
  ASSIGN_OR_RETURN(RawIngestResult sync, RawIngest(dir, syncs, 1, /*sync=*/true));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  const double sync_ms = sync.write_seconds * 1000 / syncs;
  run.Add({absl::StrCat("Bound on one-record-per-call writes: ", n,
                        " clients ÷ (round trip p50 + one synced RocksDB write)"),
           "— (bounds the Put rate)",
           absl::StrFormat("%s rec/s (%d ÷ (%.2f ms + %.2f ms)); a synced write of one record "
                           "costs %.0f µs of CPU (user + system, all threads)",
                           Thousands(static_cast<uint64_t>(n / (gets.p50 + sync_ms) * 1000)), n,
                           gets.p50, sync_ms, sync.cpu_us_per_record()),
           "—", std::nullopt});
  return absl::OkStatus();
}

// The same clients and Puts against council_put_ceiling (its file says
// what it leaves out): what this machine allows one signed, durable record
// per call through this gRPC server, beside what councild achieves.
absl::Status PutCeilingFigure(LocalRun& run, const ClientRun& puts) {
  const int n = run.n();
  const std::string dir = run.config.root + "/put-ceiling";
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
  const std::string token = dir + "/token";
  std::ofstream(token) << "unchecked\n";
  ASSIGN_OR_RETURN(ListeningProcess server,
                   StartListening({COUNCIL_PUT_CEILING_PATH, "--data", dir + "/db"}));
  std::vector<std::unique_ptr<AdminClient>> clients;
  for (int t = 0; t < n; ++t) {
    ASSIGN_OR_RETURN(std::unique_ptr<AdminClient> c, AdminClient::Connect(server.address, token));
    clients.push_back(std::move(c));
  }
  fprintf(stderr, "council_bench: Put ceiling (council_put_ceiling), %d clients for %.1f s\n", n,
          run.config.local_seconds);
  ASSIGN_OR_RETURN(ClientRun ceiling,
                   RunClients(server.process->pid(), n, run.config.local_seconds,
                              [&](int t, uint64_t i) {
                                return clients[t]->Put(ReportDraft(i)).status();
                              }));
  clients.clear();
  server.process->Kill();
  std::filesystem::remove_all(dir, ec);
  run.Add({absl::StrCat("Put ceiling: the same ", n, " clients, one Put at a time each, against a "
                        "server that only numbers, signs and writes each record as one synced "
                        "row (council_put_ceiling: councild's gRPC server and RocksDB options, "
                        "RocksDB's own group commit)"),
           "— (bounds the Put rate on this machine)",
           absl::StrFormat("%s rec/s, p50 %.2f ms, p99 %.2f ms; CPU per Put %.0f µs (server %.0f, "
                           "clients %.0f), %.1f switches per Put; the server's CPU alone bounds "
                           "%s rec/s on %u cores; councild's Puts %.0f %% of the rate",
                           Thousands(static_cast<uint64_t>(ceiling.rate)), ceiling.p50,
                           ceiling.p99, ceiling.cpu_us(), ceiling.node_cpu_us,
                           ceiling.driver_cpu_us, ceiling.node_switches,
                           CpuBound(run.cores, ceiling.node_cpu_us), run.cores,
                           ceiling.rate > 0 ? 100 * puts.rate / ceiling.rate : 0),
           RatioText(ceiling.rate, run.ceiling.records_per_second), std::nullopt});
  return absl::OkStatus();
}

}  // namespace

absl::Status RunLocalWrites(const BenchConfig& config, const Ceiling& ceiling, Results* results) {
  BenchCluster cluster(config.root + "/local", config.pki_dir, config.port_base);
  cluster.Add({"21550", "commune", "522"});  // offline: its parent is never dialled
  RETURN_IF_ERROR(cluster.Start("21550", false));
  LocalRun run{config, ceiling, results};
  run.node = cluster.pid("21550");
  for (int t = 0; t < config.local_clients; ++t) {
    ASSIGN_OR_RETURN(std::unique_ptr<AdminClient> c, cluster.NewAdmin("21550"));
    run.clients.push_back(std::move(c));
  }
  ASSIGN_OR_RETURN(ClientRun puts, PutFigures(run));
  ASSIGN_OR_RETURN(ClientRun gets, RoundTripFigures(run, puts));
  RETURN_IF_ERROR(FloorFigures(run, puts, gets));
  RETURN_IF_ERROR(SmallImportFigure(run));
  RETURN_IF_ERROR(SyncBoundFigure(run, gets));
  return PutCeilingFigure(run, puts);
}

}  // namespace council::bench
