// The councilctl command table. Each *_cmds.cc file contributes commands;
// main.cc parses the command line against them and dispatches.
#ifndef COUNCIL_CLIENT_COMMANDS_H_
#define COUNCIL_CLIENT_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "client/args.h"
#include "client/connection.h"

namespace council::client {

// What a command runs with. Output goes to stdout, progress to stderr.
struct Context {
  const Args& args;  // the command's flags and positional arguments
  bool json;         // --json: machine-readable output
  Connection& node;  // not connected until first used
};

struct Command {
  absl::string_view name;      // "status", "report create"
  std::string synopsis;       // the arguments after the name, for usage lines
  std::string help;           // flag descriptions, one per line, indented
  std::vector<FlagSpec> flags;
  // Names of the required positional arguments ("record id"), in order.
  std::vector<absl::string_view> positionals;
  // Returns a usage error (see args.h) for bad flag values, which must be
  // found before anything is sent to the node.
  absl::Status (*run)(Context& context);
  // The last positional argument may be repeated ("search TEXT...").
  bool repeat_last_positional = false;
};

std::vector<Command> RecordCommands();     // report, conclusion, petition
std::vector<Command> DirectiveCommands();  // directive issue / update
std::vector<Command> QueryCommands();      // status, list, show
std::vector<Command> BulkCommands();       // put, import, export
std::vector<Command> BackupCommands();     // backup create
std::vector<Command> ReorgCommands();      // unit move, unit merge, unit dissolve
std::vector<Command> BundleCommands();     // bundle export / import
std::vector<Command> LinkCommands();       // units, unit add, sync wait
std::vector<Command> HubCommands();        // consolidate, missing, directive track,
                                           // petitions, search

}  // namespace council::client

#endif  // COUNCIL_CLIENT_COMMANDS_H_
