#include "node/core/apply.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "node/core/status_macros.h"

namespace council::core {
namespace {

// A unit has just become known (or moved): the directives it is a target of
// are tracked for it, and if it lies below this node, the records already
// held that address its subtree go to the child on the path to it. Some may
// have gone that way before; the receiver ignores what it holds.
absl::Status BackfillUnit(ApplyTarget& target, const std::string& unit, const std::string& self,
                          const std::string& skip_id) {
  const UnitTree& tree = target.Tree();
  RETURN_IF_ERROR(target.ForEachOfKind("directive", [&](const v1::Record& d) {
    if (IsDirectiveTarget(d, unit, tree)) target.TrackDirectiveTarget(d, unit);
  }));
  std::string child = tree.ChildTowards(self, unit);
  if (child.empty()) return absl::OkStatus();
  // Unit records first: the unit's ancestors nearest first, then the units
  // below it from the top, so that the child can check each next record
  // against a chain it already knows (core/authorize.h).
  std::vector<v1::Record> units;
  RETURN_IF_ERROR(target.ForEachOfKind("unit", [&](const v1::Record& r) {
    if (r.id() != skip_id && AddressesSubtree(r, unit, tree)) units.push_back(r);
  }));
  auto order = [&](const v1::Record& r) {
    int depth = tree.Depth(r.unit().id());
    return tree.InSubtree(unit, r.unit().id()) ? std::make_pair(0, -depth) : std::make_pair(1, depth);
  };
  std::stable_sort(units.begin(), units.end(),
                   [&](const v1::Record& a, const v1::Record& b) { return order(a) < order(b); });
  for (const v1::Record& r : units) target.AppendOutbox(child, r);
  for (const char* kind : {"directive", "petition_answer"}) {
    RETURN_IF_ERROR(target.ForEachOfKind(kind, [&](const v1::Record& r) {
      if (AddressesSubtree(r, unit, tree)) target.AppendOutbox(child, r);
    }));
  }
  return absl::OkStatus();
}

// Stages a version known to be newer than `prev`, with everything it implies.
absl::Status Stage(ApplyTarget& target, const v1::Record& rec, const v1::Record* prev,
                   const std::string& from, const ApplyContext& ctx, EncodedVersion encoded) {
  if (rec.seq() > target.Head(rec.origin()).seq) {
    target.StoreHead(rec.origin(), {rec.seq(), std::move(encoded.digest)});
  }
  target.StoreVersion(rec, prev, std::move(encoded.bytes));
  bool placed = false;  // a unit newly known, or under a new parent
  std::string old_path;  // the child that led to a moved unit before
  if (rec.has_unit()) {
    UnitTree tree = target.Tree();
    old_path = tree.ChildTowards(ctx.place.self, rec.unit().id());
    const v1::Unit* before = tree.Find(rec.unit().id());
    std::string old_parent = before ? before->parent() : "";
    bool known = before != nullptr;
    if (tree.Upsert(rec)) {
      placed = !known || tree.ParentOf(rec.unit().id()) != old_parent;
      target.StoreTree(tree);
    }
  }
  if (rec.has_directive()) {
    for (const std::string& unit : DirectiveTargets(rec, target.Tree())) {
      target.TrackDirectiveTarget(rec, unit);
    }
  }
  if (rec.has_directive_update()) target.TrackDirectiveUpdate(rec);
  Route route = RouteRecord(rec, ctx.place, target.Tree(), from);
  if (route.up) target.AppendOutbox(ctx.place.parent, rec);
  for (const std::string& child : route.children) target.AppendOutbox(child, rec);
  // The old branch of a moved unit learns that it left.
  if (placed && !old_path.empty() && old_path != from &&
      std::find(route.children.begin(), route.children.end(), old_path) == route.children.end()) {
    target.AppendOutbox(old_path, rec);
  }
  if (placed) RETURN_IF_ERROR(BackfillUnit(target, rec.unit().id(), ctx.place.self, rec.id()));
  // A node rebuilt from its parent gets its own receipts back with its log.
  bool receipt = prev == nullptr && !ctx.recovering && rec.origin() != ctx.place.self &&
                 IsDirectiveTarget(rec, ctx.place.self, target.Tree()) &&
                 !target.Acknowledged(ctx.place.self, rec.id());
  if (receipt) RETURN_IF_ERROR(ApplyLocalDraft(target, ReceiptDraft(rec), ctx).status());
  return absl::OkStatus();
}

// This node's own unit record carries the key it signs with.
absl::Status BindOwnKey(v1::Record& rec, const v1::Record* current, const Signer& signer) {
  v1::Unit* unit = rec.mutable_unit();
  const std::string key = signer.public_key();
  if (unit->public_key().empty()) {
    unit->set_public_key(key);
    bool same_key = current != nullptr && current->unit().public_key() == key;
    if (unit->key_certificate().empty() && same_key) {
      unit->set_key_certificate(current->unit().key_certificate());
    }
  } else if (unit->public_key() != key) {
    return absl::FailedPreconditionError(absl::StrCat(
        "unit record of ", unit->id(), " names a public key that is not this node's signing key"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Record> ApplyLocalDraft(ApplyTarget& target, const v1::Record& draft,
                                           const ApplyContext& ctx) {
  std::optional<v1::Record> current;
  if (!draft.id().empty()) {
    ASSIGN_OR_RETURN(current, target.Current(draft.id()));
  }
  OriginHead head = target.Head(ctx.place.self);
  LocalStamp stamp{ctx.place.self, head.seq + 1, ctx.clock->Tick(ctx.wall_ms)};
  ASSIGN_OR_RETURN(v1::Record rec, PrepareLocalWrite(draft, current ? &*current : nullptr, stamp));
  rec.clear_signature();
  rec.set_chain_prev(head.digest);
  if (ctx.signer != nullptr) {
    if (rec.has_unit() && rec.unit().id() == ctx.place.self) {
      RETURN_IF_ERROR(BindOwnKey(rec, current ? &*current : nullptr, *ctx.signer));
    }
    SignRecord(rec, *ctx.signer);
  }
  RETURN_IF_ERROR(Stage(target, rec, current ? &*current : nullptr, "", ctx, EncodeVersion(rec)));
  return rec;
}

absl::StatusOr<ApplyDecision> ApplyVersion(ApplyTarget& target, const v1::Record& rec,
                                           const std::string& from, const ApplyContext& ctx,
                                           std::string* why, bool proven,
                                           EncodedVersion* encoded) {
  auto refuse = [&](const absl::Status& why_not) {
    if (why != nullptr) *why = std::string(why_not.message());
    return ApplyDecision::kRejected;
  };
  if (absl::Status ok = AuthorizeArrival(rec, ctx.place, target.Tree(), from); !ok.ok()) {
    return refuse(ok);
  }
  ASSIGN_OR_RETURN(std::optional<v1::Record> current, target.Current(rec.id()));
  ApplyDecision d = DecideApply(current ? current->version() : 0, rec.version());
  const v1::Record* held = d == ApplyDecision::kDuplicate ? &*current : nullptr;
  if (d == ApplyDecision::kApply || held != nullptr) {
    if (absl::Status ok = CheckFork(rec, target.Head(rec.origin()), held); !ok.ok()) {
      return refuse(ok);
    }
  }
  if (d != ApplyDecision::kApply) return d;
  if (ctx.verifier != nullptr && !proven) {
    if (absl::Status ok = CheckOrigin(rec, target.Tree(), *ctx.verifier); !ok.ok()) {
      return refuse(ok);
    }
  }
  ctx.clock->Observe(rec.hlc());
  RETURN_IF_ERROR(Stage(target, rec, current ? &*current : nullptr, from, ctx,
                        encoded != nullptr ? std::move(*encoded) : EncodeVersion(rec)));
  return d;
}

v1::Record ReceiptDraft(const v1::Record& directive) {
  v1::Record d;
  d.mutable_directive_update()->set_directive_id(directive.id());
  d.mutable_directive_update()->set_status(v1::DIRECTIVE_STATUS_RECEIVED);
  d.mutable_doc()->set_title("Đã nhận văn bản " + directive.id());
  d.set_author("councild");
  return d;
}

}  // namespace council::core
