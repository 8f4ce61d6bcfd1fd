// The write path: group commit, staging of versions with their routing,
// receipts and cursors, all in one atomic, synced WriteBatch.
#include <utility>

#include "absl/strings/str_cat.h"
#include "node/core/apply_plan.h"
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

absl::StatusOr<std::optional<v1::Record>> Store::CurrentOf(const std::string& id,
                                                           const Group& g) {
  if (auto staged = g.Lookup(&Group::current, id)) return *staged;
  absl::StatusOr<v1::Record> rec = Get(id);
  if (absl::IsNotFound(rec.status())) return std::nullopt;
  if (!rec.ok()) return rec.status();
  return *std::move(rec);
}

uint64_t Store::HeadOf(const std::string& peer, const Group& g) const {
  if (auto staged = g.Lookup(&Group::heads, peer)) return *staged;
  std::lock_guard<std::mutex> lock(mu_);
  return FindIn(outbox_head_, peer).value_or(0);
}

void Store::StageOutbox(const std::string& peer, const v1::Record& rec, Group& g) {
  uint64_t pos = HeadOf(peer, g) + 1;
  g.Put(keys::Outbox(peer, pos), keys::LogRef(rec.origin(), rec.seq()));
  g.heads[peer] = pos;
}

absl::Status Store::StageNewChild(const std::string& child, Group& g) {
  const core::UnitTree& tree = *g.StagedTree();
  for (const char* kind : {"unit", "directive", "petition_answer"}) {
    RETURN_IF_ERROR(List({kind, "", "", "", 0}, [&](const v1::Record& r) {
      if (core::AddressesSubtree(r, child, tree)) StageOutbox(child, r, g);
      return true;
    }));
  }
  return absl::OkStatus();
}

absl::Status Store::StageVersion(const v1::Record& rec, const v1::Record* prev,
                                 const std::string& from, int64_t wall_ms, Group& g) {
  ASSIGN_OR_RETURN(core::RecordIdParts id, core::ParseRecordId(rec.id()));
  const std::string kind = core::KindName(rec);
  g.Put(keys::Log(rec.origin(), rec.seq()), core::CanonicalBytes(rec));
  g.Put(keys::Current(id.origin, id.seq), Be64(rec.seq()));
  if (prev == nullptr) {
    g.Put(keys::ByKind(kind, id.origin, id.seq), "");
    g.Put(keys::ByUnit(id.origin, kind, id.seq), "");
    g.count_delta[kind] += 1;
  }
  std::string period = PeriodOf(rec);
  std::string old_period = prev ? PeriodOf(*prev) : "";
  if (period != old_period && !old_period.empty()) {
    g.Delete(keys::ByPeriod(old_period, id.origin, id.seq));
  }
  if (!period.empty()) g.Put(keys::ByPeriod(period, id.origin, id.seq), "");
  uint64_t max = g.Lookup(&Group::origin_max, rec.origin()).value_or(OriginMax(rec.origin()));
  if (rec.seq() > max) g.origin_max[rec.origin()] = rec.seq();
  g.current[rec.id()] = rec;

  bool new_child = false;
  if (rec.has_unit()) {
    if (!g.tree) g.tree = g.StagedTree() ? *g.StagedTree() : Tree();
    bool was_child = g.tree->ParentOf(rec.unit().id()) == place_.self;
    g.tree->Upsert(rec);
    new_child = !was_child && g.tree->ParentOf(rec.unit().id()) == place_.self &&
                rec.unit().id() != place_.self;
  }
  core::UnitTree base;
  if (!g.StagedTree()) base = Tree();
  const core::UnitTree& tree = g.StagedTree() ? *g.StagedTree() : base;
  core::ApplyPlan plan = core::PlanApply(rec, prev ? prev->version() : 0, place_, tree, from);
  if (plan.route.up) StageOutbox(place_.parent, rec, g);
  for (const std::string& child : plan.route.children) StageOutbox(child, rec, g);
  if (new_child) RETURN_IF_ERROR(StageNewChild(rec.unit().id(), g));
  if (plan.receipt) RETURN_IF_ERROR(StageDraft(core::ReceiptDraft(rec), wall_ms, g).status());
  return absl::OkStatus();
}

absl::StatusOr<v1::Record> Store::StageDraft(const v1::Record& draft, int64_t wall_ms, Group& g) {
  std::optional<v1::Record> current;
  if (!draft.id().empty()) {
    ASSIGN_OR_RETURN(current, CurrentOf(draft.id(), g));
  }
  uint64_t last = g.Lookup(&Group::origin_max, place_.self).value_or(OriginMax(place_.self));
  core::LocalStamp stamp{place_.self, last + 1, clock_.Tick(wall_ms)};
  ASSIGN_OR_RETURN(v1::Record rec,
                   core::PrepareLocalWrite(draft, current ? &*current : nullptr, stamp));
  RETURN_IF_ERROR(StageVersion(rec, current ? &*current : nullptr, "", wall_ms, g));
  return rec;
}

absl::StatusOr<WriteResult> Store::Stage(const WriteRequest& req, Group& g) {
  WriteResult result;
  for (const v1::Record& draft : req.drafts) {
    ASSIGN_OR_RETURN(v1::Record rec, StageDraft(draft, req.wall_ms, g));
    result.drafts.push_back(std::move(rec));
  }
  for (const v1::Record& rec : req.versions) {
    ASSIGN_OR_RETURN(std::optional<v1::Record> current, CurrentOf(rec.id(), g));
    core::ApplyDecision d = core::DecideApply(current ? current->version() : 0, rec.version());
    if (d != core::ApplyDecision::kApply) {
      result.version_outcomes.push_back(Outcome::kUnchanged);
      continue;
    }
    clock_.Observe(rec.hlc());
    RETURN_IF_ERROR(StageVersion(rec, current ? &*current : nullptr, req.from, req.wall_ms, g));
    result.version_outcomes.push_back(Outcome::kApplied);
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
  if (group.tree) tree_ = std::move(*group.tree);
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
