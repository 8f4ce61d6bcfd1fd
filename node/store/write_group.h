// Internal to the store: the staging area of one commit group, and the
// core::ApplyTarget that stages the core's apply logic into it.
#ifndef COUNCIL_NODE_STORE_WRITE_GROUP_H_
#define COUNCIL_NODE_STORE_WRITE_GROUP_H_

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "node/core/apply.h"
#include "node/core/ids.h"
#include "node/core/kinds.h"
#include "node/core/serialize.h"
#include "node/store/keys.h"
#include "node/store/rocks_db.h"
#include "node/store/store.h"

namespace council::store {

// Staged effects of one or more requests, not yet committed. Lookups fall
// through to `parent` (the group being built) and then to the store.
struct Store::Group {
  const Group* parent = nullptr;
  // Where writes go: the commit's batch, straight away (the leader sets a
  // save point per request and rolls a failed one back). Not owned.
  const RocksDb* db = nullptr;
  rocksdb::WriteBatch* batch = nullptr;
  // id -> CanonicalBytes of the staged current version, kept as bytes
  // (moved in once they are in the batch): few are ever looked up, and
  // parsing those costs less than keeping every message.
  std::map<std::string, std::string> current;
  std::map<std::string, int64_t> count_delta;  // kind -> change
  std::map<std::string, core::OriginHead> origins;  // origin -> staged head
  std::map<std::string, uint64_t> heads;       // peer -> staged outbox head
  std::map<std::string, uint64_t> inbound;     // peer -> staged inbound cursor
  // hub table key -> staged row, kept parsed while the group is built and
  // encoded once by the leader
  std::map<std::string, std::unique_ptr<google::protobuf::Message>> derived;
  std::optional<core::UnitTree> tree;          // set once a unit record is staged
  uint64_t feed_head = 0;                      // staged change feed head; 0: none

  void Put(const std::string& key, const std::string& value) { db->Put(batch, key, value); }
  void Delete(const std::string& key) { db->Delete(batch, key); }

  // The staged value of `key` in the map `field` of this group or the
  // nearest group below it; nullptr if none has one.
  template <typename V>
  const V* Lookup(std::map<std::string, V> Group::*field, const std::string& key) const {
    for (const Group* g = this; g != nullptr; g = g->parent) {
      auto it = (g->*field).find(key);
      if (it != (g->*field).end()) return &it->second;
    }
    return nullptr;
  }
  const core::UnitTree* StagedTree() const {
    for (const Group* g = this; g != nullptr; g = g->parent) {
      if (g->tree) return &*g->tree;
    }
    return nullptr;
  }
  // Moves a successfully staged child into this group.
  void Absorb(Group& child) {
    for (auto& [id, rec] : child.current) current[id] = std::move(rec);
    for (auto& [k, d] : child.count_delta) count_delta[k] += d;
    for (auto& [o, h] : child.origins) origins[o] = std::move(h);
    for (auto& [p, h] : child.heads) heads[p] = h;
    for (auto& [p, c] : child.inbound) inbound[p] = c;
    for (auto& [k, v] : child.derived) derived[k] = std::move(v);
    if (child.tree) tree = std::move(child.tree);
    if (child.feed_head != 0) feed_head = child.feed_head;
  }
};

// Stages the effects of the core's apply logic into a Group.
class Store::Target : public core::ApplyTarget {
 public:
  Target(Store* store, Group* g) : store_(store), g_(g) {}

  absl::StatusOr<std::optional<v1::Record>> Current(const std::string& id) override {
    if (const std::string* staged = g_->Lookup(&Group::current, id)) {
      v1::Record rec;
      if (!rec.ParseFromString(*staged)) return absl::InternalError("staged record " + id + " unreadable");
      return rec;
    }
    // Record <origin>:<n> is created by its origin's version n, and every
    // version held raised the origin's head to its sequence: below n, none
    // of the record is held, and the read is saved (most of a bulk sync).
    absl::StatusOr<core::RecordIdParts> parts = core::ParseRecordId(id);
    if (parts.ok() && Head(parts->origin).seq < parts->seq) return std::nullopt;
    absl::StatusOr<v1::Record> rec = store_->Get(id);
    if (absl::IsNotFound(rec.status())) return std::nullopt;
    if (!rec.ok()) return rec.status();
    return *std::move(rec);
  }
  core::OriginHead Head(const std::string& origin) override {
    if (const core::OriginHead* staged = g_->Lookup(&Group::origins, origin)) return *staged;
    return store_->Head(origin);
  }
  void StoreHead(const std::string& origin, const core::OriginHead& head) override {
    g_->origins[origin] = head;
  }
  const core::UnitTree& Tree() override {
    if (const core::UnitTree* staged = g_->StagedTree()) return *staged;
    if (!committed_tree_) committed_tree_ = store_->TreeSnapshot();
    return *committed_tree_;
  }
  void StoreTree(const core::UnitTree& tree) override { g_->tree = tree; }
  void StoreVersion(const v1::Record& rec, const v1::Record* prev, std::string bytes) override;
  void AppendOutbox(const std::string& peer, const v1::Record& rec) override {
    uint64_t pos = HeadOf(peer) + 1;
    g_->Put(keys::Outbox(peer, pos), keys::LogRef(rec.origin(), rec.seq()));
    g_->heads[peer] = pos;
  }
  void TrackDirectiveTarget(const v1::Record& directive, const std::string& unit) override;
  void TrackDirectiveUpdate(const v1::Record& update) override;
  bool Acknowledged(const std::string& unit, const std::string& directive_id) override {
    return ReadDerived<v1::DirectiveTargetState>(keys::DirectiveState(unit, directive_id))
               .received_hlc() != 0;
  }
  absl::Status ForEachOfKind(const std::string& kind,
                             const std::function<void(const v1::Record&)>& fn) override {
    std::set<std::string> staged;
    for (const Group* g = g_; g != nullptr; g = g->parent) {
      for (const auto& [id, bytes] : g->current) {
        v1::Record r;
        if (!staged.insert(id).second) continue;
        if (!r.ParseFromString(bytes)) return absl::InternalError("staged record " + id + " unreadable");
        if (core::KindName(r) == kind) fn(r);
      }
    }
    return store_->List({kind, "", "", "", 0}, [&](const v1::Record& r) {
      if (staged.count(r.id()) == 0) fn(r);
      return true;
    });
  }

  // A hub table row (see store_hub.cc) as staged or stored; M is the
  // row's message type (keys.h, LAYOUT.md).
  template <typename M>
  M ReadDerived(const std::string& key) {
    M m;
    if (const auto* staged = g_->Lookup(&Group::derived, key)) {
      m = static_cast<const M&>(**staged);
    } else {
      store_->ReadRow(key, &m);
    }
    return m;
  }
  // The row staged in this group, to change in place; the leader writes
  // each row once per commit (Store::Lead).
  template <typename M>
  M& MutableDerived(const std::string& key) {
    auto it = g_->derived.find(key);
    if (it == g_->derived.end()) {
      it = g_->derived.emplace(key, std::make_unique<M>(ReadDerived<M>(key))).first;
    }
    return static_cast<M&>(*it->second);
  }
  void StageHubRows(const v1::Record& rec, const v1::Record* prev);

 private:
  uint64_t FeedHead() {
    for (const Group* g = g_; g != nullptr; g = g->parent) {
      if (g->feed_head != 0) return g->feed_head;
    }
    std::lock_guard<std::mutex> lock(store_->mu_);
    return store_->feed_head_;
  }
  uint64_t HeadOf(const std::string& peer) {
    if (const uint64_t* staged = g_->Lookup(&Group::heads, peer)) return *staged;
    return store_->OutboxHead(peer);
  }
  Store* store_;
  Group* g_;
  std::shared_ptr<const core::UnitTree> committed_tree_;
};


}  // namespace council::store

#endif  // COUNCIL_NODE_STORE_WRITE_GROUP_H_
