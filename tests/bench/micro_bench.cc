// council_bench_micro: per-record costs and the two store-level figures of
// issue #6 that need no running node.
//
//   BM_RawIngest/1000/1     the raw ceiling: synced WriteBatch of 1,000
//                           ~1 KB records (records/s counter)
//   BM_ParseRecord, BM_ParseSearchText, BM_ValidateComplete, BM_CanonicalBytes,
//   BM_Sha256, BM_VersionDigest, BM_SearchTerms, BM_BuildPostings,
//   BM_Ed25519Sign, BM_Ed25519Verify
//                           what each record costs protobuf, the core,
//                           OpenSSL and node/crypto
//   BM_RouteDirectiveToOneChild/N
//                           routing cost (figure 7): apply a directive to one
//                           commune in a district holding N records, read that
//                           commune's outbox; flat in N. The sizes N come from
//                           --routing_sizes=100000,1000000 (the default; filling
//                           the 1,000,000-record store takes most of the run)
//   BM_ReadChildOutboxTail/N, BM_ReadUpOutboxTail/N
//                           the read alone, for the short (child) and the
//                           N-long (parent) outbox
//
// Databases go under $COUNCIL_BENCH_DIR, else the build directory (the disk
// under test; not /tmp, which may be tmpfs), and are removed at exit.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <openssl/sha.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "benchmark/benchmark.h"
#include "node/core/chain.h"
#include "node/core/hub.h"
#include "node/core/postings.h"
#include "node/core/serialize.h"
#include "node/core/validate.h"
#include "node/crypto/ed25519.h"
#include "node/crypto/key_verifier.h"
#include "tests/bench/bench_records.h"
#include "tests/bench/raw_ingest.h"
#include "tests/bench/routing_hub.h"

namespace council::bench {
namespace {

// This process's scratch directory. Cleanup() closes what is open in it and
// removes it; main calls it before returning (an atexit handler would run
// after RocksDB's own static state is gone).
class Scratch {
 public:
  static Scratch& Get() {
    static Scratch* scratch = new Scratch();
    return *scratch;
  }
  std::string Dir(const std::string& name) const { return absl::StrCat(root_, "/", name); }

  RawDb& Raw() {
    if (!raw_) {
      absl::StatusOr<std::unique_ptr<RawDb>> db = RawDb::Open(Dir("raw"));
      if (!db.ok()) Die(db.status().ToString());
      raw_ = *std::move(db);
    }
    return *raw_;
  }

  // The district store with `records` records, filled on first use.
  RoutingHub& Hub(uint64_t records) {
    std::unique_ptr<RoutingHub>& hub = hubs_[records];
    if (!hub) {
      absl::StatusOr<std::unique_ptr<RoutingHub>> h =
          RoutingHub::Fill(Dir(absl::StrCat("hub", records)), records);
      if (!h.ok()) Die(h.status().ToString());
      hub = *std::move(h);
    }
    return *hub;
  }

  void Cleanup() {
    raw_.reset();
    hubs_.clear();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

 private:
  Scratch() {
    const char* env = std::getenv("COUNCIL_BENCH_DIR");
    root_ = absl::StrCat(env != nullptr && *env ? env : COUNCIL_BENCH_DATA_DIR, "/micro-", getpid());
    std::filesystem::create_directories(root_);
  }
  [[noreturn]] static void Die(const std::string& why) {
    fprintf(stderr, "council_bench_micro: %s\n", why.c_str());
    std::exit(1);
  }

  std::string root_;
  std::unique_ptr<RawDb> raw_;
  std::map<uint64_t, std::unique_ptr<RoutingHub>> hubs_;
};

void BM_RawIngest(benchmark::State& state) {
  const size_t batch = static_cast<size_t>(state.range(0));
  const bool sync = state.range(1) != 0;
  RawDb& db = Scratch::Get().Raw();
  static uint64_t seq = 0;  // keys keep growing across runs, as a log does
  std::vector<std::pair<std::string, std::string>> rows(batch);
  uint64_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (auto& [key, value] : rows) {
      ++seq;
      key = LogKey("522", seq);
      value = core::CanonicalBytes(StoredReport("522", seq));
      bytes += value.size();
    }
    state.ResumeTiming();
    absl::Status s = db.Write(rows, sync);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * batch), benchmark::Counter::kIsRate);
  state.counters["bytes/record"] =
      static_cast<double>(bytes) / static_cast<double>(std::max<uint64_t>(1, state.iterations() * batch));
}
BENCHMARK(BM_RawIngest)->Args({1000, 1})->Args({1, 1})->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_CanonicalBytes(benchmark::State& state) {
  const v1::Record rec = StoredReport("21550", 7);
  for (auto _ : state) benchmark::DoNotOptimize(core::CanonicalBytes(rec));
  state.counters["bytes"] = static_cast<double>(core::CanonicalBytes(rec).size());
}
BENCHMARK(BM_CanonicalBytes);

void BM_ParseRecord(benchmark::State& state) {
  const std::string bytes = core::CanonicalBytes(StoredReport("21550", 7));
  for (auto _ : state) {
    v1::Record rec;
    if (!rec.ParseFromString(bytes)) state.SkipWithError("did not parse");
    benchmark::DoNotOptimize(rec);
  }
}
BENCHMARK(BM_ParseRecord);

// The indexer's read of a stored version: its text as bytes, the rest skipped.
void BM_ParseSearchText(benchmark::State& state) {
  const std::string bytes = core::CanonicalBytes(StoredReport("21550", 7));
  for (auto _ : state) {
    v1::RecordSearchText text;
    if (!text.ParseFromString(bytes)) state.SkipWithError("did not parse");
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_ParseSearchText);

// What a receiver checks of each parsed version before applying it (the
// parser has checked its UTF-8, as a link's does).
void BM_ValidateComplete(benchmark::State& state) {
  const v1::Record rec = StoredReport("21550", 7);
  for (auto _ : state) {
    absl::Status s = core::ValidateComplete(rec, core::Utf8::kCheckedByParser);
    if (!s.ok()) state.SkipWithError(std::string(s.message()).c_str());
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_ValidateComplete);

// What a received version the chain proves costs instead of VersionDigest.
void BM_Sha256(benchmark::State& state) {
  const std::string bytes = core::CanonicalBytes(StoredReport("21550", 7));
  unsigned char digest[SHA256_DIGEST_LENGTH];
  for (auto _ : state) {
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
    benchmark::DoNotOptimize(digest);
  }
}
BENCHMARK(BM_Sha256);

void BM_SearchTerms(benchmark::State& state) {
  const v1::Record rec = StoredReport("21550", 7);
  for (auto _ : state) benchmark::DoNotOptimize(core::SearchTerms(rec));
}
BENCHMARK(BM_SearchTerms);

// The indexer's postings of one batch (node/store/store_index.cc: 2,048
// versions of six communes' reports, encoded), per record: everything it
// does per record but the log read, the parse and the write.
void BM_BuildPostings(benchmark::State& state) {
  constexpr int kBatch = 2048;
  const std::vector<std::string>& communes = BenchCommunes();
  std::vector<v1::Record> records;
  for (int i = 0; i < kBatch; ++i) records.push_back(StoredReport(communes[i % communes.size()], 2 + i / communes.size()));
  size_t bytes = 0, words = 0;
  for (auto _ : state) {
    core::PostingsBuilder postings;
    for (const v1::Record& r : records) postings.Add(r, {r.origin(), r.seq()}, r.seq());
    bytes = 0;
    words = 0;
    postings.ForEach([&](const std::string& word, const v1::PostingBlock& block) {
      bytes += core::CanonicalBytes(block).size() + word.size();
      ++words;
    });
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  // What the batch's rows hold (values and words), per report.
  state.counters["bytes_per_report"] = static_cast<double>(bytes) / kBatch;
  state.counters["rows"] = static_cast<double>(words);
}
BENCHMARK(BM_BuildPostings)->Unit(benchmark::kMillisecond);

void BM_VersionDigest(benchmark::State& state) {
  const v1::Record rec = StoredReport("21550", 7);
  for (auto _ : state) benchmark::DoNotOptimize(core::VersionDigest(rec));
}
BENCHMARK(BM_VersionDigest);

std::unique_ptr<crypto::Ed25519Signer> NewKey() {
  absl::StatusOr<std::unique_ptr<crypto::Ed25519Signer>> key = crypto::Ed25519Signer::Generate();
  if (!key.ok()) std::abort();
  return *std::move(key);
}

void BM_Ed25519Sign(benchmark::State& state) {
  const auto key = NewKey();
  const std::string bytes = core::SigningBytes(StoredReport("21550", 7));
  for (auto _ : state) benchmark::DoNotOptimize(key->Sign(bytes));
}
BENCHMARK(BM_Ed25519Sign);

void BM_Ed25519Verify(benchmark::State& state) {
  const auto key = NewKey();
  absl::StatusOr<std::unique_ptr<crypto::Ed25519Verifier>> verifier = crypto::Ed25519Verifier::Create("");
  if (!verifier.ok()) std::abort();
  const std::string bytes = core::SigningBytes(StoredReport("21550", 7));
  const std::string signature = key->Sign(bytes);
  const std::string public_key = key->public_key();
  for (auto _ : state) {
    if (!(*verifier)->Verify(public_key, bytes, signature)) state.SkipWithError("did not verify");
  }
}
BENCHMARK(BM_Ed25519Verify);

void BM_RouteDirectiveToOneChild(benchmark::State& state) {
  RoutingHub& hub = Scratch::Get().Hub(static_cast<uint64_t>(state.range(0)));
  for (auto _ : state) {
    absl::StatusOr<size_t> read = hub.DirectiveDown("21553");
    if (!read.ok() || *read != 1) {
      state.SkipWithError(read.ok() ? "the commune's outbox did not hold exactly the directive"
                                    : read.status().ToString().c_str());
      break;
    }
  }
  state.counters["log_records"] = static_cast<double>(state.range(0));
}

// Reads the last entry of `peer`'s outbox in the hub of state.range(0) records.
void ReadOutboxTail(benchmark::State& state, const std::string& peer) {
  store::Store& s = Scratch::Get().Hub(static_cast<uint64_t>(state.range(0))).store();
  const uint64_t head = s.OutboxHead(peer);
  for (auto _ : state) {
    absl::StatusOr<store::OutboxSlice> slice = s.ReadOutbox(peer, head, 1, 1 << 20);
    if (!slice.ok() || slice->records.size() != 1) {
      state.SkipWithError("outbox tail not read");
      break;
    }
  }
  state.counters["outbox_len"] = static_cast<double>(head);
}

void BM_ReadChildOutboxTail(benchmark::State& state) { ReadOutboxTail(state, "21553"); }
void BM_ReadUpOutboxTail(benchmark::State& state) { ReadOutboxTail(state, "51"); }

// Registers the routing benchmarks for each log size of `--routing_sizes=`
// (removed from argv); false on a malformed list.
bool RegisterRouting(int* argc, char** argv) {
  std::string sizes = "100000,1000000";
  int kept = 0;
  for (int i = 0; i < *argc; ++i) {
    absl::string_view a = argv[i];
    if (absl::ConsumePrefix(&a, "--routing_sizes=") || absl::ConsumePrefix(&a, "--routing-sizes=")) {
      sizes = std::string(a);
    } else {
      argv[kept++] = argv[i];
    }
  }
  *argc = kept;
  for (absl::string_view s : absl::StrSplit(sizes, ',', absl::SkipEmpty())) {
    int64_t n = 0;
    if (!absl::SimpleAtoi(s, &n) || n <= 0) return false;
    // The quietest of 5 repetitions: each apply waits for an fsync, whose
    // time on a shared disk varies tenfold; the question is how the cost
    // grows with N, not how loaded the machine was (so the fill also
    // settles before the first repetition: RoutingHub::Fill).
    for (auto* b : {benchmark::RegisterBenchmark("BM_RouteDirectiveToOneChild",
                                                 BM_RouteDirectiveToOneChild)->UseRealTime(),
                    benchmark::RegisterBenchmark("BM_ReadChildOutboxTail", BM_ReadChildOutboxTail),
                    benchmark::RegisterBenchmark("BM_ReadUpOutboxTail", BM_ReadUpOutboxTail)}) {
      b->Arg(n)->Unit(benchmark::kMicrosecond)->Repetitions(5)->ReportAggregatesOnly()
          ->ComputeStatistics("min", [](const std::vector<double>& v) {
            return *std::min_element(v.begin(), v.end());
          });
    }
  }
  return true;
}

}  // namespace
}  // namespace council::bench

int main(int argc, char** argv) {
  if (!council::bench::RegisterRouting(&argc, argv)) {
    fprintf(stderr, "council_bench_micro: --routing_sizes takes positive numbers, e.g. 100000,1000000\n");
    return 2;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  council::bench::Scratch::Get().Cleanup();
  return 0;
}
