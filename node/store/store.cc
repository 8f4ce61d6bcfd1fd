#include "node/store/store.h"

#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "node/core/ids.h"
#include "node/core/kinds.h"
#include "node/core/serialize.h"
#include "node/core/status_macros.h"
#include "node/store/keys.h"
#include "node/store/rocks_db.h"
#include "node/store/rocks_status.h"
#include "rocksdb/db.h"

namespace council::store {

namespace {
absl::string_view View(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

Store::Store(std::unique_ptr<RocksDb> db, core::NodePlace place, const core::Signer* signer,
             const core::KeyVerifier* verifier)
    : db_(std::move(db)), place_(std::move(place)), signer_(signer), verifier_(verifier) {}
Store::~Store() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_indexer_ = true;
    stop_committer_ = true;
  }
  index_cv_.notify_all();
  commit_cv_.notify_all();
  if (committer_.joinable()) committer_.join();  // after writing what was handed over
  if (indexer_.joinable()) indexer_.join();
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir,
                                                   const core::NodePlace& place,
                                                   const core::Signer* signer,
                                                   const core::KeyVerifier* verifier) {
  std::unique_ptr<RocksDb> db;
  uint64_t moved = 0;
  rocksdb::Status s = RocksDb::Open(dir, &db, &moved);
  if (!s.ok()) {
    if (s.IsIOError() && absl::StrContains(s.ToString(), "lock")) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data directory ", dir, " is in use by another process (", s.ToString(), ")"));
    }
    return FromRocks(s, absl::StrCat("cannot open data directory ", dir));
  }
  std::unique_ptr<Store> store(new Store(std::move(db), place, signer, verifier));
  store->moved_at_open_ = moved;
  RETURN_IF_ERROR(store->LoadState());
  Store* s_ptr = store.get();
  store->indexer_ = std::thread([s_ptr] { s_ptr->IndexLoop(); });
  store->committer_ = std::thread([s_ptr] { s_ptr->CommitLoop(); });
  return store;
}

absl::Status Store::LoadState() {
  std::lock_guard<std::mutex> lock(mu_);
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(keys::kCount);  // the main family
  const std::map<char, std::map<std::string, uint64_t>*> tables = {
      {keys::kCount, &counts_},       {keys::kOriginMax, &origin_max_},
      {keys::kOutboxHead, &outbox_head_}, {keys::kInbound, &inbound_},
      {keys::kAcked, &acked_}};
  for (const auto& [table, target] : tables) {
    std::string prefix(1, table);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      (*target)[it->key().ToString().substr(1)] = keys::GetBe64(View(it->value()));
      if (table == keys::kOriginMax && it->value().size() > 8) {
        origin_digest_[it->key().ToString().substr(1)] = it->value().ToString().substr(8);
      }
    }
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "reading counters"));
  it->Seek(keys::Recovery());
  if (it->Valid() && it->key() == keys::Recovery()) recovery_ = keys::GetBe64(View(it->value()));
  it->Seek(keys::Rehome());
  if (it->Valid() && it->key() == keys::Rehome()) rehome_ = it->value().ToString();
  it->Seek(keys::IndexCursor());
  if (it->Valid() && it->key() == keys::IndexCursor()) index_cursor_ = keys::GetBe64(View(it->value()));
  feed_head_ = index_cursor_;
  it = db_->NewIterator(keys::kFeed);
  it->SeekForPrev(keys::Feed(UINT64_MAX));
  if (it->Valid() && it->key().starts_with(std::string(1, keys::kFeed))) {
    feed_head_ = std::max(feed_head_, keys::GetBe64(View(it->key()).substr(1)));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "reading the change feed"));
  it = db_->NewIterator(keys::kByKind);
  std::string unit_prefix = keys::Prefix(keys::kByKind, {"unit"});
  std::vector<std::string> unit_ids;
  for (it->Seek(unit_prefix); it->Valid() && it->key().starts_with(unit_prefix); it->Next()) {
    unit_ids.push_back(keys::RecordIdFromKeyTail(View(it->key())));
  }
  it.reset();
  std::vector<v1::Record> units;
  for (const std::string& id : unit_ids) {
    ASSIGN_OR_RETURN(v1::Record r, Get(id));
    units.push_back(std::move(r));
  }
  // In id order a reorganisation may come before the records that make its
  // author an ancestor of the unit it places (unit_tree.h): take them all
  // again until nothing changes (a chain of placements needs one pass each).
  core::UnitTree tree;
  for (int pass = 0; pass <= core::UnitTree::kMaxDepth; ++pass) {
    bool changed = false;
    for (const v1::Record& r : units) changed = tree.Upsert(r) || changed;
    if (!changed && pass > 0) break;
  }
  tree_ = std::make_shared<const core::UnitTree>(std::move(tree));
  // The clock must not run behind anything this node stamped before a restart.
  if (auto m = origin_max_.find(place_.self); m != origin_max_.end()) {
    absl::StatusOr<v1::Record> last = GetVersion(place_.self, m->second);
    if (last.ok()) clock_.Observe(last->hlc());
  }
  return absl::OkStatus();
}

std::optional<uint64_t> Store::RecoveryTarget() const {
  std::lock_guard<std::mutex> lock(mu_);
  return recovery_;
}

absl::Status Store::SetRecoveryTarget(std::optional<uint64_t> target) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  std::string value;
  keys::PutBe64(&value, target.value_or(0));
  rocksdb::Status s = target ? db_->Put(wo, keys::Recovery(), value) : db_->Delete(wo, keys::Recovery());
  RETURN_IF_ERROR(FromRocks(s, "recording recovery state"));
  std::lock_guard<std::mutex> lock(mu_);
  recovery_ = target;
  return absl::OkStatus();
}

std::optional<std::string> Store::PendingRehome() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rehome_;
}

absl::Status Store::SetPendingRehome(std::optional<std::string> old_parent) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status s = old_parent ? db_->Put(wo, keys::Rehome(), *old_parent) : db_->Delete(wo, keys::Rehome());
  RETURN_IF_ERROR(FromRocks(s, "recording a re-homing"));
  std::lock_guard<std::mutex> lock(mu_);
  rehome_ = std::move(old_parent);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::NodeIdentity>> Store::LoadIdentity() {
  std::string value;
  rocksdb::Status s = db_->Get(keys::Identity(), &value);
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

absl::StatusOr<v1::Record> Store::GetVersion(const std::string& origin, uint64_t seq) {
  std::string value;
  rocksdb::Status s = db_->Get(keys::Log(origin, seq), &value);
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("no version ", origin, "/", seq));
  RETURN_IF_ERROR(FromRocks(s, "reading log entry"));
  v1::Record rec;
  if (!rec.ParseFromString(value)) {
    return absl::DataLossError(absl::StrCat("log entry ", origin, "/", seq, " is corrupt"));
  }
  return rec;
}

absl::StatusOr<v1::Record> Store::Get(const std::string& id) {
  ASSIGN_OR_RETURN(core::RecordIdParts parts, core::ParseRecordId(id));
  std::string ptr;
  rocksdb::Status s = db_->Get(keys::Current(parts.origin, parts.seq), &ptr);
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("no record ", id));
  RETURN_IF_ERROR(FromRocks(s, "reading record"));
  return GetVersion(parts.origin, keys::GetBe64(ptr));
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
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(prefix[0]);
  for (it->Seek(start); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    ASSIGN_OR_RETURN(v1::Record rec, Get(keys::RecordIdFromKeyTail(View(it->key()))));
    if (!f.kind.empty() && core::KindName(rec) != f.kind) continue;
    if (!f.unit.empty() && rec.origin() != f.unit) continue;
    if (!fn(rec)) break;
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

core::OriginHead Store::Head(const std::string& origin) const {
  std::lock_guard<std::mutex> lock(mu_);
  core::OriginHead head;
  if (auto it = origin_max_.find(origin); it != origin_max_.end()) head.seq = it->second;
  if (auto it = origin_digest_.find(origin); it != origin_digest_.end()) head.digest = it->second;
  return head;
}

std::map<std::string, uint64_t> Store::OriginMaxima() const {
  std::lock_guard<std::mutex> lock(mu_);
  return origin_max_;
}

uint64_t Store::ApproximateBytes() const {
  return db_->IntProperty("rocksdb.total-sst-files-size") +
         db_->IntProperty("rocksdb.cur-size-all-mem-tables");
}

bool Store::WaitCompacted(std::chrono::steady_clock::time_point deadline) const {
  return db_->WaitCompacted(deadline);
}

core::UnitTree Store::Tree() const { return *TreeSnapshot(); }

std::shared_ptr<const core::UnitTree> Store::TreeSnapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tree_;
}

}  // namespace council::store
