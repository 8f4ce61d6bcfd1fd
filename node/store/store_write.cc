// The write path: group commit, staging of versions with their routing,
// receipts and cursors, all in one atomic, synced WriteBatch.
#include <pthread.h>

#include <future>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "node/core/apply.h"
#include "node/core/ids.h"
#include "node/core/kinds.h"
#include "node/core/serialize.h"
#include "node/core/status_macros.h"
#include "node/core/versioning.h"
#include "node/store/keys.h"
#include "node/store/rocks_db.h"
#include "node/store/rocks_status.h"
#include "node/store/store.h"
#include "node/store/write_group.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace council::store {

namespace {

// What a version's rows besides its log entry take in a batch, about.
constexpr size_t kRowBytesPerVersion = 256;

std::string Be64(uint64_t v) {
  std::string s;
  keys::PutBe64(&s, v);
  return s;
}

}  // namespace

// A caller waiting in the commit queue.
struct Store::Writer {
  WriteRequest req;
  std::promise<absl::StatusOr<WriteResult>> promise;
  absl::StatusOr<WriteResult> result = absl::UnknownError("not committed");
  bool staged = false;  // its group is staged: Submit returns
  std::condition_variable cv;
};

// A staged group on its way to disk. Read-only once handed to the
// committer: the next group may be staging on top of it.
struct Store::Commit {
  Group group;
  rocksdb::WriteBatch batch;
  std::map<std::string, uint64_t> counts;
  std::vector<std::shared_ptr<Writer>> writers;
  bool done = false;  // guarded by mu_
};

void Store::Target::StoreVersion(const v1::Record& rec, const v1::Record* prev, std::string bytes) {
  absl::StatusOr<core::RecordIdParts> parsed = core::ParseRecordId(rec.id());
  const core::RecordIdParts& id = *parsed;  // REQUIRES of ApplyVersion: the id is valid
  const std::string kind = core::KindName(rec);
  g_->Put(keys::Log(rec.origin(), rec.seq()), bytes);
  g_->current[rec.id()] = std::move(bytes);
  g_->Put(keys::Current(id.origin, id.seq), Be64(rec.seq()));
  if (prev == nullptr) {
    g_->Put(keys::ByKind(kind, id.origin, id.seq), "");
    g_->Put(keys::ByUnit(id.origin, kind, id.seq), "");
    g_->count_delta[kind] += 1;
  }
  const std::string& period = core::PeriodOf(rec);
  const std::string old_period = prev ? core::PeriodOf(*prev) : "";
  if (period != old_period && !old_period.empty()) {
    g_->Delete(keys::ByPeriod(old_period, id.origin, id.seq));
  }
  if (!period.empty()) g_->Put(keys::ByPeriod(period, id.origin, id.seq), "");
  StageHubRows(rec, prev);
  uint64_t feed = FeedHead() + 1;  // for the search indexer
  g_->Put(keys::Feed(feed), keys::LogRef(rec.origin(), rec.seq()));
  g_->feed_head = feed;
}

absl::StatusOr<WriteResult> Store::Stage(WriteRequest& req, Group& g) {
  Target target(this, &g);
  core::ApplyContext ctx{place_, &clock_, req.wall_ms, signer_, verifier_};
  ctx.recovering = RecoveryTarget().has_value();
  if (ctx.recovering && !req.drafts.empty()) {
    return absl::UnavailableError(absl::StrCat(
        "unit ", place_.self, " is recovering its own records from its parent (after a restore or "
        "a rebuild); local writes resume once it holds them all — see councilctl status"));
  }
  WriteResult result;
  for (const v1::Record& draft : req.drafts) {
    ASSIGN_OR_RETURN(v1::Record rec, core::ApplyLocalDraft(target, draft, ctx));
    result.drafts.push_back(std::move(rec));
  }
  // Each version encoded at most once (stored bytes, chain digest); one
  // signature check per run of an origin's consecutive versions.
  std::vector<core::EncodedVersion> encoded = req.encoded.size() == req.versions.size()
                                                  ? std::move(req.encoded)
                                                  : core::EncodeVersions(req.versions);
  core::ChainProof proof(req.versions, encoded, verifier_);
  for (size_t i = 0; i < req.versions.size(); ++i) {
    const v1::Record& rec = req.versions[i];
    std::string why;
    const bool proven = proof.Proven(i, target.Tree());
    ASSIGN_OR_RETURN(core::ApplyDecision d,
                     core::ApplyVersion(target, rec, req.from, ctx, &why, proven, &encoded[i]));
    switch (d) {
      case core::ApplyDecision::kApply:
        result.version_outcomes.push_back(Outcome::kApplied);
        break;
      case core::ApplyDecision::kRejected:
        if (req.from.empty()) {  // an import is taken whole or not at all
          return absl::PermissionDeniedError(absl::StrCat("import refused: ", why));
        }
        result.version_outcomes.push_back(Outcome::kRejected);
        result.rejections.push_back(std::move(why));
        break;
      case core::ApplyDecision::kStale:
        ++result.stale;
        [[fallthrough]];
      case core::ApplyDecision::kDuplicate:
        result.version_outcomes.push_back(Outcome::kUnchanged);
        break;
    }
  }
  if (!req.outbox_peer.empty()) {
    const uint64_t* staged = g.Lookup(&Group::heads, req.outbox_peer);
    uint64_t head = staged != nullptr ? *staged : OutboxHead(req.outbox_peer);
    if (req.outbox_floor > head) g.heads[req.outbox_peer] = req.outbox_floor;
    for (const v1::Record& rec : req.requeue) target.AppendOutbox(req.outbox_peer, rec);
  }
  if (!req.from.empty()) {
    const uint64_t* staged = g.Lookup(&Group::inbound, req.from);
    uint64_t have = staged != nullptr ? *staged : InboundCursor(req.from);
    if (req.inbound_cursor > have) {
      g.inbound[req.from] = req.inbound_cursor;
      g.Put(keys::PeerKey(keys::kInbound, req.from), Be64(req.inbound_cursor));
    }
  }
  return result;
}

std::future<absl::StatusOr<WriteResult>> Store::Submit(WriteRequest req) {
  auto w = std::make_shared<Writer>();
  w->req = std::move(req);
  std::future<absl::StatusOr<WriteResult>> future = w->promise.get_future();
  std::unique_lock<std::mutex> lock(mu_);
  writers_.push_back(w);
  w->cv.wait(lock, [&] {
    return w->staged || (!staging_ && !writers_.empty() && writers_.front() == w);
  });
  if (w->staged) return future;
  // This writer leads everyone queued now; later arrivals form the next group.
  staging_ = true;
  std::vector<std::shared_ptr<Writer>> group(writers_.begin(), writers_.end());
  writers_.clear();
  std::shared_ptr<Commit> before = inflight_;
  lock.unlock();
  std::shared_ptr<Commit> commit = Lead(group, before.get());
  lock.lock();
  commit_cv_.wait(lock, [&] { return before == nullptr || before->done; });
  commit->group.parent = nullptr;  // `before` is durable and in memory now
  if (!sticky_error_.ok()) {
    for (const std::shared_ptr<Writer>& m : group) {
      if (m->result.ok()) {
        m->result = absl::UnavailableError(absl::StrCat(
            "store refuses writes after an earlier failure: ", sticky_error_.message()));
      }
      m->promise.set_value(std::move(m->result));
    }
  } else {
    commit->counts = counts_;
    for (const auto& [kind, delta] : commit->group.count_delta) {
      uint64_t& n = commit->counts[kind];
      n += delta;
      db_->Put(&commit->batch, keys::Count(kind), Be64(n));
    }
    commit->writers = group;
    inflight_ = commit;
    commit_cv_.notify_all();
  }
  staging_ = false;
  for (const std::shared_ptr<Writer>& m : group) {
    m->staged = true;
    if (m != w) m->cv.notify_one();
  }
  if (!writers_.empty()) writers_.front()->cv.notify_one();
  return future;
}

std::shared_ptr<Store::Commit> Store::Lead(const std::vector<std::shared_ptr<Writer>>& writers,
                                           const Commit* before) {
  auto commit = std::make_shared<Commit>();
  // Room for the whole group's rows from the start: growing a batch of a
  // megabyte copies it again at each doubling, into freshly faulted pages.
  size_t bytes = 0;
  for (const std::shared_ptr<Writer>& w : writers) {
    for (const core::EncodedVersion& e : w->req.encoded) bytes += e.bytes.size();
    bytes += kRowBytesPerVersion * (w->req.versions.size() + w->req.drafts.size());
  }
  commit->batch = rocksdb::WriteBatch(bytes);
  Group& group = commit->group;
  group.parent = before == nullptr ? nullptr : &before->group;
  group.db = db_.get();
  group.batch = &commit->batch;
  for (const std::shared_ptr<Writer>& w : writers) {
    Group sub;
    sub.parent = &group;
    sub.db = group.db;
    sub.batch = group.batch;
    commit->batch.SetSavePoint();
    absl::StatusOr<WriteResult> r = Stage(w->req, sub);
    if (r.ok()) {
      commit->batch.PopSavePoint();
      group.Absorb(sub);
    } else {
      commit->batch.RollbackToSavePoint();
    }
    w->result = std::move(r);
    // Staged: its records are in the batch from here on, and two groups are
    // in flight at once (memory under a bulk sync, BENCHMARKS.md).
    if (w->req.give_back) w->req.give_back(std::move(w->req.versions));
    w->req = WriteRequest{};
  }
  for (const auto& [origin, head] : group.origins) {
    group.Put(keys::OriginMax(origin), Be64(head.seq) + head.digest);
  }
  for (const auto& [peer, head] : group.heads) group.Put(keys::PeerKey(keys::kOutboxHead, peer), Be64(head));
  for (const auto& [key, row] : group.derived) group.Put(key, core::CanonicalBytes(*row));
  return commit;
}

void Store::CommitLoop() {
  pthread_setname_np(pthread_self(), "commit");  // seen in top -H, perf
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    commit_cv_.wait(lock, [this] { return stop_committer_ || (inflight_ && !inflight_->done); });
    if (inflight_ == nullptr || inflight_->done) return;  // stopping, nothing pending
    std::shared_ptr<Commit> commit = inflight_;
    lock.unlock();
    rocksdb::WriteOptions wo;
    wo.sync = true;
    absl::Status s = commit->batch.Count() == 0
                         ? absl::OkStatus()
                         : FromRocks(db_->Write(wo, &commit->batch), "committing records");
    lock.lock();
    Publish(*commit, s);
    commit->done = true;
    commit_cv_.notify_all();
    lock.unlock();
    for (const std::shared_ptr<Writer>& w : commit->writers) {
      if (!s.ok() && w->result.ok()) w->result = s;
      w->promise.set_value(std::move(w->result));
    }
    commit->writers.clear();
    lock.lock();
  }
}

void Store::Publish(const Commit& commit, const absl::Status& written) {
  if (!written.ok()) {
    sticky_error_ = written;
    return;
  }
  const Group& group = commit.group;
  counts_ = commit.counts;
  for (const auto& [origin, head] : group.origins) {
    origin_max_[origin] = head.seq;
    origin_digest_[origin] = head.digest;
  }
  for (const auto& [peer, head] : group.heads) outbox_head_[peer] = head;
  for (const auto& [peer, c] : group.inbound) inbound_[peer] = c;
  if (group.tree) tree_ = std::make_shared<const core::UnitTree>(*group.tree);
  if (group.feed_head != 0) {
    if (group.feed_head - feed_head_ >= kStreamGroup) {
      streaming_until_ = std::chrono::steady_clock::now() + stream_quiet_;
    }
    feed_head_ = group.feed_head;
    if (indexer_idle_ || feed_head_ - index_cursor_ >= kIndexBatch) index_cv_.notify_all();
  }
  if (!group.heads.empty()) outbox_cv_.notify_all();
}

absl::StatusOr<WriteResult> Store::Write(WriteRequest req) { return Submit(std::move(req)).get(); }

}  // namespace council::store
