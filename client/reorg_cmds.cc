// unit move, unit merge, unit dissolve: reorganising the council tree.
#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/flag_values.h"
#include "client/json.h"
#include "node/core/status_macros.h"

namespace council::client {
namespace {

absl::Status Reorganise(Context& context, const std::string& action, const std::string& to_flag) {
  const std::string unit = context.args.positional().at(0);
  RETURN_IF_ERROR(CheckUnitId("unit id", unit));
  v1::ReorganiseRequest request;
  request.set_action(action);
  request.set_unit(unit);
  if (!to_flag.empty()) {
    request.set_to(context.args.Get(to_flag));
    RETURN_IF_ERROR(CheckUnitId(absl::StrCat("--", to_flag), request.to()));
  }
  ASSIGN_OR_RETURN(v1::ReorganiseReply reply, context.node.Reorganise(request));
  for (const v1::Record& r : reply.records()) {
    if (context.json) {
      std::cout << ToJson(r) << '\n';
    } else if (!r.unit().merged_into().empty()) {
      std::cout << absl::StrCat(r.unit().id(), " merged into ", r.unit().merged_into(), " (", r.id(), ")\n");
    } else {
      std::cout << absl::StrCat(r.unit().id(), " now under ", r.unit().parent(), " (", r.id(), ")\n");
    }
  }
  return absl::OkStatus();
}

absl::Status Move(Context& context) { return Reorganise(context, "move", "to"); }
absl::Status Merge(Context& context) { return Reorganise(context, "merge", "into"); }
absl::Status Dissolve(Context& context) { return Reorganise(context, "dissolve", ""); }

constexpr char kRehomeNote[] =
    "Run it at a node above every unit concerned (the province for a move\n"
    "between districts). History is kept: every record stays its unit's own.\n"
    "Each moved unit's node must then be pointed at its new parent\n"
    "(--parent-unit, --parent) and restarted; it sends the new parent what it\n"
    "lacks, so nothing in flight is lost.\n";

}  // namespace

std::vector<Command> ReorgCommands() {
  std::vector<Command> commands;
  commands.push_back({
      .name = "unit move",
      .synopsis = "UNIT --to PARENT",
      .help = absl::StrCat("Places UNIT (and its subtree) under PARENT from now on.\n", kRehomeNote,
                           "  --to PARENT              the new parent unit\n"),
      .flags = {{.name = "to", .value_name = "PARENT", .required = true}},
      .positionals = {"unit"},
      .run = &Move,
  });
  commands.push_back({
      .name = "unit merge",
      .synopsis = "UNIT --into TARGET",
      .help = absl::StrCat(
          "Merges UNIT into TARGET: UNIT's children move under TARGET, and UNIT sits\n"
          "under it, counted in TARGET's row of consolidated tables and no longer the\n"
          "target of new directives.\n",
          kRehomeNote, "  --into TARGET            the unit that absorbs UNIT\n"),
      .flags = {{.name = "into", .value_name = "TARGET", .required = true}},
      .positionals = {"unit"},
      .run = &Merge,
  });
  commands.push_back({
      .name = "unit dissolve",
      .synopsis = "UNIT",
      .help = absl::StrCat("Removes UNIT as a level: its children move under UNIT's parent, and UNIT\n"
                           "is merged into that parent (e.g. a district abolished in 2025).\n",
                           kRehomeNote),
      .flags = {},
      .positionals = {"unit"},
      .run = &Dissolve,
  });
  return commands;
}

}  // namespace council::client
