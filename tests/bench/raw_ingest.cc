#include "tests/bench/raw_ingest.h"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "node/core/serialize.h"
#include "node/store/rocks_db.h"
#include "tests/bench/bench_records.h"
#include "tests/bench/hub_rows.h"

namespace council::bench {

RawDb::RawDb(std::unique_ptr<store::RocksDb> db) : db_(std::move(db)) {}
RawDb::~RawDb() = default;

absl::StatusOr<std::unique_ptr<RawDb>> RawDb::Open(const std::string& dir) {
  std::unique_ptr<store::RocksDb> db;
  rocksdb::Status s = store::RocksDb::Open(dir, &db);  // as the node's store does
  if (!s.ok()) return absl::UnavailableError(absl::StrCat("rocksdb open ", dir, ": ", s.ToString()));
  return std::unique_ptr<RawDb>(new RawDb(std::move(db)));
}

absl::Status RawDb::Write(const std::vector<std::pair<std::string, std::string>>& rows,
                          bool sync) {
  rocksdb::WriteBatch batch;
  for (const auto& [key, value] : rows) db_->Put(&batch, key, value);
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  rocksdb::Status s = db_->Write(wo, &batch);
  if (!s.ok()) return absl::UnavailableError(absl::StrCat("rocksdb write: ", s.ToString()));
  return absl::OkStatus();
}

namespace {

// Appends the rows of the records from `*next` on to `rows` (at most
// `batch`), advancing `*next`; the records are 1..count.
using RowSource = std::function<void(uint64_t* next, uint64_t count, size_t batch,
                                     std::vector<std::pair<std::string, std::string>>* rows)>;

absl::StatusOr<RawIngestResult> Ingest(const std::string& dir, uint64_t count, size_t batch,
                                       bool sync, const RowSource& source) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    return absl::FailedPreconditionError(absl::StrCat(dir, " exists; the ingest needs a fresh one"));
  }
  RawIngestResult result;
  const double cpu = ProcessCpuSeconds();
  double encoding = 0;
  {
    absl::StatusOr<std::unique_ptr<RawDb>> db = RawDb::Open(dir);
    if (!db.ok()) return db.status();
    std::vector<std::pair<std::string, std::string>> rows;
    std::chrono::steady_clock::duration in_write{};
    for (uint64_t next = 1; next <= count;) {
      const double encode_start = ThreadCpuSeconds();
      rows.clear();
      const uint64_t first = next;
      source(&next, count, batch, &rows);
      for (const auto& row : rows) result.value_bytes += row.second.size();
      encoding += ThreadCpuSeconds() - encode_start;
      auto start = std::chrono::steady_clock::now();
      absl::Status s = (*db)->Write(rows, sync);
      in_write += std::chrono::steady_clock::now() - start;
      if (!s.ok()) return s;
      result.records += next - first;
      result.rows += rows.size();
    }
    result.write_seconds = std::chrono::duration<double>(in_write).count();
    if (absl::Status settled = (*db)->Settle(); !settled.ok()) return settled;
    result.cpu_seconds = ProcessCpuSeconds() - cpu - encoding;
  }
  result.disk_bytes = DirectoryBytes(dir);
  return result;
}

}  // namespace

absl::Status RawDb::Settle() {
  rocksdb::Status s = db_->FlushAll();
  if (!s.ok()) return absl::UnavailableError(absl::StrCat("rocksdb flush: ", s.ToString()));
  // Bounded: a compaction of this much data takes seconds, not minutes.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  if (!db_->WaitCompacted(deadline)) {
    return absl::DeadlineExceededError("rocksdb compactions still running after 5 min");
  }
  return absl::OkStatus();
}

absl::StatusOr<RawIngestResult> RawIngest(const std::string& dir, uint64_t count, size_t batch,
                                          bool sync, const std::string& origin) {
  return Ingest(dir, count, batch, sync, [&](uint64_t* next, uint64_t count, size_t batch, auto* rows) {
    for (; *next <= count && rows->size() < batch; ++*next) {
      rows->emplace_back(LogKey(origin, *next), core::CanonicalBytes(StoredReport(origin, *next)));
    }
  });
}

absl::StatusOr<RawIngestResult> HubRowsIngest(const std::string& dir, uint64_t count,
                                              size_t batch, size_t origins) {
  const std::vector<std::string>& communes = BenchCommunes();
  origins = std::clamp<size_t>(origins, 1, communes.size());
  std::vector<uint64_t> next_seq(origins, 1);
  HubRows hub;
  return Ingest(dir, count, batch, /*sync=*/true,
                [&](uint64_t* next, uint64_t count, size_t batch, auto* rows) {
    for (size_t in_batch = 0; *next <= count && in_batch < batch; ++*next, ++in_batch) {
      const size_t c = (*next - 1) % origins;
      const v1::Record rec = StoredReport(communes[c], next_seq[c]++);
      hub.AddLogEntry(rec, core::CanonicalBytes(rec), std::string(32, static_cast<char>(c)), rows);
      hub.AddDerived(rec, rows);
    }
    hub.EndBatch("522", *next - 1, rows);
  });
}

double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      uint64_t size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

}  // namespace council::bench
