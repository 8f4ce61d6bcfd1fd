#include "tests/bench/routing_hub.h"

#include <chrono>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "node/core/status_macros.h"
#include "tests/bench/bench_records.h"

namespace council::bench {
namespace {

constexpr char kDistrict[] = "522";
constexpr char kProvince[] = "51";

absl::Status Commit(store::Store& store, store::WriteRequest req) {
  req.wall_ms = kBenchWallMs;
  ASSIGN_OR_RETURN(store::WriteResult result, store.Write(std::move(req)));
  for (store::Outcome o : result.version_outcomes) {
    if (o != store::Outcome::kApplied) {
      return absl::InternalError(absl::StrCat("fill: a version was not applied: ",
                                              result.rejections.empty() ? "" : result.rejections[0]));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<RoutingHub>> RoutingHub::Fill(const std::string& dir,
                                                             uint64_t records) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) return absl::FailedPreconditionError(dir + " exists");
  ASSIGN_OR_RETURN(std::unique_ptr<store::Store> s,
                   store::Store::Open(dir, core::NodePlace{kDistrict, kProvince}));
  std::unique_ptr<RoutingHub> hub(new RoutingHub(std::move(s)));
  {
    store::WriteRequest units;
    v1::Record self;
    self.mutable_unit()->set_id(kDistrict);
    self.mutable_unit()->set_level(v1::LEVEL_DISTRICT);
    self.mutable_unit()->set_name("HĐND thị xã Đức Phổ");
    self.mutable_unit()->set_parent(kProvince);
    self.mutable_doc()->set_title(self.unit().name());
    units.drafts.push_back(self);
    for (const std::string& c : BenchCommunes()) {
      units.versions.push_back(UnitVersion(c, v1::LEVEL_COMMUNE, kDistrict));
    }
    RETURN_IF_ERROR(Commit(hub->store(), std::move(units)));
  }
  const std::vector<std::string>& communes = BenchCommunes();
  std::vector<uint64_t> next_seq(communes.size(), 2);  // seq 1 is each commune's unit record
  constexpr uint64_t kBatch = 1000;
  for (uint64_t done = 0; done < records;) {
    store::WriteRequest req;
    for (; done < records && req.versions.size() < kBatch; ++done) {
      size_t c = done % communes.size();
      req.versions.push_back(UnsignedVersion(ReportDraft(done), communes[c], next_seq[c]++, done));
    }
    RETURN_IF_ERROR(Commit(hub->store(), std::move(req)));
  }
  // Measured at rest: the fill's indexing, flushes and compactions, more of
  // them the larger the log, would otherwise run on the cores the reads are
  // timed on, and the figures would grow with N for that reason alone.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  if (!hub->store().WaitIndexed(deadline)) {
    return absl::DeadlineExceededError("fill: the search index still behind after 5 min");
  }
  if (!hub->store().WaitCompacted(deadline)) {
    return absl::DeadlineExceededError("fill: RocksDB still compacting after 5 min");
  }
  return hub;
}

absl::StatusOr<size_t> RoutingHub::DirectiveDown(const std::string& commune) {
  v1::Record d;
  d.mutable_doc()->set_title(absl::StrCat("Đôn đốc giải quyết kiến nghị cử tri, lần ", ++directives_));
  d.mutable_directive()->mutable_scope()->set_kind(v1::SCOPE_UNITS);
  d.mutable_directive()->mutable_scope()->add_units(commune);
  d.mutable_directive()->set_due_date("2030-12-31");
  const uint64_t head = store_->OutboxHead(commune);
  store::WriteRequest req;
  req.drafts.push_back(std::move(d));
  RETURN_IF_ERROR(Commit(*store_, std::move(req)));
  ASSIGN_OR_RETURN(store::OutboxSlice slice, store_->ReadOutbox(commune, head + 1, 64, 1 << 20));
  return slice.records.size();
}

}  // namespace council::bench
