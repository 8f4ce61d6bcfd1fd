// Applying record versions at a node: the single-writer rule, version order,
// routing into outboxes, automatic directive receipts and the unit tree —
// decided here, without I/O, against an ApplyTarget that stages the effects.
// The RocksDB store implements ApplyTarget over one atomic write batch; the
// simulation tests implement it over plain maps.
#ifndef COUNCIL_NODE_CORE_APPLY_H_
#define COUNCIL_NODE_CORE_APPLY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "council/v1/record.pb.h"
#include "node/core/authorize.h"
#include "node/core/chain.h"
#include "node/core/hlc.h"
#include "node/core/routing.h"
#include "node/core/signing.h"
#include "node/core/unit_tree.h"
#include "node/core/versioning.h"

namespace council::core {

// What the apply logic reads and stages. Reads see earlier staged effects.
class ApplyTarget {
 public:
  virtual ~ApplyTarget() = default;
  // The current version of record `id`, or nullopt if unknown.
  virtual absl::StatusOr<std::optional<v1::Record>> Current(const std::string& id) = 0;
  // What is held of `origin`'s log (seq 0 if nothing).
  virtual OriginHead Head(const std::string& origin) = 0;
  virtual const UnitTree& Tree() = 0;
  // Stages `rec` as the current version of its record, replacing `prev`
  // (nullptr for a new record): log entry, indexes, counters. `bytes` is
  // CanonicalBytes(rec).
  virtual void StoreVersion(const v1::Record& rec, const v1::Record* prev, std::string bytes) = 0;
  // Stages the new head of `origin`'s log.
  virtual void StoreHead(const std::string& origin, const OriginHead& head) = 0;
  // Stages a change of the unit tree.
  virtual void StoreTree(const UnitTree& tree) = 0;
  // Stages `rec` at the end of `peer`'s outbox.
  virtual void AppendOutbox(const std::string& peer, const v1::Record& rec) = 0;
  // Stages that `unit` is a target of `directive` (keeping any progress it
  // already reported), for follow-up views.
  virtual void TrackDirectiveTarget(const v1::Record& directive, const std::string& unit) = 0;
  // Stages a target's progress from a directive update it recorded.
  virtual void TrackDirectiveUpdate(const v1::Record& update) = 0;
  // True iff `unit` has recorded an update (a receipt at least) of directive
  // `directive_id` — even if the directive itself is not held (yet).
  virtual bool Acknowledged(const std::string& unit, const std::string& directive_id) = 0;
  // Visits the current records of `kind`, staged ones included.
  virtual absl::Status ForEachOfKind(const std::string& kind,
                                     const std::function<void(const v1::Record&)>& fn) = 0;
};

struct ApplyContext {
  NodePlace place;
  HybridClock* clock;  // stamps local versions; not owned
  int64_t wall_ms = 0;
  // Signs local versions; nullptr: they are left unsigned. Not owned.
  const Signer* signer = nullptr;
  // Checks versions from elsewhere (core/signing.h); nullptr: not checked.
  // Not owned.
  const KeyVerifier* verifier = nullptr;
  // This node is recovering its own log from its parent: it must not hand
  // out sequences, so it writes no automatic receipts (they are in the log
  // it recovers, or it acknowledges the directive by hand afterwards).
  bool recovering = false;
};

// A local write: stamps the draft (see PrepareLocalWrite), links it to this
// node's previous version (chain_prev, core/chain.h), signs it if
// ctx.signer is set, and stages it with its routing. With a signer, this
// node's own unit record always carries the signer's public key (filled in
// when the draft has none, with the certificate of the current version if
// that certified the same key). Errors as PrepareLocalWrite, and
// FAILED_PRECONDITION for an own unit record naming another key; nothing is
// staged then.
absl::StatusOr<v1::Record> ApplyLocalDraft(ApplyTarget& target, const v1::Record& draft,
                                           const ApplyContext& ctx);

// A complete version from elsewhere (`from`: the peer, "" for an import).
// Stages it, its routing and, for a directive addressed to this node, a
// "received" update, unless it is a duplicate, older than what is held, not
// acceptable from that peer (core/authorize.h), a fork of its origin's log
// (core/chain.h: CheckFork), or — with ctx.verifier set — not signed by its
// origin (core/signing.h: CheckOrigin; skipped when `proven`, i.e. when
// ProveByChain proved it). Those give kRejected, with the reason in `*why`
// if given; RefusalReason(*why) tells them apart. Duplicates and stale
// versions are not verified: they change nothing.
// `encoded`, if given, is EncodeVersion(rec) (computed once per version by
// the caller, who also needed it for ProveByChain); it is moved from when
// the version is staged.
// REQUIRES: ValidateComplete(rec) is OK.
absl::StatusOr<ApplyDecision> ApplyVersion(ApplyTarget& target, const v1::Record& rec,
                                           const std::string& from, const ApplyContext& ctx,
                                           std::string* why = nullptr, bool proven = false,
                                           EncodedVersion* encoded = nullptr);

// The draft of this node's automatic "received" update for `directive`.
v1::Record ReceiptDraft(const v1::Record& directive);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_APPLY_H_
