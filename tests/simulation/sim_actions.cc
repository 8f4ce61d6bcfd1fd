// Operators' writes in the simulation, and the oracle that says who must
// hold what, computed from the true tree without core/routing.
#include <algorithm>

#include "node/core/ids.h"
#include "node/core/serialize.h"
#include "tests/simulation/sim_world.h"

namespace council::sim {
namespace {

v1::Record Titled(const std::string& title) {
  v1::Record r;
  r.mutable_doc()->set_title(title);
  r.set_text("Nội dung văn bản: " + title + ".");
  return r;
}

std::vector<v1::Record> OfKind(const SimNode& n, v1::Record::BodyCase kind) {
  std::vector<v1::Record> out;
  for (const auto& [id, r] : n.records()) {
    if (r.body_case() == kind) out.push_back(r);
  }
  return out;
}

}  // namespace

void World::OperatorWrite() {
  std::vector<std::string> alive;
  for (const std::string& id : ids_) {
    if (Node(id).alive) alive.push_back(id);
  }
  if (alive.empty()) return;
  const std::string& at = Pick(alive);
  SimNode& n = Node(at);
  int roll = std::uniform_int_distribution<int>(0, 99)(rng_);
  v1::Record r;
  if (n.level() == v1::LEVEL_COMMUNE && roll < 40) {
    std::vector<v1::Record> mine;
    for (const v1::Record& rep : OfKind(n, v1::Record::kReport)) {
      if (rep.origin() == at) mine.push_back(rep);
    }
    if (!mine.empty() && roll < 15) {  // amend a report: a new version
      r = Pick(mine);
      (*r.mutable_report()->mutable_metrics())["sessions_held"] += 1;
    } else {
      r = Titled("Báo cáo kết quả hoạt động");
      r.mutable_report()->set_period("2023-YTD08");
      (*r.mutable_report()->mutable_metrics())["voter_meetings"] = roll;
    }
  } else if (n.level() == v1::LEVEL_COMMUNE && roll < 70) {
    r = Titled("Kiến nghị về bồi thường giải phóng mặt bằng");
    r.mutable_petition()->set_field("compensation");
    r.mutable_petition()->set_competent_level(v1::LEVEL_PROVINCE);
  } else if (n.level() == v1::LEVEL_COMMUNE) {
    std::vector<v1::Record> directives = OfKind(n, v1::Record::kDirective);
    if (directives.empty()) return;
    r = Titled("Báo cáo tiến độ");
    r.mutable_directive_update()->set_directive_id(Pick(directives).id());
    r.mutable_directive_update()->set_status(v1::DIRECTIVE_STATUS_DONE);
  } else if (roll < 50) {
    std::vector<std::string> below;
    for (const std::string& id : ids_) {
      if (id != at && AncestorOrSelf(at, id)) below.push_back(id);
    }
    r = Titled("Thực hiện nhiệm vụ trọng tâm những tháng cuối năm");
    v1::DirectiveScope* s = r.mutable_directive()->mutable_scope();
    r.mutable_directive()->set_due_date("2023-12-31");
    int mode = roll % 3;
    if (mode == 0) {
      s->set_kind(v1::SCOPE_UNITS);
      s->add_units(Pick(below));
    } else if (mode == 1) {
      s->set_kind(v1::SCOPE_LEVEL);
      s->set_level(v1::LEVEL_COMMUNE);
      std::vector<std::string> districts;
      for (const std::string& id : below) {
        if (level_.at(id) == v1::LEVEL_DISTRICT) districts.push_back(id);
      }
      if (!districts.empty() && roll % 2 == 0) s->set_under(Pick(districts));
    } else {
      s->set_kind(v1::SCOPE_SUBTREE);
    }
  } else if (roll < 80) {
    std::vector<v1::Record> petitions = OfKind(n, v1::Record::kPetition);
    if (petitions.empty()) return;
    r = Titled("Trả lời kiến nghị cử tri");
    r.set_text("Đã chỉ đạo giải quyết dứt điểm.");
    r.mutable_petition_answer()->set_petition_id(Pick(petitions).id());
  } else {
    r = Titled("Thông báo kết luận hội nghị giao ban");
    r.mutable_conclusion()->set_meeting_date("2023-08-25");
  }
  if (core::ApplyLocalDraft(n, r, n.Context(now_ * 1000)).ok()) ++written_;
}

bool World::AncestorOrSelf(const std::string& a, const std::string& u) const {
  for (std::string at = u; !at.empty(); at = parent_.at(at)) {
    if (at == a) return true;
  }
  return false;
}

std::vector<std::string> World::ScopeTargets(const v1::Record& r) const {
  const v1::DirectiveScope& s = r.directive().scope();
  if (s.kind() == v1::SCOPE_UNITS) return {s.units().begin(), s.units().end()};
  std::string root = s.kind() == v1::SCOPE_LEVEL && !s.under().empty() ? s.under() : r.origin();
  std::vector<std::string> out;
  for (const std::string& u : ids_) {
    bool level_ok = s.kind() == v1::SCOPE_SUBTREE || level_.at(u) == s.level();
    if (u != root && AncestorOrSelf(root, u) && level_ok) out.push_back(u);
  }
  return out;
}

bool World::ShouldHold(const std::string& n, const v1::Record& r) const {
  if (AncestorOrSelf(n, r.origin())) return true;  // up is total
  bool below_origin = AncestorOrSelf(r.origin(), n);
  switch (r.body_case()) {
    case v1::Record::kDirective: {
      std::vector<std::string> t = ScopeTargets(r);
      return below_origin && std::any_of(t.begin(), t.end(), [&](const std::string& u) {
               return AncestorOrSelf(n, u);
             });
    }
    case v1::Record::kPetitionAnswer:
      return below_origin &&
             AncestorOrSelf(n, core::ParseRecordId(r.petition_answer().petition_id())->origin);
    case v1::Record::kUnit:
      return AncestorOrSelf(r.unit().id(), n) || (below_origin && AncestorOrSelf(n, r.unit().id()));
    default:
      return false;
  }
}

bool World::RelayBetween(const std::string& a, const std::string& b) const {
  const std::string& t = tamperer_;
  if (t.empty() || t == a || t == b) return false;
  // On the path iff it is an ancestor of exactly one end, or the lowest
  // common ancestor of both.
  bool above_a = AncestorOrSelf(t, a), above_b = AncestorOrSelf(t, b);
  if (above_a != above_b) return true;
  if (!above_a) return false;
  for (const std::string& child : ids_) {
    bool lower_common = AncestorOrSelf(child, a) && AncestorOrSelf(child, b);
    if (parent_.at(child) == t && lower_common) return false;
  }
  return true;
}

bool World::MustHold(const std::string& n, const v1::Record& r) const {
  if (!r.has_unit() && r.origin() != tamperer_ && RelayBetween(r.origin(), n)) return false;
  return ShouldHold(n, r);
}

std::vector<std::string> World::Check() {
  std::vector<std::string> bad;
  std::map<std::string, v1::Record> all;  // every record, as its origin holds it
  for (const std::string& id : ids_) {
    for (const auto& [rid, r] : Node(id).records()) {
      if (r.origin() == id) all[rid] = r;
    }
  }
  FakeVerifier verifier;
  for (const std::string& id : ids_) {
    SimNode& n = Node(id);
    for (const std::string& d : n.Duplicates()) bad.push_back(id + " applied twice: " + d);
    for (const auto& [rid, r] : n.records()) {  // nothing altered or forged is held
      if (!verifier.Verify(SimKeyOf(r.origin()), core::SigningBytes(r), r.signature())) {
        bad.push_back(id + " holds " + rid + " v" + std::to_string(r.version()) +
                      " not as its origin signed it");
      }
    }
    if (tamperer_.empty() && n.refused()["bad_signature"] > 0) {
      bad.push_back(id + " refused " + std::to_string(n.refused()["bad_signature"]) +
                    " versions of an honest network for their signature");
    }
    for (const auto& [rid, r] : all) {
      auto held = n.records().find(rid);
      bool should = MustHold(id, r);
      if (should && held == n.records().end()) {
        bad.push_back(id + " lacks " + rid + " (" + core::KindName(r) + ")");
      } else if (should && held->second.version() != r.version()) {
        bad.push_back(id + " holds " + rid + " v" + std::to_string(held->second.version()) +
                      ", origin has v" + std::to_string(r.version()));
      } else if (!should && held != n.records().end()) {
        bad.push_back(id + " holds " + rid + " (" + core::KindName(r) + ") not addressed to it");
      }
    }
  }
  for (const auto& [rid, d] : all) {  // one automatic receipt per target
    if (!d.has_directive()) continue;
    for (const std::string& t : ScopeTargets(d)) {
      int receipts = 0;
      for (const auto& [id, r] : Node(t).records()) {
        receipts += r.origin() == t && r.author() == "councild" &&
                    r.directive_update().directive_id() == rid;
      }
      int expected = MustHold(t, d) ? 1 : 0;  // the relay may have kept it away
      if (receipts != expected) {
        bad.push_back(t + " has " + std::to_string(receipts) + " receipts for " + rid);
      }
    }
  }
  return bad;
}

}  // namespace council::sim
