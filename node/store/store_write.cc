// The write path: group commit, staging of versions with their routing,
// receipts and cursors, all in one atomic, synced WriteBatch.
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
#include "node/store/rocks_status.h"
#include "node/store/store.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace council::store {

namespace {

std::string PeriodOf(const v1::Record& r) {
  if (r.has_report()) return r.report().period();
  if (r.has_conclusion()) return r.conclusion().period();
  return "";
}

std::string Be64(uint64_t v) {
  std::string s;
  keys::PutBe64(&s, v);
  return s;
}

template <typename Map, typename Key>
auto FindIn(const Map& m, const Key& k) -> std::optional<typename Map::mapped_type> {
  auto it = m.find(k);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

}  // namespace

// A caller waiting in the commit queue.
struct Store::Writer {
  WriteRequest* req;
  absl::StatusOr<WriteResult> result = absl::UnknownError("not committed");
  bool done = false;
  std::condition_variable cv;
};

// Staged effects of one or more requests, not yet committed. Lookups fall
// through to `parent` (the group being built) and then to the store.
struct Store::Group {
  const Group* parent = nullptr;
  std::vector<std::pair<std::string, std::optional<std::string>>> ops;  // nullopt: delete
  std::map<std::string, v1::Record> current;   // id -> staged current version
  std::map<std::string, int64_t> count_delta;  // kind -> change
  std::map<std::string, uint64_t> origin_max;  // origin -> staged maximum
  std::map<std::string, uint64_t> heads;       // peer -> staged outbox head
  std::map<std::string, uint64_t> inbound;     // peer -> staged inbound cursor
  std::optional<core::UnitTree> tree;          // set once a unit record is staged

  void Put(std::string key, std::string value) { ops.emplace_back(std::move(key), std::move(value)); }
  void Delete(std::string key) { ops.emplace_back(std::move(key), std::nullopt); }

  template <typename Field>
  auto Lookup(Field field, const std::string& key) const {
    for (const Group* g = this; g != nullptr; g = g->parent) {
      if (auto v = FindIn(g->*field, key)) return v;
    }
    return decltype(FindIn(this->*field, key))();
  }
  const core::UnitTree* StagedTree() const {
    for (const Group* g = this; g != nullptr; g = g->parent) {
      if (g->tree) return &*g->tree;
    }
    return nullptr;
  }
  // Moves a successfully staged child into this group.
  void Absorb(Group& child) {
    for (auto& op : child.ops) ops.push_back(std::move(op));
    for (auto& [id, rec] : child.current) current[id] = std::move(rec);
    for (auto& [k, d] : child.count_delta) count_delta[k] += d;
    for (auto& [o, m] : child.origin_max) origin_max[o] = m;
    for (auto& [p, h] : child.heads) heads[p] = h;
    for (auto& [p, c] : child.inbound) inbound[p] = c;
    if (child.tree) tree = std::move(child.tree);
  }
};

// Stages the effects of the core's apply logic into a Group.
class Store::Target : public core::ApplyTarget {
 public:
  Target(Store* store, Group* g) : store_(store), g_(g) {}

  absl::StatusOr<std::optional<v1::Record>> Current(const std::string& id) override {
    if (auto staged = g_->Lookup(&Group::current, id)) return *staged;
    absl::StatusOr<v1::Record> rec = store_->Get(id);
    if (absl::IsNotFound(rec.status())) return std::nullopt;
    if (!rec.ok()) return rec.status();
    return *std::move(rec);
  }
  uint64_t OriginMax(const std::string& origin) override {
    return g_->Lookup(&Group::origin_max, origin).value_or(store_->OriginMax(origin));
  }
  const core::UnitTree& Tree() override {
    if (const core::UnitTree* staged = g_->StagedTree()) return *staged;
    if (!committed_tree_) committed_tree_ = store_->TreeSnapshot();
    return *committed_tree_;
  }
  void StoreTree(const core::UnitTree& tree) override { g_->tree = tree; }
  void StoreVersion(const v1::Record& rec, const v1::Record* prev) override;
  void AppendOutbox(const std::string& peer, const v1::Record& rec) override {
    uint64_t pos = HeadOf(peer) + 1;
    g_->Put(keys::Outbox(peer, pos), keys::LogRef(rec.origin(), rec.seq()));
    g_->heads[peer] = pos;
  }
  absl::Status ForEachOfKind(const std::string& kind,
                             const std::function<void(const v1::Record&)>& fn) override {
    std::set<std::string> staged;
    for (const Group* g = g_; g != nullptr; g = g->parent) {
      for (const auto& [id, r] : g->current) {
        if (core::KindName(r) == kind && staged.insert(id).second) fn(r);
      }
    }
    return store_->List({kind, "", "", "", 0}, [&](const v1::Record& r) {
      if (staged.count(r.id()) == 0) fn(r);
      return true;
    });
  }

 private:
  uint64_t HeadOf(const std::string& peer) {
    if (auto staged = g_->Lookup(&Group::heads, peer)) return *staged;
    return store_->OutboxHead(peer);
  }
  Store* store_;
  Group* g_;
  std::shared_ptr<const core::UnitTree> committed_tree_;
};

void Store::Target::StoreVersion(const v1::Record& rec, const v1::Record* prev) {
  absl::StatusOr<core::RecordIdParts> parsed = core::ParseRecordId(rec.id());
  const core::RecordIdParts& id = *parsed;  // REQUIRES of ApplyVersion: the id is valid
  const std::string kind = core::KindName(rec);
  g_->Put(keys::Log(rec.origin(), rec.seq()), core::CanonicalBytes(rec));
  g_->Put(keys::Current(id.origin, id.seq), Be64(rec.seq()));
  if (prev == nullptr) {
    g_->Put(keys::ByKind(kind, id.origin, id.seq), "");
    g_->Put(keys::ByUnit(id.origin, kind, id.seq), "");
    g_->count_delta[kind] += 1;
  }
  std::string period = PeriodOf(rec);
  std::string old_period = prev ? PeriodOf(*prev) : "";
  if (period != old_period && !old_period.empty()) {
    g_->Delete(keys::ByPeriod(old_period, id.origin, id.seq));
  }
  if (!period.empty()) g_->Put(keys::ByPeriod(period, id.origin, id.seq), "");
  if (rec.seq() > OriginMax(rec.origin())) g_->origin_max[rec.origin()] = rec.seq();
  g_->current[rec.id()] = rec;
}

absl::StatusOr<WriteResult> Store::Stage(const WriteRequest& req, Group& g) {
  Target target(this, &g);
  core::ApplyContext ctx{place_, &clock_, req.wall_ms};
  WriteResult result;
  for (const v1::Record& draft : req.drafts) {
    ASSIGN_OR_RETURN(v1::Record rec, core::ApplyLocalDraft(target, draft, ctx));
    result.drafts.push_back(std::move(rec));
  }
  for (const v1::Record& rec : req.versions) {
    ASSIGN_OR_RETURN(core::ApplyDecision d, core::ApplyVersion(target, rec, req.from, ctx));
    result.version_outcomes.push_back(d == core::ApplyDecision::kApply ? Outcome::kApplied
                                                                       : Outcome::kUnchanged);
  }
  if (!req.from.empty()) {
    uint64_t have = g.Lookup(&Group::inbound, req.from).value_or(InboundCursor(req.from));
    if (req.inbound_cursor > have) {
      g.inbound[req.from] = req.inbound_cursor;
      g.Put(keys::PeerKey(keys::kInbound, req.from), Be64(req.inbound_cursor));
    }
  }
  return result;
}

absl::Status Store::Lead(std::vector<Writer*>& writers) {
  Group group;
  for (Writer* w : writers) {
    Group sub;
    sub.parent = &group;
    absl::StatusOr<WriteResult> r = Stage(*w->req, sub);
    if (r.ok()) group.Absorb(sub);
    w->result = std::move(r);
  }
  std::map<std::string, uint64_t> counts = Counts();
  for (const auto& [kind, delta] : group.count_delta) {
    counts[kind] += delta;
    group.Put(keys::Count(kind), Be64(counts[kind]));
  }
  for (const auto& [origin, max] : group.origin_max) group.Put(keys::OriginMax(origin), Be64(max));
  for (const auto& [peer, head] : group.heads) group.Put(keys::PeerKey(keys::kOutboxHead, peer), Be64(head));
  rocksdb::WriteBatch batch;
  for (const auto& [key, value] : group.ops) {
    if (value) {
      batch.Put(key, *value);
    } else {
      batch.Delete(key);
    }
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  absl::Status s = batch.Count() == 0 ? absl::OkStatus()
                                      : FromRocks(db_->Write(wo, &batch), "committing records");
  std::lock_guard<std::mutex> lock(mu_);
  if (!s.ok()) {
    sticky_error_ = s;
    return s;
  }
  counts_ = std::move(counts);
  for (const auto& [origin, max] : group.origin_max) origin_max_[origin] = max;
  for (const auto& [peer, head] : group.heads) outbox_head_[peer] = head;
  for (const auto& [peer, c] : group.inbound) inbound_[peer] = c;
  if (group.tree) tree_ = std::make_shared<const core::UnitTree>(std::move(*group.tree));
  if (!group.heads.empty()) outbox_cv_.notify_all();
  return absl::OkStatus();
}

absl::StatusOr<WriteResult> Store::Write(WriteRequest req) {
  Writer w;
  w.req = &req;
  std::unique_lock<std::mutex> lock(mu_);
  writers_.push_back(&w);
  while (!w.done && &w != writers_.front()) w.cv.wait(lock);
  if (w.done) return std::move(w.result);
  if (!sticky_error_.ok()) {
    writers_.pop_front();
    if (!writers_.empty()) writers_.front()->cv.notify_one();
    return absl::UnavailableError(absl::StrCat(
        "store refuses writes after an earlier failure: ", sticky_error_.message()));
  }
  // This writer leads everyone queued now; later arrivals form the next group.
  std::vector<Writer*> group(writers_.begin(), writers_.end());
  lock.unlock();
  absl::Status committed = Lead(group);
  lock.lock();
  for (Writer* member : group) {
    writers_.pop_front();
    if (!committed.ok() && member->result.ok()) member->result = committed;
    if (member != &w) {
      member->done = true;
      member->cv.notify_one();
    }
  }
  if (!writers_.empty()) writers_.front()->cv.notify_one();
  return std::move(w.result);
}

}  // namespace council::store
