// The search index (W postings), kept off the write path: every applied
// version leaves an entry in the change feed (F) in its commit batch, and a
// background thread turns feed entries into postings, in its own batches
// with its cursor (Z). A crash loses nothing: the indexer resumes after the
// last cursor it committed, and indexing a version twice writes the same
// rows.
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "node/core/ids.h"
#include "node/core/postings.h"
#include "node/core/serialize.h"
#include "node/core/status_macros.h"
#include "node/store/keys.h"
#include "node/store/log_reader.h"
#include "node/store/rocks_db.h"
#include "node/store/rocks_status.h"
#include "node/store/store.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace council::store {
namespace {

constexpr int kIndexerNice = 10;
constexpr size_t kIndexChunk = 256;   // records read through one pair of iterators
// How long the indexer lets a short feed grow before indexing it, unless a
// search waits: a posting row per word per batch of a few local writes
// cost more than the writes themselves.
constexpr auto kIndexLinger = std::chrono::milliseconds(200);

std::string Be64(uint64_t v) {
  std::string s;
  keys::PutBe64(&s, v);
  return s;
}

}  // namespace

absl::StatusOr<size_t> Store::IndexSome(size_t max) {
  uint64_t from;
  {
    std::lock_guard<std::mutex> lock(mu_);
    from = index_cursor_;
  }
  rocksdb::WriteBatch batch;
  core::PostingsBuilder postings;
  uint64_t last = from;
  size_t read = 0;
  const std::string prefix(1, keys::kFeed);
  // Iterators pin the memtables they have seen, even once flushed: fresh
  // ones per chunk, so that a slow (low-priority) batch does not keep a
  // flushed memtable alive (peak RSS, BENCHMARKS.md).
  for (bool more = true; more && read < max;) {
    std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(keys::kFeed);
    std::vector<std::pair<std::string, uint64_t>> refs;  // (origin, seq) of each entry
    size_t chunk = 0;
    for (it->Seek(keys::Feed(last + 1));
         it->Valid() && it->key().starts_with(prefix) && read < max && chunk < kIndexChunk;
         it->Next(), ++read, ++chunk) {
      last = keys::GetBe64(absl::string_view(it->key().data() + 1, it->key().size() - 1));
      db_->Delete(&batch, it->key());
      std::pair<std::string, uint64_t> ref;
      if (keys::ParseLogRef(absl::string_view(it->value().data(), it->value().size()), &ref.first,
                            &ref.second)) {
        refs.push_back(std::move(ref));
      }
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "reading the change feed"));
    more = chunk == kIndexChunk;
    // In log order: a hub's feed interleaves its origins, and the reader
    // steps through a run of one origin's versions where it would otherwise
    // read each through every level. Versions of one record share its
    // origin, so each record's stay in feed order (T ends at the latest).
    std::sort(refs.begin(), refs.end());
    LogReader log(db_.get());  // after the feed iterator: holds what it names
    for (const auto& [origin, seq] : refs) {
      std::optional<rocksdb::Slice> bytes = log.Read(origin, seq);
      v1::RecordSearchText rec;
      if (!bytes || !rec.ParseFromArray(bytes->data(), static_cast<int>(bytes->size()))) continue;
      absl::StatusOr<core::RecordIdParts> id = core::ParseRecordId(rec.id());
      if (!id.ok()) continue;
      postings.Add(rec, *id, seq);
      // Supersedes the postings of any earlier version (Postings checks).
      db_->Put(&batch, keys::Indexed(id->origin, id->seq), Be64(seq));
    }
    RETURN_IF_ERROR(FromRocks(log.status(), "reading the log for the search index"));
  }
  if (read == 0) return 0;
  postings.ForEach([&](const std::string& word, const v1::PostingBlock& block) {
    db_->Put(&batch, keys::PostingBlock(word, last), core::CanonicalBytes(block));
  });
  db_->Put(&batch, keys::IndexCursor(), Be64(last));
  RETURN_IF_ERROR(FromRocks(db_->Write(rocksdb::WriteOptions(), &batch), "writing the search index"));
  std::lock_guard<std::mutex> lock(mu_);
  index_cursor_ = last;
  index_cv_.notify_all();
  return read;
}

absl::StatusOr<std::map<std::string, uint32_t>> Store::Postings(const std::string& token) {
  std::map<std::string, uint32_t> out;
  std::map<std::pair<std::string, uint64_t>, uint64_t> indexed;  // record -> version indexed
  auto indexed_seq = [&](const std::string& origin, uint64_t n) {
    auto [at, fresh] = indexed.try_emplace({origin, n}, 0);
    std::string value;
    if (fresh && db_->Get(keys::Indexed(origin, n), &value).ok()) {
      at->second = keys::GetBe64(value);
    }
    return at->second;
  };
  RETURN_IF_ERROR(ScanRows(keys::Prefix(keys::kPosting, {token}), [&](auto, auto value) {
    v1::PostingBlock b;
    if (!b.ParseFromArray(value.data(), static_cast<int>(value.size()))) return;
    core::ForEachPosting(b, [&](const core::Posting& p) {
      if (indexed_seq(p.origin, p.n) == p.seq) out[core::MakeRecordId(p.origin, p.n)] = p.weight;
    });
  }));
  return out;
}

void Store::IndexLoop() {
  pthread_setname_np(pthread_self(), "index");  // seen in top -H, perf
  // Replication first, derived views after: the indexer yields the CPU to
  // applying and relaying records, waits out a stream of large groups
  // (Store::kStreamGroup), and catches up when they idle (search waits for
  // it). Best effort: a failure leaves the default priority.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kIndexerNice);
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      indexer_idle_ = true;
      index_cv_.wait_for(lock, std::chrono::seconds(1),
                         [this] { return stop_indexer_ || feed_head_ > index_cursor_; });
      indexer_idle_ = false;
      if (stop_indexer_) return;
      if (feed_head_ <= index_cursor_) continue;
      index_cv_.wait_for(lock, kIndexLinger, [this] {
        return stop_indexer_ || index_waiters_ > 0 || feed_head_ - index_cursor_ >= kIndexBatch;
      });
      // Bounded: each wait ends by kStreamQuiet after the last large group.
      while (!stop_indexer_ && index_waiters_ == 0 &&
             std::chrono::steady_clock::now() < streaming_until_) {
        index_cv_.wait_until(lock, streaming_until_,
                             [this] { return stop_indexer_ || index_waiters_ > 0; });
      }
      if (stop_indexer_) return;
    }
    absl::StatusOr<size_t> done = IndexSome(kIndexBatch);
    if (!done.ok()) {
      // Retried on the next wake-up; search waits (bounded) meanwhile.
      std::unique_lock<std::mutex> lock(mu_);
      index_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_indexer_; });
    }
  }
}

void Store::SetIndexStreamQuiet(std::chrono::milliseconds quiet) {
  std::lock_guard<std::mutex> lock(mu_);
  stream_quiet_ = quiet;
}

uint64_t Store::IndexLag() const {
  std::lock_guard<std::mutex> lock(mu_);
  return feed_head_ - index_cursor_;
}

bool Store::WaitIndexed(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = feed_head_;
  ++index_waiters_;
  index_cv_.notify_all();
  bool indexed = index_cv_.wait_until(lock, deadline, [&] { return index_cursor_ >= target; });
  --index_waiters_;
  return indexed;
}

}  // namespace council::store
