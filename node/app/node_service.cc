#include "node/app/node_service.h"

#include <chrono>
#include <filesystem>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "node/app/log.h"
#include "node/core/hlc.h"
#include "node/core/ids.h"
#include "node/core/hub.h"
#include "node/core/kinds.h"
#include "node/core/levels.h"
#include "node/core/reorganise.h"
#include "node/core/status_macros.h"
#include "node/core/validate.h"

namespace council::app {

int64_t SystemClockMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

constexpr size_t kRequeueChunk = 4096;  // records per commit when re-homing

// The identity to run with: the stored one, checked against and updated by
// the configuration, or a new one from the configuration.
absl::StatusOr<v1::NodeIdentity> ResolveIdentity(const std::optional<v1::NodeIdentity>& stored,
                                                 const v1::NodeConfig& config) {
  if (!stored) {
    if (config.unit().empty()) return absl::InvalidArgumentError("--unit is required on first start");
    if (config.level() == v1::LEVEL_UNSPECIFIED) {
      return absl::InvalidArgumentError("--level is required on first start");
    }
    if (config.name().empty()) return absl::InvalidArgumentError("--name is required on first start");
    v1::NodeIdentity id;
    id.set_unit(config.unit());
    id.set_level(config.level());
    id.set_name(config.name());
    id.set_parent_unit(config.parent_unit());
    return id;
  }
  v1::NodeIdentity id = *stored;
  if (!config.unit().empty() && config.unit() != id.unit()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data directory ", config.data_dir(), " belongs to unit ", id.unit(),
        ", not ", config.unit(), "; use another --data-dir"));
  }
  if (config.level() != v1::LEVEL_UNSPECIFIED && config.level() != id.level()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "unit ", id.unit(), " is a ", core::LevelName(id.level()), " node, not a ",
        core::LevelName(config.level())));
  }
  if (!config.name().empty()) id.set_name(config.name());
  if (!config.parent_unit().empty()) id.set_parent_unit(config.parent_unit());
  return id;
}

}  // namespace

NodeService::NodeService(NodeKeys keys, std::unique_ptr<store::Store> store,
                         v1::NodeIdentity identity, v1::NodeConfig config, Clock clock)
    : keys_(std::move(keys)),
      store_(std::move(store)),
      identity_(std::move(identity)),
      config_(std::move(config)),
      clock_(std::move(clock)) {}

absl::StatusOr<std::unique_ptr<NodeService>> NodeService::Open(const v1::NodeConfig& config,
                                                               Clock clock) {
  std::error_code ec;
  if (!std::filesystem::exists(config.data_dir(), ec)) {
    // Refuse before creating anything: a first start needs the identity.
    RETURN_IF_ERROR(ResolveIdentity(std::nullopt, config).status());
  }
  std::filesystem::create_directories(config.data_dir(), ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create data directory ", config.data_dir(), ": ", ec.message()));
  }
  ASSIGN_OR_RETURN(NodeKeys keys, LoadNodeKeys(config));
  const core::Signer* signer = keys.signer.get();
  const core::KeyVerifier* verifier = keys.verifier.get();
  // The unit is not known before the identity is read; a store opened for an
  // empty origin is only used to read it.
  core::NodePlace place{config.unit(), config.parent_unit()};
  ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store,
                   store::Store::Open(config.data_dir(), place, signer, verifier));
  if (store->RowsMovedAtOpen() > 0) {
    Log("info", "store_layout_upgraded", {{"rows_moved", absl::StrCat(store->RowsMovedAtOpen())}});
  }
  // The directory's lock is ours now: address files left by an earlier run
  // are stale, whether or not this start succeeds.
  for (const char* stale : {"admin.addr", "listen.addr", "metrics.addr"}) {
    std::filesystem::remove(std::filesystem::path(config.data_dir()) / stale, ec);
  }
  ASSIGN_OR_RETURN(std::optional<v1::NodeIdentity> stored, store->LoadIdentity());
  ASSIGN_OR_RETURN(v1::NodeIdentity identity, ResolveIdentity(stored, config));
  RETURN_IF_ERROR(CheckOwnBinding(keys, identity.unit()));
  if (identity.unit() != place.self || identity.parent_unit() != place.parent) {
    store.reset();
    place = {identity.unit(), identity.parent_unit()};
    ASSIGN_OR_RETURN(store, store::Store::Open(config.data_dir(), place, signer, verifier));
  }
  if (!stored && config.recover_from_parent()) {
    if (identity.parent_unit().empty()) {
      return absl::InvalidArgumentError("--recover-from-parent needs --parent-unit and --parent");
    }
    RETURN_IF_ERROR(store->SetRecoveryTarget(0));
  }
  if (store->RecoveryTarget() && identity.parent_unit().empty()) {
    Log("warn", "recovery_impossible",
        {{"detail", "restored root node: no parent to recover its own records from; sequences "
                    "handed out after the backup may be reused, and children refuse those as forks"}});
    RETURN_IF_ERROR(store->SetRecoveryTarget(std::nullopt));
  }
  if (stored && !stored->parent_unit().empty() && stored->parent_unit() != identity.parent_unit()) {
    // Re-homed (reorganisation): the new parent gets what it lacks at the
    // first link (OnParentHello).
    RETURN_IF_ERROR(store->SetPendingRehome(stored->parent_unit()));
    Log("warn", "rehomed", {{"old_parent", stored->parent_unit()}, {"new_parent", identity.parent_unit()}});
  }
  if (!stored || stored->SerializeAsString() != identity.SerializeAsString()) {
    if (!stored) identity.set_created_hlc(static_cast<uint64_t>(clock()) << 16);
    RETURN_IF_ERROR(store->SaveIdentity(identity));
  }
  std::unique_ptr<NodeService> node(new NodeService(std::move(keys), std::move(store),
                                                    std::move(identity), config, std::move(clock)));
  if (std::optional<uint64_t> target = node->store_->RecoveryTarget()) {
    Log("warn", "recovering",
        {{"held_seq", absl::StrCat(node->store_->OriginMax(node->identity_.unit()))},
         {"detail", "this node fetches its own records from its parent before it takes local "
                    "writes (restored from a backup, or rebuilt)"}});
  } else {
    RETURN_IF_ERROR(node->PublishOwnUnit());
  }
  return node;
}

absl::Status NodeService::OnParentHello(const v1::Hello& hello) {
  RETURN_IF_ERROR(SendWhatTheNewParentLacks(hello));
  const uint64_t your_seq = hello.your_seq();
  std::optional<uint64_t> target = store_->RecoveryTarget();
  if (!target) return absl::OkStatus();
  if (*target != your_seq) {
    RETURN_IF_ERROR(store_->SetRecoveryTarget(your_seq));
    Log("info", "recovery_target", {{"parent_holds_seq", absl::StrCat(your_seq)},
                                    {"held_seq", absl::StrCat(store_->OriginMax(identity_.unit()))}});
  }
  return MaybeFinishRecovery();
}

absl::Status NodeService::SendWhatTheNewParentLacks(const v1::Hello& hello) {
  std::optional<std::string> old_parent = store_->PendingRehome();
  if (!old_parent) return absl::OkStatus();
  const std::string& parent = identity_.parent_unit();
  size_t sent = 0;
  store::WriteRequest req;
  req.outbox_peer = parent;
  // In commits of bounded size: a district's subtree may lack a lot.
  auto flush = [&]() -> absl::Status {
    sent += req.requeue.size();
    RETURN_IF_ERROR(Commit(std::move(req)).status());
    req = store::WriteRequest();
    req.outbox_peer = parent;
    return absl::OkStatus();
  };
  for (const std::string& origin : core::SubtreeUnits(store_->Tree(), identity_.unit())) {
    auto held = hello.subtree_heads().find(origin);
    uint64_t from = held == hello.subtree_heads().end() ? 0 : held->second;
    for (uint64_t seq = from + 1, last = store_->OriginMax(origin); seq <= last; ++seq) {
      absl::StatusOr<v1::Record> rec = store_->GetVersion(origin, seq);
      if (rec.ok()) req.requeue.push_back(*std::move(rec));
      if (req.requeue.size() == kRequeueChunk) RETURN_IF_ERROR(flush());
    }
  }
  RETURN_IF_ERROR(flush());
  RETURN_IF_ERROR(store_->SetPendingRehome(std::nullopt));
  Log("info", "rehome_sent", {{"old_parent", *old_parent}, {"new_parent", parent},
                              {"records", absl::StrCat(sent)}});
  return absl::OkStatus();
}

absl::Status NodeService::MaybeFinishRecovery() {
  std::lock_guard<std::mutex> lock(recovery_mu_);
  std::optional<uint64_t> target = store_->RecoveryTarget();
  uint64_t held = store_->OriginMax(identity_.unit());
  if (!target || held < *target) return absl::OkStatus();
  RETURN_IF_ERROR(store_->SetRecoveryTarget(std::nullopt));
  Log("info", "recovered", {{"held_seq", absl::StrCat(held)}});
  return PublishOwnUnit();
}

absl::Status NodeService::PublishOwnUnit() {
  v1::Record draft;
  v1::Unit* unit = draft.mutable_unit();
  unit->set_id(identity_.unit());
  unit->set_level(identity_.level());
  unit->set_name(identity_.name());
  unit->set_parent(identity_.parent_unit());
  unit->set_public_key(keys_.signer->public_key());
  unit->set_key_certificate(keys_.certificate);
  draft.mutable_doc()->set_title(identity_.name());
  // The unit record is the first record of this origin: "<unit>:1".
  absl::StatusOr<v1::Record> current = store_->Get(core::MakeRecordId(identity_.unit(), 1));
  if (current.ok()) {
    if (current->unit().SerializeAsString() == unit->SerializeAsString()) return absl::OkStatus();
    draft.set_id(current->id());
  } else if (!absl::IsNotFound(current.status())) {
    return current.status();
  }
  return Put(draft).status();
}

absl::Status NodeService::CheckReference(const std::string& id, const std::string& kind) {
  absl::StatusOr<v1::Record> target = store_->Get(id);
  if (absl::IsNotFound(target.status())) return absl::NotFoundError(absl::StrCat("no ", kind, " ", id));
  RETURN_IF_ERROR(target.status());
  if (core::KindName(*target) != kind) {
    return absl::InvalidArgumentError(
        absl::StrCat(id, " is a ", core::KindName(*target), ", not a ", kind));
  }
  return absl::OkStatus();
}

absl::Status NodeService::CheckReferences(const v1::Record& draft) {
  if (draft.has_directive_update()) {
    return CheckReference(draft.directive_update().directive_id(), "directive");
  }
  if (draft.has_petition_answer()) return CheckReference(draft.petition_answer().petition_id(), "petition");
  if (draft.has_directive() && !draft.directive().conclusion_id().empty()) {
    return CheckReference(draft.directive().conclusion_id(), "conclusion");
  }
  if (draft.has_unit() && draft.unit().reorganisation()) {
    return core::CheckPlacement(store_->Tree(), identity_.unit(), draft.unit().id(),
                                draft.unit().parent());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ReorganiseReply> NodeService::Reorganise(const v1::ReorganiseRequest& request) {
  const core::UnitTree tree = store_->Tree();
  const std::string& self = identity_.unit();
  absl::StatusOr<std::vector<v1::Record>> drafts;
  if (request.action() == "move") {
    drafts = core::MoveDrafts(tree, self, request.unit(), request.to());
  } else if (request.action() == "merge") {
    drafts = core::MergeDrafts(tree, self, request.unit(), request.to());
  } else if (request.action() == "dissolve") {
    drafts = core::DissolveDrafts(tree, self, request.unit());
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown reorganisation '", request.action(), "': expected move, merge or dissolve"));
  }
  RETURN_IF_ERROR(drafts.status());
  store::WriteRequest req;
  req.drafts = *std::move(drafts);
  req.wall_ms = clock_();
  ASSIGN_OR_RETURN(store::WriteResult result, Commit(std::move(req)));
  v1::ReorganiseReply reply;
  for (v1::Record& r : result.drafts) *reply.add_records() = std::move(r);
  Log("info", "reorganised", {{"action", request.action()}, {"unit", request.unit()}, {"to", request.to()}});
  return reply;
}

absl::StatusOr<v1::Record> NodeService::Put(const v1::Record& draft) {
  RETURN_IF_ERROR(core::ValidateDraft(draft));
  RETURN_IF_ERROR(CheckReferences(draft));
  store::WriteRequest req;
  req.drafts.push_back(draft);
  req.wall_ms = clock_();
  ASSIGN_OR_RETURN(store::WriteResult result, Commit(std::move(req)));
  return std::move(result.drafts.front());
}

absl::StatusOr<v1::ImportReply> NodeService::Import(const std::vector<v1::Record>& records) {
  store::WriteRequest req;
  std::vector<bool> is_draft;
  for (size_t i = 0; i < records.size(); ++i) {
    const v1::Record& r = records[i];
    bool draft = r.id().empty();
    absl::Status s = draft ? core::ValidateDraft(r) : core::ValidateComplete(r);
    if (s.ok() && draft) s = CheckReferences(r);
    if (!s.ok()) return absl::Status(s.code(), absl::StrCat("record ", i + 1, ": ", s.message()));
    (draft ? req.drafts : req.versions).push_back(r);
    is_draft.push_back(draft);
  }
  req.wall_ms = clock_();
  ASSIGN_OR_RETURN(store::WriteResult result, Commit(std::move(req)));
  v1::ImportReply reply;
  size_t d = 0, v = 0;
  for (bool draft : is_draft) {
    if (draft) {
      reply.add_ids(result.drafts[d++].id());
      reply.set_created(reply.created() + 1);
    } else {
      reply.add_ids(records[d + v].id());
      bool applied = result.version_outcomes[v++] == store::Outcome::kApplied;
      (applied ? reply.set_applied(reply.applied() + 1) : reply.set_unchanged(reply.unchanged() + 1));
    }
  }
  return reply;
}

absl::StatusOr<store::WriteResult> NodeService::Commit(store::WriteRequest req) {
  return Finish(Submit(std::move(req)));
}

NodeService::PendingCommit NodeService::Submit(store::WriteRequest req) {
  PendingCommit pending;
  pending.source = req.from.empty() ? "local" : "link";
  pending.from_parent = !req.from.empty() && req.from == identity_.parent_unit();
  pending.start = std::chrono::steady_clock::now();
  pending.result = store_->Submit(std::move(req));
  return pending;
}

absl::StatusOr<store::WriteResult> NodeService::Finish(PendingCommit pending) {
  absl::StatusOr<store::WriteResult> result = pending.result.get();
  metrics_.ApplyLatency(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - pending.start).count());
  if (result.ok()) {
    uint64_t applied = result->drafts.size();
    for (store::Outcome o : result->version_outcomes) applied += o == store::Outcome::kApplied;
    metrics_.RecordsApplied(pending.source, applied);
    if (pending.from_parent) {
      if (absl::Status s = MaybeFinishRecovery(); !s.ok()) {
        Log("error", "recovery_end_failed", {{"detail", std::string(s.message())}});
      }
    }
  }
  return result;
}

absl::StatusOr<v1::Record> NodeService::Get(const std::string& id) {
  RETURN_IF_ERROR(core::ParseRecordId(id).status());
  return store_->Get(id);
}

absl::Status NodeService::List(const store::ListFilter& filter,
                               const std::function<bool(const v1::Record&)>& fn) {
  return store_->List(filter, fn);
}

v1::StatusReply NodeService::Status() const {
  v1::StatusReply reply;
  reply.set_unit(identity_.unit());
  reply.set_level(identity_.level());
  reply.set_name(identity_.name());
  reply.set_parent_unit(identity_.parent_unit());
  for (const auto& [kind, count] : store_->Counts()) {
    v1::KindCount* kc = reply.add_counts();
    kc->set_kind(kind);
    kc->set_count(count);
  }
  reply.set_last_seq(store_->OriginMax(identity_.unit()));
  reply.set_search_index_lag(store_->IndexLag());
  if (std::optional<uint64_t> target = store_->RecoveryTarget()) {
    reply.set_recovering(true);
    reply.set_recovery_target(*target);
  }
  {
    std::lock_guard<std::mutex> lock(bound_mu_);
    reply.set_listen(bound_listen_.empty() ? config_.listen() : bound_listen_);
    reply.set_admin_listen(bound_admin_.empty() ? config_.admin_listen() : bound_admin_);
  }
  reply.set_parent_address(config_.parent());
  std::map<std::string, LinkState> links;
  for (LinkState& l : links_.Snapshot()) links[l.peer] = std::move(l);
  std::vector<std::string> peers;
  if (!identity_.parent_unit().empty()) peers.push_back(identity_.parent_unit());
  std::set<std::string> children;
  for (const std::string& c : store_->Tree().ChildrenOf(identity_.unit())) children.insert(c);
  for (const auto& [peer, l] : links) {
    if (l.role == "child") children.insert(peer);
  }
  peers.insert(peers.end(), children.begin(), children.end());
  for (const std::string& peer : peers) {
    const LinkState& l = links[peer];
    v1::LinkStatus* ls = reply.add_links();
    ls->set_peer(peer);
    ls->set_role(peer == identity_.parent_unit() ? "parent" : "child");
    ls->set_address(peer == identity_.parent_unit() ? config_.parent() : l.address);
    ls->set_connected(l.connected);
    ls->set_since_ms(l.since_ms);
    ls->set_last_exchange_ms(l.last_exchange_ms);
    uint64_t head = store_->OutboxHead(peer), acked = store_->Acked(peer);
    ls->set_outbound_backlog(head > acked ? head - acked : 0);
    uint64_t inbound = store_->InboundCursor(peer);
    ls->set_inbound_backlog(l.peer_head > inbound ? l.peer_head - inbound : 0);
    ls->set_reconnects(l.reconnects);
    ls->set_failed_attempts(l.failed_attempts);
    ls->set_last_error(l.last_error);
    for (const auto& [reason, n] : l.refused) (*ls->mutable_refused())[reason] = n;
    ls->set_last_refusal(l.last_refusal);
    ls->set_compression(l.compression);
  }
  return reply;
}

void NodeService::SetBoundAddresses(const std::string& admin, const std::string& listen) {
  std::lock_guard<std::mutex> lock(bound_mu_);
  bound_admin_ = admin;
  bound_listen_ = listen;
}

v1::UnitsReply NodeService::Units() const {
  v1::UnitsReply reply;
  core::UnitTree tree = store_->Tree();
  std::map<std::string, uint64_t> maxima = store_->OriginMaxima();
  std::function<void(const std::string&, int)> visit = [&](const std::string& id, int depth) {
    const v1::Unit* u = tree.Find(id);
    if (u == nullptr || depth > core::UnitTree::kMaxDepth) return;
    v1::UnitInfo* info = reply.add_units();
    *info->mutable_unit() = *u;
    auto m = maxima.find(id);
    if (m != maxima.end()) {
      info->set_records_seen(m->second);
      absl::StatusOr<v1::Record> last = store_->GetVersion(id, m->second);
      if (last.ok()) info->set_last_contact_ms(core::HlcMillis(last->hlc()));
    }
    info->set_connected(links_.IsConnected(id));
    for (const std::string& child : tree.ChildrenOf(id)) visit(child, depth + 1);
  };
  for (const auto& [id, u] : tree.units()) {
    if (u.parent().empty() || tree.Find(u.parent()) == nullptr) visit(id, 0);
  }
  return reply;
}

}  // namespace council::app
