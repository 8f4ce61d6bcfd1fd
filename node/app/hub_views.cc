#include "node/app/hub_views.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "node/core/fold.h"
#include "node/core/hlc.h"
#include "node/core/hub.h"
#include "node/core/kinds.h"
#include "node/core/routing.h"
#include "node/core/status_macros.h"
#include "node/core/text.h"

namespace council::app {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

std::string DateOf(int64_t ms) {
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixMillis(ms), absl::UTCTimeZone());
}

// `under`, defaulting to this node, and checked to be a known unit.
absl::StatusOr<std::string> Root(NodeService& node, const core::UnitTree& tree,
                                 const std::string& under) {
  std::string root = under.empty() ? node.identity().unit() : under;
  if (tree.Find(root) == nullptr) return absl::NotFoundError(absl::StrCat("unknown unit ", root));
  if (!tree.InSubtree(root, node.identity().unit())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", root, " is not in the subtree of this node (", node.identity().unit(),
        "); ask a node at or above it"));
  }
  return root;
}

absl::StatusOr<core::UnitFigures> FiguresOf(store::Store& store, const std::string& unit,
                                            const std::string& period) {
  core::UnitFigures f;
  ASSIGN_OR_RETURN(f.tally, store.Tally(period, unit));
  ASSIGN_OR_RETURN(f.directives, store.DirectiveStates(unit));
  ASSIGN_OR_RETURN(f.petitions, store.PetitionStates(unit));
  return f;
}

}  // namespace

absl::StatusOr<v1::ConsolidateReply> Consolidate(NodeService& node, const v1::ConsolidateRequest& req) {
  RETURN_IF_ERROR(core::ValidatePeriod(req.period()));
  core::UnitTree tree = node.store().Tree();
  ASSIGN_OR_RETURN(std::string root, Root(node, tree, req.under()));
  v1::ConsolidateReply reply;
  reply.set_period(req.period());
  reply.set_as_of(DateOf(node.NowMillis()));
  for (const std::string& unit : core::RowUnits(tree, root, req.level())) {
    v1::ConsolidatedRow* row = reply.add_rows();
    row->set_unit(unit);
    row->set_name(tree.Find(unit)->name());
    row->set_level(tree.LevelOf(unit));
    for (const std::string& u : core::SubtreeUnits(tree, unit)) {
      ASSIGN_OR_RETURN(core::UnitFigures f, FiguresOf(node.store(), u, req.period()));
      core::AddFigures(f, reply.as_of(), row);
    }
    core::AddRow(*row, reply.mutable_total());
  }
  return reply;
}

absl::StatusOr<v1::MissingReply> Missing(NodeService& node, const v1::MissingRequest& req) {
  RETURN_IF_ERROR(core::ValidatePeriod(req.period()));
  core::UnitTree tree = node.store().Tree();
  ASSIGN_OR_RETURN(std::string root, Root(node, tree, req.under()));
  v1::MissingReply reply;
  for (const std::string& u : core::SubtreeUnits(tree, root)) {
    if (u == root || (req.level() != v1::LEVEL_UNSPECIFIED && tree.LevelOf(u) != req.level())) continue;
    ASSIGN_OR_RETURN(v1::ReportTally t, node.store().Tally(req.period(), u));
    if (t.reports() == 0) *reply.add_units() = *tree.Find(u);
  }
  return reply;
}

absl::StatusOr<v1::TrackReply> Track(NodeService& node, const v1::TrackRequest& req) {
  ASSIGN_OR_RETURN(v1::Record d, node.Get(req.directive_id()));
  if (!d.has_directive()) {
    return absl::InvalidArgumentError(absl::StrCat(d.id(), " is a ", core::KindName(d), ", not a directive"));
  }
  core::UnitTree tree = node.store().Tree();
  v1::TrackReply reply;
  reply.set_as_of(DateOf(node.NowMillis()));
  *reply.mutable_directive() = d;
  for (const std::string& unit : core::DirectiveTargets(d, tree)) {
    v1::TargetStatus* t = reply.add_targets();
    t->set_unit(unit);
    if (const v1::Unit* u = tree.Find(unit)) t->set_name(u->name());
    ASSIGN_OR_RETURN(std::vector<v1::DirectiveTargetState> states, node.store().DirectiveStates(unit));
    for (const v1::DirectiveTargetState& s : states) {
      if (s.directive_id() != d.id()) continue;
      t->set_status(s.status());
      t->set_received_ms(core::HlcMillis(s.received_hlc()));
      t->set_done_ms(core::HlcMillis(s.done_hlc()));
      t->set_updated_ms(core::HlcMillis(s.updated_hlc()));
      t->set_note(s.note());
    }
    t->set_overdue(t->status() != v1::DIRECTIVE_STATUS_DONE &&
                   core::PastDue(d.directive().due_date(), reply.as_of()));
  }
  return reply;
}

absl::StatusOr<v1::PetitionsReply> Petitions(NodeService& node, const v1::PetitionsRequest& req) {
  core::UnitTree tree = node.store().Tree();
  ASSIGN_OR_RETURN(std::string root, Root(node, tree, req.under()));
  int64_t now = node.NowMillis();
  v1::PetitionsReply reply;
  reply.set_as_of(DateOf(now));
  std::vector<v1::PetitionState> all;
  for (const std::string& u : core::SubtreeUnits(tree, root)) {
    ASSIGN_OR_RETURN(std::vector<v1::PetitionState> states, node.store().PetitionStates(u));
    for (v1::PetitionState& s : states) {
      if (s.known()) all.push_back(std::move(s));
    }
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.recorded_hlc() < b.recorded_hlc();
  });
  for (const v1::PetitionState& s : all) {
    bool answered = s.answered_hlc() != 0;
    bool overdue = !answered && core::PastDue(s.due_date(), reply.as_of());
    if ((req.open_only() && answered) || (req.overdue_only() && !overdue) ||
        (!req.field().empty() && core::FoldText(req.field()) != core::FoldText(s.field()))) {
      continue;
    }
    v1::PetitionInfo* p = reply.add_petitions();
    p->set_id(s.petition_id());
    p->set_unit(s.petition_id().substr(0, s.petition_id().rfind(':')));
    p->set_title(s.title());
    p->set_field(s.field());
    p->set_competent_level(s.competent_level());
    p->set_due_date(s.due_date());
    p->set_recorded_ms(core::HlcMillis(s.recorded_hlc()));
    p->set_answered(answered);
    p->set_answered_ms(core::HlcMillis(s.answered_hlc()));
    p->set_answer_id(s.answer_id());
    int64_t end = answered ? p->answered_ms() : now;
    p->set_age_days(std::max<int64_t>(0, (end - p->recorded_ms()) / kDayMs));
    p->set_overdue(overdue);
  }
  return reply;
}

absl::StatusOr<v1::SearchReply> Search(NodeService& node, const v1::SearchRequest& req) {
  std::vector<std::string> words = core::Tokenize(req.text());
  if (words.empty()) return absl::InvalidArgumentError("search text has no words");
  if (!req.kind().empty()) RETURN_IF_ERROR(core::ParseKind(req.kind()).status());
  core::UnitTree tree = node.store().Tree();
  if (!req.under().empty()) RETURN_IF_ERROR(Root(node, tree, req.under()).status());
  std::map<std::string, double> scores;  // every word must match
  // The index follows the writes in the background (store/store_index.cc).
  if (!node.store().WaitIndexed(std::chrono::steady_clock::now() + std::chrono::seconds(10))) {
    return absl::UnavailableError(
        "the search index is still catching up with recent writes; try again shortly");
  }
  for (size_t i = 0; i < words.size(); ++i) {
    ASSIGN_OR_RETURN(auto postings, node.store().Postings(words[i]));
    std::map<std::string, double> next;
    for (const auto& [id, weight] : postings) {
      if (i == 0 || scores.count(id)) next[id] = (i == 0 ? 0 : scores[id]) + weight;
    }
    scores = std::move(next);
  }
  std::vector<std::pair<std::string, double>> ranked(scores.begin(), scores.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  size_t limit = req.limit() == 0 ? 20 : req.limit();
  v1::SearchReply reply;
  for (const auto& [id, score] : ranked) {
    if (static_cast<size_t>(reply.hits_size()) >= limit) break;
    ASSIGN_OR_RETURN(v1::Record r, node.Get(id));
    if (!req.kind().empty() && core::KindName(r) != req.kind()) continue;
    if (!req.under().empty() && !tree.InSubtree(r.origin(), req.under())) continue;
    v1::SearchHit* hit = reply.add_hits();
    hit->set_id(r.id());
    hit->set_kind(core::KindName(r));
    hit->set_unit(r.origin());
    hit->set_date(r.doc().issued_on().empty() ? DateOf(core::HlcMillis(r.hlc())) : r.doc().issued_on());
    hit->set_title(r.doc().title());
    hit->set_score(score);
  }
  return reply;
}

}  // namespace council::app
