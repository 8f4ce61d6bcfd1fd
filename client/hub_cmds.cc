// consolidate, missing, directive track, petitions, search: the hub's views.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/commands.h"
#include "client/flag_values.h"
#include "client/hub_render.h"
#include "client/json.h"
#include "node/core/fold.h"
#include "node/core/status_macros.h"

namespace council::client {
namespace {

constexpr absl::string_view kRules =
    "\nA period counts only reports of exactly that period: 2023 counts year\n"
    "reports, never the sum of 2023-H1 and 2023-H2. Overdue: a due date before\n"
    "the node's current date (UTC, \"as of\"), and not done / not answered.\n";

constexpr absl::string_view kJsonNote =
    "\nJSON uses the proto field names (proto/council/v1/hub.proto); fields with\n"
    "zero values are left out, 64-bit integers are strings, enums are proto\n"
    "names (LEVEL_COMMUNE), times are Unix ms. CSV (RFC 4180, CRLF line ends)\n"
    "has a header row of the names below, levels as commune/district/province.\n";

// --csv, and its conflict with --json.
absl::StatusOr<bool> WantCsv(const Context& context) {
  bool csv = context.args.Has("csv");
  if (csv && context.json) return UsageError("--csv and --json cannot be used together");
  return csv;
}

// --under UNIT and --level LEVEL, when given.
absl::Status ParseUnder(const Args& args, std::string* under) {
  if (!args.Has("under")) return absl::OkStatus();
  RETURN_IF_ERROR(CheckUnitId("--under unit", args.Get("under")));
  *under = args.Get("under");
  return absl::OkStatus();
}

absl::Status ParseLevel(const Args& args, v1::Level* level) {
  if (!args.Has("level")) return absl::OkStatus();
  ASSIGN_OR_RETURN(*level, ParseLevelFlag(args.Get("level")));
  return absl::OkStatus();
}

// --period P [--level L] [--under U], shared by consolidate and missing.
template <typename Request>
absl::Status ParsePeriodScope(const Args& args, Request* request) {
  RETURN_IF_ERROR(CheckPeriod(args.Get("period")));
  request->set_period(args.Get("period"));
  v1::Level level = v1::LEVEL_UNSPECIFIED;
  RETURN_IF_ERROR(ParseLevel(args, &level));
  request->set_level(level);
  return ParseUnder(args, request->mutable_under());
}

absl::Status Consolidate(Context& context) {
  const Args& args = context.args;
  ASSIGN_OR_RETURN(bool csv, WantCsv(context));
  v1::ConsolidateRequest request;
  RETURN_IF_ERROR(ParsePeriodScope(args, &request));
  ASSIGN_OR_RETURN(v1::ConsolidateReply reply, context.node.Consolidate(request));
  if (context.json) {
    std::cout << ToJson(reply) << '\n';
  } else {
    std::cout << (csv ? ConsolidateCsv(reply) : ConsolidateTable(reply));
  }
  return absl::OkStatus();
}

absl::Status Missing(Context& context) {
  const Args& args = context.args;
  ASSIGN_OR_RETURN(bool csv, WantCsv(context));
  v1::MissingRequest request;
  RETURN_IF_ERROR(ParsePeriodScope(args, &request));
  ASSIGN_OR_RETURN(v1::MissingReply reply, context.node.Missing(request));
  if (context.json) {
    for (const v1::Unit& u : reply.units()) std::cout << ToJson(u) << '\n';
  } else {
    std::cout << (csv ? MissingCsv(reply) : MissingTable(reply));
  }
  return absl::OkStatus();
}

absl::Status Track(Context& context) {
  const std::string& id = context.args.positional()[0];
  ASSIGN_OR_RETURN(bool csv, WantCsv(context));
  RETURN_IF_ERROR(CheckRecordId(id));
  ASSIGN_OR_RETURN(v1::TrackReply reply, context.node.Track(id));
  if (context.json) {
    std::cout << ToJson(reply) << '\n';
  } else {
    std::cout << (csv ? TrackCsv(reply) : TrackView(reply));
  }
  return absl::OkStatus();
}

absl::Status Petitions(Context& context) {
  const Args& args = context.args;
  ASSIGN_OR_RETURN(bool csv, WantCsv(context));
  v1::PetitionsRequest request;
  request.set_open_only(args.Has("open"));
  request.set_overdue_only(args.Has("overdue"));
  RETURN_IF_ERROR(ParseUnder(args, request.mutable_under()));
  request.set_field(args.Get("field"));
  ASSIGN_OR_RETURN(v1::PetitionsReply reply, context.node.Petitions(request));
  if (context.json) {
    for (const v1::PetitionInfo& p : reply.petitions()) std::cout << ToJson(p) << '\n';
  } else {
    std::cout << (csv ? PetitionsCsv(reply) : PetitionsTable(reply));
  }
  return absl::OkStatus();
}

absl::Status Search(Context& context) {
  const Args& args = context.args;
  ASSIGN_OR_RETURN(bool csv, WantCsv(context));
  v1::SearchRequest request;
  request.set_text(absl::StrJoin(args.positional(), " "));
  if (core::Tokenize(request.text()).empty()) {
    return UsageError(absl::StrCat("search text '", request.text(), "' has no words"));
  }
  if (args.Has("kind")) RETURN_IF_ERROR(ParseKindFlag(args.Get("kind")).status());
  request.set_kind(args.Get("kind"));
  RETURN_IF_ERROR(ParseUnder(args, request.mutable_under()));
  if (args.Has("limit")) {
    ASSIGN_OR_RETURN(uint32_t limit, ParseCount("limit", args.Get("limit")));
    request.set_limit(limit);
  }
  ASSIGN_OR_RETURN(v1::SearchReply reply, context.node.Search(request));
  if (context.json) {
    for (const v1::SearchHit& h : reply.hits()) std::cout << ToJson(h) << '\n';
  } else {
    std::cout << (csv ? SearchCsv(reply) : SearchTable(reply));
  }
  return absl::OkStatus();
}

constexpr FlagSpec kCsv = {.name = "csv"};
constexpr FlagSpec kUnder = {.name = "under", .value_name = "UNIT"};
constexpr FlagSpec kLevel = {.name = "level", .value_name = "LEVEL"};
constexpr FlagSpec kPeriod = {.name = "period", .value_name = "P", .required = true};

}  // namespace

std::vector<Command> HubCommands() {
  std::vector<Command> commands;
  commands.push_back({
      .name = "consolidate",
      .synopsis = "--period P [--level LEVEL] [--under UNIT] [--csv]",
      .help = absl::StrCat(
          "Consolidated figures for period P: a row per unit (the units below this\n"
          "node, or UNIT, one level down; with --level, every unit of LEVEL) over its\n"
          "subtree, then a TOTAL row: units, reports for P, units MISSING a report,\n"
          "the sum of each metric, directive targets (RECEIVED, DONE, OVERDUE) and\n"
          "petitions (ANSWERED, OPEN, P.OVERDUE).\n"
          "  --period P               2023, 2023-H1, 2023-Q3, 2023-M08 or 2023-YTD08\n"
          "  --level LEVEL            rows: every district or commune below\n"
          "  --under UNIT             consolidate UNIT's subtree (default: this node's)\n"
          "  --csv                    CSV instead of a table\n",
          kRules, kJsonNote,
          "  --json: ConsolidateReply {period, as_of, rows[], total}, each row\n"
          "    {unit, name, level, units, reports, missing, metrics{}, directives,\n"
          "    directives_received, directives_done, directives_overdue, petitions,\n"
          "    petitions_answered, petitions_open, petitions_overdue}\n"
          "  --csv: unit,name,level,units,reports,missing,<metric names, sorted>,\n"
          "    directives,directives_received,directives_done,directives_overdue,\n"
          "    petitions,petitions_answered,petitions_open,petitions_overdue;\n"
          "    the last row is the total, unit TOTAL\n"),
      .flags = {kPeriod, kLevel, kUnder, kCsv},
      .positionals = {},
      .run = &Consolidate,
  });
  commands.push_back({
      .name = "missing",
      .synopsis = "--period P [--level LEVEL] [--under UNIT] [--csv]",
      .help = absl::StrCat(
          "Lists the units below this node (or UNIT) without a report for period P:\n"
          "ID, LEVEL, NAME, PARENT; \"none\" if every unit has reported.\n"
          "  --period P               as for consolidate\n"
          "  --level LEVEL            units of LEVEL only\n"
          "  --under UNIT             below UNIT instead of this node\n"
          "  --csv                    CSV instead of a table\n",
          kRules, kJsonNote,
          "  --json: one Unit per line {id, level, name, parent}\n"
          "  --csv: id,level,name,parent\n"),
      .flags = {kPeriod, kLevel, kUnder, kCsv},
      .positionals = {},
      .run = &Missing,
  });
  commands.push_back({
      .name = "directive track",
      .synopsis = "ID [--csv]",
      .help = absl::StrCat(
          "Follows directive ID: its title and due date, then per target unit its\n"
          "STATUS (— nothing heard, received, in_progress, done), when it was\n"
          "RECEIVED and DONE (UTC), whether it is OVERDUE, and the latest NOTE.\n"
          "  --csv                    CSV instead of a table\n",
          kRules, kJsonNote,
          "  --json: TrackReply {directive, as_of, targets[]}, each target {unit,\n"
          "    name, status, received_ms, done_ms, updated_ms, note, overdue}\n"
          "  --csv: unit,name,status,received_ms,done_ms,updated_ms,note,overdue\n"
          "    (status received, in_progress, done or empty; 0 ms: not yet)\n"),
      .flags = {kCsv},
      .positionals = {"directive id"},
      .run = &Track,
  });
  commands.push_back({
      .name = "petitions",
      .synopsis = "[--open] [--overdue] [--under UNIT] [--field F] [--csv]",
      .help = absl::StrCat(
          "Lists the petitions recorded in this node's subtree, oldest first: ID,\n"
          "UNIT (where recorded), FIELD, DUE, RECORDED, AGE (days to the answer, or\n"
          "to now), STATUS (open, answered or OVERDUE), TITLE.\n"
          "  --open                   unanswered ones only\n"
          "  --overdue                overdue ones only\n"
          "  --under UNIT             recorded in UNIT's subtree\n"
          "  --field F                of field F (case and diacritics ignored)\n"
          "  --csv                    CSV instead of a table\n",
          kRules, kJsonNote,
          "  --json and --csv: one PetitionInfo per line/row: id,unit,title,field,\n"
          "    competent_level,due_date,recorded_ms,answered,answered_ms,answer_id,\n"
          "    age_days,overdue\n"),
      .flags = {{.name = "open"}, {.name = "overdue"}, kUnder,
                {.name = "field", .value_name = "F"}, kCsv},
      .positionals = {},
      .run = &Petitions,
  });
  commands.push_back({
      .name = "search",
      .synopsis = "TEXT... [--kind K] [--under UNIT] [--limit N] [--csv]",
      .help = absl::StrCat(
          "Finds records holding every word of TEXT (the words joined by spaces),\n"
          "ignoring case and Vietnamese diacritics (\"ket luan\" finds \"Kết luận\");\n"
          "best first: a word counts 3 in the title, 2 in the abstract or number, 1\n"
          "elsewhere. Shows SCORE, ID, KIND, UNIT, DATE, TITLE.\n"
          "  --kind K                 records of kind K only (report, conclusion, ...)\n"
          "  --under UNIT             records from UNIT's subtree only\n"
          "  --limit N                at most N hits (default and 0: 20)\n"
          "  --csv                    CSV instead of a table\n",
          kJsonNote,
          "  --json and --csv: one SearchHit per line/row: id,kind,unit,date,title,\n"
          "    score\n"),
      .flags = {{.name = "kind", .value_name = "K"}, kUnder,
                {.name = "limit", .value_name = "N"}, kCsv},
      .positionals = {"search text"},
      .run = &Search,
      .repeat_last_positional = true,
  });
  return commands;
}

}  // namespace council::client
