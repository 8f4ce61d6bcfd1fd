#include "client/hub_render.h"

#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/csv.h"
#include "client/render.h"
#include "node/core/levels.h"

namespace council::client {
namespace {

using Rows = std::vector<std::vector<std::string>>;

constexpr size_t kPetitionTitleWidth = 50;
constexpr size_t kSearchTitleWidth = 60;
constexpr absl::string_view kNothing = "—";

std::string Bool(bool b) { return b ? "true" : "false"; }

std::string Csv(const Rows& rows) {
  std::string out;
  for (const auto& row : rows) out += CsvRecord(row);
  return out;
}

// The metric names of every row and the total, sorted.
std::vector<std::string> MetricNames(const v1::ConsolidateReply& reply) {
  std::set<std::string> names;
  for (const v1::ConsolidatedRow& row : reply.rows()) {
    for (const auto& [name, value] : row.metrics()) names.insert(name);
  }
  for (const auto& [name, value] : reply.total().metrics()) names.insert(name);
  return {names.begin(), names.end()};
}

// The cells of one consolidated row from UNITS on.
std::vector<std::string> Figures(const v1::ConsolidatedRow& row,
                                 const std::vector<std::string>& metrics) {
  std::vector<std::string> cells = {absl::StrCat(row.units()), absl::StrCat(row.reports()),
                                    absl::StrCat(row.missing())};
  for (const std::string& name : metrics) {
    auto it = row.metrics().find(name);
    cells.push_back(absl::StrCat(it == row.metrics().end() ? 0 : it->second));
  }
  for (uint64_t n : {row.directives(), row.directives_received(), row.directives_done(),
                     row.directives_overdue(), row.petitions(), row.petitions_answered(),
                     row.petitions_open(), row.petitions_overdue()}) {
    cells.push_back(absl::StrCat(n));
  }
  return cells;
}

// The header (`head`, the metric names, `tail`), a row per unit and the total
// row. Table names are cut; CSV names are whole.
Rows ConsolidateRows(const v1::ConsolidateReply& reply, std::vector<std::string> header,
                     const std::vector<std::string>& tail, bool csv) {
  std::vector<std::string> metrics = MetricNames(reply);
  header.insert(header.end(), metrics.begin(), metrics.end());
  header.insert(header.end(), tail.begin(), tail.end());
  Rows rows = {header};
  auto add = [&](const v1::ConsolidatedRow& row, const std::string& unit,
                 const std::string& name, const std::string& level) {
    std::vector<std::string> cells = {unit, name, level};
    for (std::string& c : Figures(row, metrics)) cells.push_back(std::move(c));
    rows.push_back(std::move(cells));
  };
  for (const v1::ConsolidatedRow& row : reply.rows()) {
    add(row, row.unit(), csv ? row.name() : Truncate(row.name(), 40),
        core::LevelName(row.level()));
  }
  add(reply.total(), "TOTAL", "", "");
  return rows;
}

std::string StatusCell(v1::DirectiveStatus status) {
  std::string name = DirectiveStatusName(status);
  return name.empty() ? std::string(kNothing) : name;
}

}  // namespace

std::string DirectiveStatusName(v1::DirectiveStatus status) {
  switch (status) {
    case v1::DIRECTIVE_STATUS_RECEIVED: return "received";
    case v1::DIRECTIVE_STATUS_IN_PROGRESS: return "in_progress";
    case v1::DIRECTIVE_STATUS_DONE: return "done";
    default: return "";
  }
}

std::string ConsolidateTable(const v1::ConsolidateReply& reply) {
  return absl::StrCat(
      "period ", reply.period(), ", as of ", reply.as_of(), "\n",
      FormatTable(ConsolidateRows(
          reply, {"UNIT", "NAME", "LEVEL", "UNITS", "REPORTS", "MISSING"},
          {"DIRECTIVES", "RECEIVED", "DONE", "OVERDUE", "PETITIONS", "ANSWERED", "OPEN",
           "P.OVERDUE"},
          /*csv=*/false)));
}

std::string ConsolidateCsv(const v1::ConsolidateReply& reply) {
  return Csv(ConsolidateRows(
      reply, {"unit", "name", "level", "units", "reports", "missing"},
      {"directives", "directives_received", "directives_done", "directives_overdue",
       "petitions", "petitions_answered", "petitions_open", "petitions_overdue"},
      /*csv=*/true));
}

std::string MissingTable(const v1::MissingReply& reply) {
  if (reply.units().empty()) return "none\n";
  Rows rows = {{"ID", "LEVEL", "NAME", "PARENT"}};
  for (const v1::Unit& u : reply.units()) {
    rows.push_back({u.id(), core::LevelName(u.level()), u.name(),
                    u.parent().empty() ? "-" : u.parent()});
  }
  return FormatTable(rows);
}

std::string MissingCsv(const v1::MissingReply& reply) {
  Rows rows = {{"id", "level", "name", "parent"}};
  for (const v1::Unit& u : reply.units()) {
    rows.push_back({u.id(), core::LevelName(u.level()), u.name(), u.parent()});
  }
  return Csv(rows);
}

std::string TrackView(const v1::TrackReply& reply) {
  const v1::Record& d = reply.directive();
  const std::string& due = d.directive().due_date();
  std::string out = absl::StrCat(d.id(), " \"", Truncate(d.doc().title(), 60), "\" ",
                                 due.empty() ? "no due date" : absl::StrCat("due ", due),
                                 ", as of ", reply.as_of(), "\n");
  Rows rows = {{"UNIT", "NAME", "STATUS", "RECEIVED", "DONE", "OVERDUE", "NOTE"}};
  for (const v1::TargetStatus& t : reply.targets()) {
    rows.push_back({t.unit(), Truncate(t.name(), 40), StatusCell(t.status()),
                    MillisMinute(t.received_ms()), MillisMinute(t.done_ms()),
                    t.overdue() ? "yes" : "no", t.note()});
  }
  return absl::StrCat(out, FormatTable(rows));
}

std::string TrackCsv(const v1::TrackReply& reply) {
  Rows rows = {{"unit", "name", "status", "received_ms", "done_ms", "updated_ms", "note",
                "overdue"}};
  for (const v1::TargetStatus& t : reply.targets()) {
    rows.push_back({t.unit(), t.name(), DirectiveStatusName(t.status()),
                    absl::StrCat(t.received_ms()), absl::StrCat(t.done_ms()),
                    absl::StrCat(t.updated_ms()), t.note(), Bool(t.overdue())});
  }
  return Csv(rows);
}

std::string PetitionsTable(const v1::PetitionsReply& reply) {
  Rows rows = {{"ID", "UNIT", "FIELD", "DUE", "RECORDED", "AGE", "STATUS", "TITLE"}};
  for (const v1::PetitionInfo& p : reply.petitions()) {
    std::string status = p.answered() ? "answered" : p.overdue() ? "OVERDUE" : "open";
    rows.push_back({p.id(), p.unit(), p.field(),
                    p.due_date().empty() ? std::string(kNothing) : p.due_date(),
                    MillisDate(p.recorded_ms()), absl::StrCat(p.age_days()), status,
                    Truncate(p.title(), kPetitionTitleWidth)});
  }
  return FormatTable(rows);
}

std::string PetitionsCsv(const v1::PetitionsReply& reply) {
  Rows rows = {{"id", "unit", "title", "field", "competent_level", "due_date", "recorded_ms",
                "answered", "answered_ms", "answer_id", "age_days", "overdue"}};
  for (const v1::PetitionInfo& p : reply.petitions()) {
    rows.push_back({p.id(), p.unit(), p.title(), p.field(),
                    core::LevelName(p.competent_level()), p.due_date(),
                    absl::StrCat(p.recorded_ms()), Bool(p.answered()),
                    absl::StrCat(p.answered_ms()), p.answer_id(), absl::StrCat(p.age_days()),
                    Bool(p.overdue())});
  }
  return Csv(rows);
}

std::string SearchTable(const v1::SearchReply& reply) {
  Rows rows = {{"SCORE", "ID", "KIND", "UNIT", "DATE", "TITLE"}};
  for (const v1::SearchHit& h : reply.hits()) {
    rows.push_back({absl::StrCat(h.score()), h.id(), h.kind(), h.unit(), h.date(),
                    Truncate(h.title(), kSearchTitleWidth)});
  }
  return FormatTable(rows);
}

std::string SearchCsv(const v1::SearchReply& reply) {
  Rows rows = {{"id", "kind", "unit", "date", "title", "score"}};
  for (const v1::SearchHit& h : reply.hits()) {
    rows.push_back({h.id(), h.kind(), h.unit(), h.date(), h.title(), absl::StrCat(h.score())});
  }
  return Csv(rows);
}

}  // namespace council::client
