// councilctl: the operator's client for a council node's Admin API.
//
// Exit status: 0 success, 1 operational error, 2 usage error. Every error is
// one line on stderr, "councilctl: <message>".
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "client/args.h"
#include "client/commands.h"
#include "client/connection.h"
#include "node/core/status_macros.h"

namespace council::client {
namespace {

constexpr absl::string_view kDefaultNode = "127.0.0.1:7101";

constexpr FlagSpec kGlobalFlags[] = {
    {.name = "node", .value_name = "HOST:PORT"},
    {.name = "token-file", .value_name = "FILE"},
    {.name = "json"},
};

constexpr absl::string_view kGlobalHelp =
    "Global flags (before or after the command):\n"
    "  --node HOST:PORT         the node's admin address (default $COUNCIL_NODE,\n"
    "                           else 127.0.0.1:7101)\n"
    "  --token-file FILE        the node's admin credential (default: $COUNCIL_TOKEN,\n"
    "                           the token itself; else the file $COUNCIL_TOKEN_FILE;\n"
    "                           else /var/lib/council/data/admin.token if readable).\n"
    "                           A node writes it to <data-dir>/admin.token (mode 0600)\n"
    "                           at its first start\n"
    "  --json                   machine-readable output (JSON; JSON Lines for lists)\n"
    "  -h, --help               show help\n";

std::vector<Command> AllCommands() {
  std::vector<Command> all;
  for (auto* group : {&QueryCommands, &LinkCommands, &RecordCommands, &DirectiveCommands,
                      &HubCommands, &BulkCommands, &BackupCommands,
                      &BundleCommands, &ReorgCommands}) {
    for (Command& c : group()) all.push_back(std::move(c));
  }
  return all;
}

// Usage lines of the commands whose name starts with `prefix`.
std::string Synopses(std::span<const Command> commands, absl::string_view prefix) {
  std::string out;
  for (const Command& c : commands) {
    if (!absl::StartsWith(c.name, prefix)) continue;
    absl::StrAppend(&out, "  councilctl ", c.name, c.synopsis.empty() ? "" : " ",
                    c.synopsis, "\n");
  }
  return out;
}

std::string TopUsage(std::span<const Command> commands) {
  return absl::StrCat("usage: councilctl [--node HOST:PORT] [--token-file FILE] [--json] COMMAND ...\n\n",
                      "Commands:\n", Synopses(commands, ""), "\n", kGlobalHelp,
                      "\nRun 'councilctl COMMAND --help' for a command's flags.\n");
}

std::string CommandUsage(const Command& c) {
  return absl::StrCat("usage: councilctl ", c.name, c.synopsis.empty() ? "" : " ",
                      c.synopsis, "\n\n", c.help, "\n", kGlobalHelp);
}

// Global flags given so far; later ones override earlier ones.
struct Globals {
  std::string node;
  std::string token_file;
  bool json = false;
  bool help = false;
};

// Parses the global flags at the front of `argv` into `globals`; returns the
// number of arguments they took.
absl::StatusOr<size_t> ParseLeadingGlobals(std::span<const std::string> argv,
                                           Globals* globals) {
  ASSIGN_OR_RETURN(Args args, ParseArgs(argv, kGlobalFlags, "", true));
  if (args.Has("node")) globals->node = args.Get("node");
  if (args.Has("token-file")) globals->token_file = args.Get("token-file");
  globals->json = globals->json || args.Has("json");
  globals->help = args.help();
  return args.rest();
}

// Finds the command named at the front of `rest` (global flags may come
// between a group and its subcommand, as in "report --json create"); sets
// `*used` to the number of arguments taken. Returns nullptr after printing
// help if it was asked for.
absl::StatusOr<const Command*> FindCommand(std::span<const Command> commands,
                                           std::span<const std::string> rest,
                                           Globals* globals, size_t* used) {
  if (rest.empty()) return UsageError("missing command");
  const std::string& first = rest[0];
  std::string group = absl::StrCat(first, " ");
  std::vector<absl::string_view> subcommands;
  for (const Command& c : commands) {
    if (c.name == first) {
      *used = 1;
      return &c;
    }
    if (absl::StartsWith(c.name, group)) subcommands.push_back(c.name.substr(group.size()));
  }
  if (subcommands.empty()) return UsageError(absl::StrCat("unknown command '", first, "'"));
  ASSIGN_OR_RETURN(size_t flags, ParseLeadingGlobals(rest.subspan(1), globals));
  if (globals->help) {
    std::cout << "usage:\n" << Synopses(commands, group);
    return nullptr;
  }
  if (1 + flags >= rest.size()) {
    return UsageError(absl::StrCat("missing subcommand for '", first, "': expected ",
                                   absl::StrJoin(subcommands, " or ")));
  }
  std::string name = absl::StrCat(group, rest[1 + flags]);
  for (const Command& c : commands) {
    if (c.name == name) {
      *used = 2 + flags;
      return &c;
    }
  }
  return UsageError(absl::StrCat("unknown command '", name, "'"));
}

// Runs the command line; usage and help text go to stdout.
absl::Status Run(std::span<const std::string> argv) {
  const std::vector<Command> commands = AllCommands();
  Globals globals;
  const char* env_node = std::getenv("COUNCIL_NODE");
  globals.node = std::string(
      env_node != nullptr && *env_node != '\0' ? env_node : kDefaultNode);
  ASSIGN_OR_RETURN(size_t leading, ParseLeadingGlobals(argv, &globals));
  if (globals.help) {
    std::cout << TopUsage(commands);
    return absl::OkStatus();
  }
  std::span<const std::string> rest = argv.subspan(leading);
  size_t used = 0;
  ASSIGN_OR_RETURN(const Command* command, FindCommand(commands, rest, &globals, &used));
  if (command == nullptr) return absl::OkStatus();

  std::vector<FlagSpec> flags = command->flags;
  flags.insert(flags.end(), std::begin(kGlobalFlags), std::end(kGlobalFlags));
  ASSIGN_OR_RETURN(Args args, ParseArgs(rest.subspan(used), flags, command->name));
  if (args.help()) {
    std::cout << CommandUsage(*command);
    return absl::OkStatus();
  }
  const std::vector<std::string>& positional = args.positional();
  if (positional.size() < command->positionals.size()) {
    return UsageError(absl::StrCat("missing ", command->positionals[positional.size()],
                                   " for '", command->name, "'"));
  }
  if (positional.size() > command->positionals.size() && !command->repeat_last_positional) {
    return UsageError(absl::StrCat("unexpected argument '",
                                   positional[command->positionals.size()], "' for '",
                                   command->name, "'"));
  }
  std::string node = args.Get("node", globals.node);
  if (node.empty()) return UsageError("--node needs a HOST:PORT");
  std::string token_file = args.Get("token-file", globals.token_file);
  if (args.Has("token-file") && token_file.empty()) return UsageError("--token-file needs a FILE");
  Connection connection(node, token_file);
  Context context{.args = args, .json = globals.json || args.Has("json"), .node = connection};
  return command->run(context);
}

}  // namespace
}  // namespace council::client

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  absl::Status status = council::client::Run(args);
  if (status.ok()) return 0;
  std::string message = absl::StrReplaceAll(status.message(), {{"\n", " "}});
  std::cerr << "councilctl: " << message << std::endl;
  return council::client::IsUsageError(status) ? 2 : 1;
}
