#include "node/core/apply_plan.h"

namespace council::core {

ApplyPlan PlanApply(const v1::Record& r, uint32_t current_version, const NodePlace& place,
                    const UnitTree& tree, const std::string& from) {
  ApplyPlan plan;
  plan.decision = DecideApply(current_version, r.version());
  if (plan.decision != ApplyDecision::kApply) return plan;
  plan.route = RouteRecord(r, place, tree, from);
  plan.receipt = current_version == 0 && r.origin() != place.self &&
                 IsDirectiveTarget(r, place.self, tree);
  return plan;
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
