#include "node/core/apply.h"

#include "node/core/status_macros.h"

namespace council::core {
namespace {

// The directives, petition answers and unit records already held that a
// new child's subtree should have.
absl::Status BackfillNewChild(ApplyTarget& target, const std::string& child) {
  for (const char* kind : {"unit", "directive", "petition_answer"}) {
    RETURN_IF_ERROR(target.ForEachOfKind(kind, [&](const v1::Record& r) {
      if (AddressesSubtree(r, child, target.Tree())) target.AppendOutbox(child, r);
    }));
  }
  return absl::OkStatus();
}

// Stages a version known to be newer than `prev`, with everything it implies.
absl::Status Stage(ApplyTarget& target, const v1::Record& rec, const v1::Record* prev,
                   const std::string& from, const ApplyContext& ctx) {
  target.StoreVersion(rec, prev);
  std::string new_child;
  if (rec.has_unit()) {
    UnitTree tree = target.Tree();
    bool was_child = tree.ParentOf(rec.unit().id()) == ctx.place.self;
    if (tree.Upsert(rec)) {
      if (!was_child && tree.ParentOf(rec.unit().id()) == ctx.place.self &&
          rec.unit().id() != ctx.place.self) {
        new_child = rec.unit().id();
      }
      target.StoreTree(tree);
    }
  }
  Route route = RouteRecord(rec, ctx.place, target.Tree(), from);
  if (route.up) target.AppendOutbox(ctx.place.parent, rec);
  for (const std::string& child : route.children) target.AppendOutbox(child, rec);
  if (!new_child.empty()) RETURN_IF_ERROR(BackfillNewChild(target, new_child));
  bool receipt = prev == nullptr && rec.origin() != ctx.place.self &&
                 IsDirectiveTarget(rec, ctx.place.self, target.Tree());
  if (receipt) RETURN_IF_ERROR(ApplyLocalDraft(target, ReceiptDraft(rec), ctx).status());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Record> ApplyLocalDraft(ApplyTarget& target, const v1::Record& draft,
                                           const ApplyContext& ctx) {
  std::optional<v1::Record> current;
  if (!draft.id().empty()) {
    ASSIGN_OR_RETURN(current, target.Current(draft.id()));
  }
  LocalStamp stamp{ctx.place.self, target.OriginMax(ctx.place.self) + 1, ctx.clock->Tick(ctx.wall_ms)};
  ASSIGN_OR_RETURN(v1::Record rec, PrepareLocalWrite(draft, current ? &*current : nullptr, stamp));
  RETURN_IF_ERROR(Stage(target, rec, current ? &*current : nullptr, "", ctx));
  return rec;
}

absl::StatusOr<ApplyDecision> ApplyVersion(ApplyTarget& target, const v1::Record& rec,
                                           const std::string& from, const ApplyContext& ctx) {
  ASSIGN_OR_RETURN(std::optional<v1::Record> current, target.Current(rec.id()));
  ApplyDecision d = DecideApply(current ? current->version() : 0, rec.version());
  if (d != ApplyDecision::kApply) return d;
  ctx.clock->Observe(rec.hlc());
  RETURN_IF_ERROR(Stage(target, rec, current ? &*current : nullptr, from, ctx));
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
