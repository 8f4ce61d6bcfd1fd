// status, list, show.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/flag_values.h"
#include "client/json.h"
#include "client/record_view.h"
#include "client/render.h"
#include "node/core/status_macros.h"

namespace council::client {
namespace {

constexpr uint32_t kListPage = 500;

absl::Status Status(Context& context) {
  ASSIGN_OR_RETURN(v1::StatusReply status, context.node.Status());
  std::cout << (context.json ? ToJson(status) + "\n" : StatusView(status));
  return absl::OkStatus();
}

absl::Status List(Context& context) {
  const Args& args = context.args;
  v1::ListRequest request;
  if (args.Has("kind")) RETURN_IF_ERROR(ParseKindFlag(args.Get("kind")).status());
  if (args.Has("unit")) RETURN_IF_ERROR(CheckUnitId("unit id", args.Get("unit")));
  if (args.Has("period")) RETURN_IF_ERROR(CheckPeriod(args.Get("period")));
  uint32_t limit = 0;  // no limit
  if (args.Has("limit")) {
    ASSIGN_OR_RETURN(limit, ParseCount("limit", args.Get("limit")));
  }
  request.set_kind(args.Get("kind"));
  request.set_unit(args.Get("unit"));
  request.set_period(args.Get("period"));

  std::vector<v1::Record> records;  // kept for the table only
  uint64_t listed = 0;
  while (limit == 0 || listed < limit) {
    request.set_limit(limit == 0 ? kListPage
                                 : std::min<uint64_t>(kListPage, limit - listed));
    ASSIGN_OR_RETURN(v1::ListReply page, context.node.List(request));
    if (page.records().empty() ||
        page.records(page.records_size() - 1).id() == request.after_id()) {
      break;
    }
    request.set_after_id(page.records(page.records_size() - 1).id());
    for (v1::Record& r : *page.mutable_records()) {
      if (limit != 0 && listed == limit) break;
      ++listed;
      if (context.json) {
        std::cout << ToJson(r) << '\n';
      } else {
        records.push_back(std::move(r));
      }
    }
  }
  if (!context.json) std::cout << RecordTable(records);
  return absl::OkStatus();
}

absl::Status Show(Context& context) {
  const std::string& id = context.args.positional()[0];
  RETURN_IF_ERROR(CheckRecordId(id));
  ASSIGN_OR_RETURN(v1::Record record, context.node.Get(id));
  std::cout << (context.json ? ToJson(record) + "\n" : RecordView(record));
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> QueryCommands() {
  std::vector<Command> commands;
  commands.push_back({
      .name = "status",
      .synopsis = "",
      .help = "Shows the node's unit, level, name, parent, last sequence and the\n"
              "number of current records of each kind, then its replication links:\n"
              "  parent link: the parent's unit and address, connected or disconnected\n"
              "               since when, the last exchange, the backlog out (our\n"
              "               records it has not acknowledged) and in (its records for\n"
              "               us not yet applied), reconnects, gzip if the link is\n"
              "               compressed (--link-compression); while disconnected,\n"
              "               the failed attempts since it was last up and the last error\n"
              "  children:    per child unit: CONNECTED (\"yes, gzip\" when compressed),\n"
              "               SINCE, LAST SEEN (last exchange), OUT and IN backlogs\n"
              "Times are UTC. With --json: the StatusReply as one JSON object.\n",
      .flags = {},
      .positionals = {},
      .run = &Status,
  });
  commands.push_back({
      .name = "list",
      .synopsis = "[--kind K] [--unit U] [--period P] [--limit N]",
      .help = "Lists current records in id order, as a table (JSON Lines with --json).\n"
              "  --kind K                 report, conclusion, directive, directive_update,\n"
              "                           petition, petition_answer or unit\n"
              "  --unit U                 records of origin unit U only\n"
              "  --period P               reports and conclusions of period P\n"
              "  --limit N                at most N records (0: all)\n",
      .flags = {
          {.name = "kind", .value_name = "K"},
          {.name = "unit", .value_name = "U"},
          {.name = "period", .value_name = "P"},
          {.name = "limit", .value_name = "N"},
      },
      .positionals = {},
      .run = &List,
  });
  commands.push_back({
      .name = "show",
      .synopsis = "ID",
      .help = "Shows every field of record ID (the record as JSON with --json).\n",
      .flags = {},
      .positionals = {"record id"},
      .run = &Show,
  });
  return commands;
}

}  // namespace council::client
