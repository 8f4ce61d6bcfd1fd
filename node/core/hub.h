// The hub's views as pure functions over per-unit figures the store keeps
// (report tallies, directive target states, petition states), so that no
// view scans records at query time. See proto/council/v1/hub.proto for the
// period and overdue rules.
#ifndef COUNCIL_NODE_CORE_HUB_H_
#define COUNCIL_NODE_CORE_HUB_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "council/v1/hub.pb.h"
#include "council/v1/record.pb.h"
#include "council/v1/search_text.pb.h"
#include "council/v1/store.pb.h"
#include "node/core/fold.h"
#include "node/core/unit_tree.h"

namespace council::core {

// One unit's own figures for a period.
struct UnitFigures {
  v1::ReportTally tally;
  std::vector<v1::DirectiveTargetState> directives;
  std::vector<v1::PetitionState> petitions;
};

// True iff `due` (YYYY-MM-DD) is set and strictly before `today`.
bool PastDue(const std::string& due, const std::string& today);

// Adds `unit`'s own figures into `row` (which covers a subtree).
void AddFigures(const UnitFigures& unit, const std::string& today, v1::ConsolidatedRow* row);
// Adds one row's sums into another (for the total row).
void AddRow(const v1::ConsolidatedRow& from, v1::ConsolidatedRow* into);

// Every known unit in the subtree of `root`, itself included, in id order.
std::vector<std::string> SubtreeUnits(const UnitTree& tree, const std::string& root);

// The row units of a consolidation: every unit of `level` strictly below
// `under`, or, for LEVEL_UNSPECIFIED, the children of `under` — merged units
// aside (their figures count in the row of the unit they now sit under).
std::vector<std::string> RowUnits(const UnitTree& tree, const std::string& under, v1::Level level);

// Changes the report tallies for `rec` replacing `prev` (either may be a
// non-report or null): the tally of prev's period loses one report and its
// metrics, that of rec's period gains them; a metric whose total comes to
// zero is dropped. `tally(period)` gives the row to change, valid until the
// next call.
void ApplyTallyChange(const v1::Record* prev, const v1::Record& rec,
                      absl::FunctionRef<v1::ReportTally&(const std::string& period)> tally);

// Each folded word of a record's searchable text, in order, with the weight
// of its field: title 3, abstract and number 2, other text 1. R is
// v1::Record or v1::RecordSearchText (the same fields, read from stored
// bytes by the indexer): one list of fields serves both.
template <typename R>
void ForEachSearchWord(const R& r, absl::FunctionRef<void(absl::string_view word, uint32_t weight)> fn) {
  auto add = [&](absl::string_view text, uint32_t weight) {
    ForEachWord(text, [&](absl::string_view word) { fn(word, weight); });
  };
  add(r.doc().title(), 3);
  add(r.doc().abstract(), 2);
  add(r.doc().number(), 2);
  add(r.text(), 1);
  add(r.doc().issuing_body(), 1);
  add(r.doc().signer(), 1);
  for (const auto& s : r.report().sections()) {
    add(s.heading(), 1);
    add(s.text(), 1);
  }
  const auto& c = r.conclusion();
  for (const std::string* text : {&c.meeting_kind(), &c.place(), &c.chair(), &c.assessment(),
                                  &c.limitations()}) {
    add(*text, 1);
  }
  for (const std::string& t : c.tasks()) add(t, 1);
  const auto& p = r.petition();
  for (const std::string* text : {&p.field(), &p.petitioner(), &p.location()}) add(*text, 1);
  add(r.directive_update().note(), 1);
  add(r.unit().name(), 3);
}
// Search terms of a record: its words, each with its weights summed over
// its occurrences.
absl::flat_hash_map<std::string, uint32_t> SearchTerms(const v1::Record& r);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_HUB_H_
