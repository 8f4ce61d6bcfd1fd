#include "tests/bench/store_ingest.h"

#include <chrono>
#include <filesystem>
#include <future>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "node/core/status_macros.h"
#include "node/store/store.h"
#include "tests/bench/bench_records.h"
#include "tests/bench/raw_ingest.h"

namespace council::bench {
namespace {

constexpr char kProvince[] = "51";
constexpr char kDistrict[] = "522";

absl::Status CheckApplied(std::future<absl::StatusOr<store::WriteResult>>& pending) {
  ASSIGN_OR_RETURN(store::WriteResult result, pending.get());
  for (store::Outcome o : result.version_outcomes) {
    if (o != store::Outcome::kApplied) {
      return absl::InternalError(absl::StrCat("store ingest: a version was not applied: ",
                                              result.rejections.empty() ? "" : result.rejections[0]));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<StoreIngestResult> Ingest(store::Store& store, uint64_t count, size_t batch) {
  const std::vector<std::string>& communes = BenchCommunes();
  uint64_t cursor = 0;  // the district's outbox position, as its link sends it
  {
    store::WriteRequest self;
    v1::Record& own = self.drafts.emplace_back();  // a draft: the store gives it id and seq
    own.mutable_unit()->set_id(kProvince);
    own.mutable_unit()->set_level(v1::LEVEL_PROVINCE);
    own.mutable_unit()->set_name("HĐND tỉnh Quảng Ngãi");
    own.mutable_doc()->set_title(own.unit().name());
    self.wall_ms = kBenchWallMs;
    RETURN_IF_ERROR(store.Write(std::move(self)).status());
    store::WriteRequest units;
    units.from = kDistrict;
    units.versions.push_back(UnitVersion(kDistrict, v1::LEVEL_DISTRICT, kProvince));
    for (const std::string& c : communes) units.versions.push_back(UnitVersion(c, v1::LEVEL_COMMUNE, kDistrict));
    cursor = units.versions.size();
    units.inbound_cursor = cursor;
    units.wall_ms = kBenchWallMs;
    std::future<absl::StatusOr<store::WriteResult>> f = store.Submit(std::move(units));
    RETURN_IF_ERROR(CheckApplied(f));
  }
  std::vector<v1::Record> bodies;
  for (size_t i = 0; i < kStoreIngestBodies; ++i) bodies.push_back(ReportDraft(i));
  std::vector<uint64_t> next_seq(communes.size(), 2);  // seq 1: each commune's unit record

  StoreIngestResult out;
  const double cpu = ProcessCpuSeconds();
  double building = 0;
  const auto start = std::chrono::steady_clock::now();
  std::optional<std::future<absl::StatusOr<store::WriteResult>>> pending;
  for (uint64_t done = 0; done < count;) {
    const double build_start = ThreadCpuSeconds();
    store::WriteRequest req;
    req.from = kDistrict;
    req.wall_ms = kBenchWallMs;
    req.versions.reserve(batch);
    for (; done < count && req.versions.size() < batch; ++done) {
      const size_t c = done % communes.size();
      req.versions.push_back(UnsignedVersion(bodies[done % kStoreIngestBodies], communes[c], next_seq[c]++, done + 1));
    }
    cursor += req.versions.size();
    req.inbound_cursor = cursor;
    building += ThreadCpuSeconds() - build_start;
    // Returns once the batch before is durable: two batches in the pipeline.
    std::future<absl::StatusOr<store::WriteResult>> next = store.Submit(std::move(req));
    if (pending) RETURN_IF_ERROR(CheckApplied(*pending));
    pending = std::move(next);
  }
  if (pending) RETURN_IF_ERROR(CheckApplied(*pending));
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.cpu_seconds = ProcessCpuSeconds() - cpu - building;
  out.records = count;
  out.index_lag = store.IndexLag();
  // A record's whole cost includes its search postings, built behind the
  // writes: bounded by a minute per 100k versions left to index.
  const auto bound = std::chrono::steady_clock::now() +
                     std::chrono::seconds(60 + 60 * out.index_lag / 100000);
  if (!store.WaitIndexed(bound)) {
    return absl::DeadlineExceededError(absl::StrCat(
        "store ingest: the search index did not cover ", count, " versions in time"));
  }
  out.indexed_cpu_seconds = ProcessCpuSeconds() - cpu - building;
  return out;
}

}  // namespace

absl::StatusOr<StoreIngestResult> StoreIngest(const std::string& dir, uint64_t count, size_t batch) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) return absl::FailedPreconditionError(dir + " exists");
  absl::StatusOr<StoreIngestResult> result;
  {
    ASSIGN_OR_RETURN(std::unique_ptr<store::Store> s,
                     store::Store::Open(dir, core::NodePlace{kProvince, ""}));
    result = Ingest(*s, count, batch);
  }
  std::filesystem::remove_all(dir, ec);
  return result;
}

}  // namespace council::bench
