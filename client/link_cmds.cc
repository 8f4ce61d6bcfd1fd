// units, unit add, sync wait: the council tree and replication.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/document_flags.h"
#include "client/flag_values.h"
#include "client/json.h"
#include "client/render.h"
#include "node/core/levels.h"
#include "node/core/status_macros.h"

namespace council::client {
namespace {

using Clock = std::chrono::system_clock;

constexpr double kDefaultSyncTimeoutSeconds = 60;
// Longer waits are cut to this, which keeps the deadline arithmetic in range.
constexpr double kMaxSyncTimeoutSeconds = 100.0 * 365 * 24 * 3600;
constexpr std::chrono::milliseconds kSyncPoll(100);

absl::Status Units(Context& context) {
  ASSIGN_OR_RETURN(v1::UnitsReply reply, context.node.Units());
  if (context.json) {
    for (const v1::UnitInfo& info : reply.units()) std::cout << ToJson(info) << '\n';
  } else {
    std::cout << UnitsTable(reply);
  }
  return absl::OkStatus();
}

// The levels that may stand at the top of a tree, without a parent.
bool IsTopLevel(v1::Level level) {
  return level == v1::LEVEL_NATIONAL || level == v1::LEVEL_PROVINCE;
}

absl::Status UnitAdd(Context& context) {
  const Args& args = context.args;
  const std::string id = args.Get("id");
  const std::string parent = args.Get("parent");
  RETURN_IF_ERROR(CheckUnitId("unit id", id));
  ASSIGN_OR_RETURN(v1::Level level, ParseLevelFlag(args.Get("level")));
  if (args.Has("parent")) {
    RETURN_IF_ERROR(CheckUnitId("parent unit id", parent));
    if (parent == id) {
      return UsageError(absl::StrCat("unit ", id, " cannot be its own parent"));
    }
  } else if (!IsTopLevel(level)) {
    return UsageError(absl::StrCat("--parent is required for a ", core::LevelName(level),
                                   " unit"));
  }
  v1::Record record;
  v1::Unit* unit = record.mutable_unit();
  unit->set_id(id);
  unit->set_level(level);
  unit->set_name(args.Get("name"));
  unit->set_parent(parent);
  record.mutable_doc()->set_title(args.Get("name"));
  return SubmitDraft(context, record);
}

// --timeout S: seconds, a number > 0 (fractions allowed).
absl::StatusOr<double> ParseTimeout(absl::string_view value) {
  double seconds = 0;
  if (!absl::SimpleAtod(value, &seconds) || !std::isfinite(seconds) || seconds <= 0) {
    return UsageError(absl::StrCat("invalid --timeout '", value,
                                   "': expected a number of seconds greater than 0"));
  }
  return seconds;
}

const v1::LinkStatus* ParentLink(const v1::StatusReply& status) {
  for (const v1::LinkStatus& link : status.links()) {
    if (link.role() == "parent") return &link;
  }
  return nullptr;
}

// With a parent: the parent link is up and nothing is pending either way.
// Without one: no connected child link has anything pending.
bool InSync(const v1::StatusReply& status) {
  if (const v1::LinkStatus* parent = ParentLink(status)) {
    return parent->connected() && parent->outbound_backlog() == 0 &&
           parent->inbound_backlog() == 0;
  }
  for (const v1::LinkStatus& link : status.links()) {
    if (link.connected() && (link.outbound_backlog() != 0 || link.inbound_backlog() != 0)) {
      return false;
    }
  }
  return true;
}

// "parent link connected, 3 to send, 0 to receive", or for a node without a
// parent "no parent link, 1 of 2 child links connected, ..." (connected ones
// counted).
std::string SyncState(const v1::StatusReply& status) {
  if (const v1::LinkStatus* parent = ParentLink(status)) {
    return absl::StrCat("parent link ", parent->connected() ? "connected" : "disconnected",
                        ", ", parent->outbound_backlog(), " to send, ",
                        parent->inbound_backlog(), " to receive");
  }
  uint64_t out = 0, in = 0, connected = 0, children = 0;
  for (const v1::LinkStatus& link : status.links()) {
    ++children;
    if (!link.connected()) continue;
    ++connected;
    out += link.outbound_backlog();
    in += link.inbound_backlog();
  }
  return absl::StrCat("no parent link, ", connected, " of ", children,
                      " child links connected, ", out, " to send, ", in, " to receive");
}

absl::Status SyncWait(Context& context) {
  double seconds = kDefaultSyncTimeoutSeconds;
  if (context.args.Has("timeout")) {
    ASSIGN_OR_RETURN(seconds, ParseTimeout(context.args.Get("timeout")));
  }
  const Clock::time_point deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                         std::min(seconds, kMaxSyncTimeoutSeconds)));
  // No connection attempt or call outlives the deadline.
  context.node.set_deadline(deadline);
  std::optional<v1::StatusReply> last;
  while (true) {
    absl::StatusOr<v1::StatusReply> status = context.node.Status();
    if (!status.ok()) {
      // A call cut short by the deadline is a timeout like any other, once
      // the node has answered at least once.
      bool cut_short = absl::IsDeadlineExceeded(status.status()) && Clock::now() >= deadline;
      if (last && cut_short) break;
      return status.status();
    }
    if (InSync(*status)) {
      if (!context.json && isatty(STDOUT_FILENO) == 1) std::cout << "in sync\n";
      return absl::OkStatus();
    }
    last = std::move(*status);
    Clock::time_point now = Clock::now();
    if (now >= deadline) break;
    std::this_thread::sleep_for(std::min<Clock::duration>(kSyncPoll, deadline - now));
  }
  return absl::DeadlineExceededError(absl::StrCat("not in sync after ", seconds,
                                                  " s: ", SyncState(*last)));
}

}  // namespace

std::vector<Command> LinkCommands() {
  std::vector<Command> commands;
  commands.push_back({
      .name = "units",
      .synopsis = "",
      .help = "Shows the council tree this node knows, depth-first, indented two spaces\n"
              "per level: each unit's id, level, name and parent, its newest record's\n"
              "time (LAST CONTACT, UTC, or \"never\"), the highest sequence held from it\n"
              "(RECORDS), and \"connected\" if it has a live link to this node.\n"
              "With --json: one UnitInfo per line.\n",
      .flags = {},
      .positionals = {},
      .run = &Units,
  });
  commands.push_back({
      .name = "unit add",
      .synopsis = "--id ID --level LEVEL --name NAME [--parent PARENT]",
      .help = "Registers a council unit ahead of its node joining, and prints the new\n"
              "unit record's id (the stored record with --json).\n"
              "  --id ID                  the unit's id, e.g. its administrative code\n"
              "  --level LEVEL            national, province, district or commune\n"
              "  --name NAME              the council's name, e.g. \"HĐND thị xã Đức Phổ\"\n"
              "  --parent PARENT          the unit above it; required except for a\n"
              "                           national or province unit\n",
      .flags = {
          {.name = "id", .value_name = "ID", .required = true},
          {.name = "level", .value_name = "LEVEL", .required = true},
          {.name = "name", .value_name = "NAME", .required = true},
          {.name = "parent", .value_name = "PARENT"},
      },
      .positionals = {},
      .run = &UnitAdd,
  });
  commands.push_back({
      .name = "sync wait",
      .synopsis = "[--timeout S]",
      .help = "Waits until this node and its parent have exchanged everything pending:\n"
              "the parent link is connected and nothing is left to send or to receive.\n"
              "On a node without a parent, waits until no connected child link has\n"
              "anything pending. Checks every 100 ms. Exits 0 once in sync (printing\n"
              "\"in sync\" on a terminal), 1 if still not in sync after the timeout.\n"
              "  --timeout S              give up after S seconds (default 60; > 0)\n",
      .flags = {{.name = "timeout", .value_name = "S"}},
      .positionals = {},
      .run = &SyncWait,
  });
  return commands;
}

}  // namespace council::client
