#include "node/store/store.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "node/core/ids.h"
#include "node/core/kinds.h"
#include "node/core/serialize.h"
#include "node/core/status_macros.h"
#include "node/core/versioning.h"
#include "node/store/keys.h"
#include "node/store/rocks_status.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
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

}  // namespace

// A caller waiting in the commit queue.
struct Store::Writer {
  WriteRequest* req;
  absl::StatusOr<WriteResult> result = absl::UnknownError("not committed");
  bool done = false;
  std::condition_variable cv;
};

// Staged effects of one or more requests, not yet committed. Lookups fall
// through to `parent` (the group being built) and then to the database.
struct Store::Group {
  const Group* parent = nullptr;
  std::vector<std::pair<std::string, std::optional<std::string>>> ops;  // nullopt: delete
  std::map<std::string, v1::Record> current;   // id -> staged current version
  std::map<std::string, int64_t> count_delta;  // kind -> change
  std::map<std::string, uint64_t> origin_max;  // origin -> staged maximum

  const v1::Record* Find(const std::string& id) const {
    for (const Group* g = this; g != nullptr; g = g->parent) {
      auto it = g->current.find(id);
      if (it != g->current.end()) return &it->second;
    }
    return nullptr;
  }
  std::optional<uint64_t> StagedMax(const std::string& origin) const {
    for (const Group* g = this; g != nullptr; g = g->parent) {
      auto it = g->origin_max.find(origin);
      if (it != g->origin_max.end()) return it->second;
    }
    return std::nullopt;
  }
  void Put(std::string key, std::string value) { ops.emplace_back(std::move(key), std::move(value)); }
  void Delete(std::string key) { ops.emplace_back(std::move(key), std::nullopt); }
  // Moves a successfully staged child into this group.
  void Absorb(Group& child) {
    for (auto& op : child.ops) ops.push_back(std::move(op));
    for (auto& [id, rec] : child.current) current[id] = std::move(rec);
    for (auto& [k, d] : child.count_delta) count_delta[k] += d;
    for (auto& [o, m] : child.origin_max) origin_max[o] = m;
  }
};

Store::Store(rocksdb::DB* db, std::string origin) : db_(db), origin_(std::move(origin)) {}
Store::~Store() = default;

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir,
                                                   const std::string& origin) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  options.compression = rocksdb::kLZ4Compression;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &db);
  if (!s.ok()) {
    if (s.IsIOError() && absl::StrContains(s.ToString(), "lock")) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data directory ", dir, " is in use by another process (", s.ToString(), ")"));
    }
    return FromRocks(s, absl::StrCat("cannot open data directory ", dir));
  }
  std::unique_ptr<Store> store(new Store(db, origin));
  RETURN_IF_ERROR(store->LoadCounters());
  return store;
}

absl::Status Store::LoadCounters() {
  std::lock_guard<std::mutex> lock(mu_);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (char table : {keys::kCount, keys::kOriginMax}) {
    std::string prefix(1, table);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      std::string name = it->key().ToString().substr(1);
      uint64_t v = keys::GetBe64(absl::string_view(it->value().data(), it->value().size()));
      (table == keys::kCount ? counts_ : origin_max_)[name] = v;
    }
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "reading counters"));
  // The clock must not run behind anything this node stamped before a restart.
  if (origin_max_.count(origin_) > 0) {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::Log(origin_, origin_max_[origin_]), &value);
    v1::Record last;
    if (s.ok() && last.ParseFromString(value)) clock_.Observe(last.hlc());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::NodeIdentity>> Store::LoadIdentity() {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::Identity(), &value);
  if (s.IsNotFound()) return std::nullopt;
  RETURN_IF_ERROR(FromRocks(s, "reading node identity"));
  v1::NodeIdentity id;
  if (!id.ParseFromString(value)) return absl::DataLossError("node identity is corrupt");
  return id;
}

absl::Status Store::SaveIdentity(const v1::NodeIdentity& identity) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(db_->Put(wo, keys::Identity(), core::CanonicalBytes(identity)),
                   "saving node identity");
}

absl::StatusOr<std::optional<v1::Record>> Store::CurrentOf(const std::string& id,
                                                           const Group& g) {
  if (const v1::Record* staged = g.Find(id)) return *staged;
  absl::StatusOr<v1::Record> rec = Get(id);
  if (absl::IsNotFound(rec.status())) return std::nullopt;
  if (!rec.ok()) return rec.status();
  return *std::move(rec);
}

absl::Status Store::StageVersion(const v1::Record& rec, const v1::Record* prev, Group& g) {
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
  if (period != old_period) {
    if (!old_period.empty()) g.Delete(keys::ByPeriod(old_period, id.origin, id.seq));
  }
  if (!period.empty()) g.Put(keys::ByPeriod(period, id.origin, id.seq), "");
  uint64_t max = g.StagedMax(rec.origin()).value_or(OriginMax(rec.origin()));
  if (rec.seq() > max) g.origin_max[rec.origin()] = rec.seq();
  g.current[rec.id()] = rec;
  return absl::OkStatus();
}

absl::StatusOr<WriteResult> Store::Stage(const WriteRequest& req, Group& g) {
  WriteResult result;
  for (const v1::Record& draft : req.drafts) {
    std::optional<v1::Record> current;
    if (!draft.id().empty()) {
      ASSIGN_OR_RETURN(current, CurrentOf(draft.id(), g));
    }
    core::LocalStamp stamp{origin_, g.StagedMax(origin_).value_or(OriginMax(origin_)) + 1,
                           clock_.Tick(req.wall_ms)};
    ASSIGN_OR_RETURN(v1::Record rec,
                     core::PrepareLocalWrite(draft, current ? &*current : nullptr, stamp));
    RETURN_IF_ERROR(StageVersion(rec, current ? &*current : nullptr, g));
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
    RETURN_IF_ERROR(StageVersion(rec, current ? &*current : nullptr, g));
    result.version_outcomes.push_back(Outcome::kApplied);
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
  std::map<std::string, uint64_t> counts;
  {
    std::lock_guard<std::mutex> lock(mu_);
    counts = counts_;
  }
  for (const auto& [kind, delta] : group.count_delta) {
    counts[kind] += delta;
    group.Put(keys::Count(kind), Be64(counts[kind]));
  }
  for (const auto& [origin, max] : group.origin_max) {
    group.Put(keys::OriginMax(origin), Be64(max));
  }
  rocksdb::WriteBatch batch;
  for (const auto& [key, value] : group.ops) {
    if (value) batch.Put(key, *value); else batch.Delete(key);
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

absl::StatusOr<v1::Record> Store::Get(const std::string& id) {
  ASSIGN_OR_RETURN(core::RecordIdParts parts, core::ParseRecordId(id));
  std::string ptr, value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::Current(parts.origin, parts.seq), &ptr);
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("no record ", id));
  RETURN_IF_ERROR(FromRocks(s, "reading record"));
  s = db_->Get(rocksdb::ReadOptions(), keys::Log(parts.origin, keys::GetBe64(ptr)), &value);
  RETURN_IF_ERROR(FromRocks(s, absl::StrCat("reading log entry of ", id)));
  v1::Record rec;
  if (!rec.ParseFromString(value)) return absl::DataLossError(absl::StrCat("record ", id, " is corrupt"));
  return rec;
}

absl::Status Store::List(const ListFilter& f,
                         const std::function<bool(const v1::Record&)>& fn) {
  // Pick the narrowest index; `base` + a record's key tail seeks to that record.
  std::string base, prefix;
  if (!f.period.empty()) {
    base = prefix = keys::Prefix(keys::kByPeriod, {f.period});
  } else if (!f.unit.empty() && !f.kind.empty()) {
    base = prefix = keys::Prefix(keys::kByUnit, {f.unit, f.kind});
  } else if (!f.unit.empty()) {
    base = std::string(1, keys::kCurrent);
    prefix = keys::Prefix(keys::kCurrent, {f.unit});
  } else if (!f.kind.empty()) {
    base = prefix = keys::Prefix(keys::kByKind, {f.kind});
  } else {
    base = prefix = std::string(1, keys::kCurrent);
  }
  std::string start = prefix;
  if (!f.after_id.empty()) {
    ASSIGN_OR_RETURN(core::RecordIdParts after, core::ParseRecordId(f.after_id));
    start = std::max(prefix, keys::Current(after.origin, after.seq + 1).replace(0, 1, base));
  }
  size_t emitted = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(start); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string id = keys::RecordIdFromKeyTail(absl::string_view(it->key().data(), it->key().size()));
    absl::StatusOr<v1::Record> rec = Get(id);
    if (!rec.ok()) return rec.status();
    if (!f.kind.empty() && core::KindName(*rec) != f.kind) continue;
    if (!f.unit.empty() && rec->origin() != f.unit) continue;
    if (!fn(*rec)) break;
    if (f.limit != 0 && ++emitted >= f.limit) break;
  }
  return FromRocks(it->status(), "listing records");
}

std::map<std::string, uint64_t> Store::Counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

uint64_t Store::OriginMax(const std::string& origin) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = origin_max_.find(origin);
  return it == origin_max_.end() ? 0 : it->second;
}

}  // namespace council::store
