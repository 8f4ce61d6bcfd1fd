#include "node/core/hub.h"

#include <functional>

#include "node/core/fold.h"

namespace council::core {

bool PastDue(const std::string& due, const std::string& today) {
  return !due.empty() && due < today;
}

void AddFigures(const UnitFigures& unit, const std::string& today, v1::ConsolidatedRow* row) {
  row->set_units(row->units() + 1);
  row->set_reports(row->reports() + unit.tally.reports());
  if (unit.tally.reports() == 0) row->set_missing(row->missing() + 1);
  for (const auto& [name, value] : unit.tally.metrics()) (*row->mutable_metrics())[name] += value;
  for (const v1::DirectiveTargetState& d : unit.directives) {
    row->set_directives(row->directives() + 1);
    bool received = d.status() != v1::DIRECTIVE_STATUS_UNSPECIFIED;
    bool done = d.status() == v1::DIRECTIVE_STATUS_DONE;
    row->set_directives_received(row->directives_received() + received);
    row->set_directives_done(row->directives_done() + done);
    row->set_directives_overdue(row->directives_overdue() + (!done && PastDue(d.due_date(), today)));
  }
  for (const v1::PetitionState& p : unit.petitions) {
    if (!p.known()) continue;
    bool answered = p.answered_hlc() != 0;
    row->set_petitions(row->petitions() + 1);
    row->set_petitions_answered(row->petitions_answered() + answered);
    row->set_petitions_open(row->petitions_open() + !answered);
    row->set_petitions_overdue(row->petitions_overdue() + (!answered && PastDue(p.due_date(), today)));
  }
}

void AddRow(const v1::ConsolidatedRow& from, v1::ConsolidatedRow* into) {
  const auto* refl = from.GetReflection();
  const auto* desc = from.GetDescriptor();
  for (int i = 0; i < desc->field_count(); ++i) {
    const auto* f = desc->field(i);
    if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_UINT64) {
      refl->SetUInt64(into, f, refl->GetUInt64(*into, f) + refl->GetUInt64(from, f));
    }
  }
  for (const auto& [name, value] : from.metrics()) (*into->mutable_metrics())[name] += value;
}

std::vector<std::string> SubtreeUnits(const UnitTree& tree, const std::string& root) {
  std::vector<std::string> out;
  std::function<void(const std::string&, int)> visit = [&](const std::string& u, int depth) {
    if (depth > UnitTree::kMaxDepth) return;
    out.push_back(u);
    for (const std::string& c : tree.ChildrenOf(u)) visit(c, depth + 1);
  };
  visit(root, 0);
  return out;
}

std::vector<std::string> RowUnits(const UnitTree& tree, const std::string& under, v1::Level level) {
  std::vector<std::string> out;
  if (level == v1::LEVEL_UNSPECIFIED) {
    for (const std::string& u : tree.ChildrenOf(under)) {
      if (!tree.Merged(u)) out.push_back(u);
    }
    return out;
  }
  for (const std::string& u : SubtreeUnits(tree, under)) {
    if (u != under && tree.LevelOf(u) == level && !tree.Merged(u)) out.push_back(u);
  }
  return out;
}

void ApplyTallyChange(const v1::Record* prev, const v1::Record& rec,
                      absl::FunctionRef<v1::ReportTally&(const std::string& period)> tally) {
  auto add = [&](const v1::Record& r, int sign) {
    v1::ReportTally& t = tally(r.report().period());
    t.set_reports(t.reports() + sign);  // unsigned: a report leaves only a tally that counts it
    auto& metrics = *t.mutable_metrics();
    for (const auto& [name, value] : r.report().metrics()) {
      int64_t& total = metrics[name];
      total += sign * value;
      if (total == 0) metrics.erase(name);
    }
  };
  if (prev != nullptr && prev->has_report()) add(*prev, -1);
  if (rec.has_report()) add(rec, +1);
}

absl::flat_hash_map<std::string, uint32_t> SearchTerms(const v1::Record& r) {
  absl::flat_hash_map<std::string, uint32_t> terms;
  ForEachSearchWord(r, [&](absl::string_view word, uint32_t weight) { terms[word] += weight; });
  return terms;
}

}  // namespace council::core
