// directive issue, directive update.
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/document_flags.h"
#include "client/flag_values.h"
#include "node/core/status_macros.h"

namespace council::client {
namespace {

constexpr absl::string_view kDirectiveDocType = "Công văn";

// Exactly one of --to (repeatable), --to-level [--under], --to-subtree.
absl::Status ParseScope(const Args& args, v1::DirectiveScope* scope) {
  int modes = args.Has("to") + args.Has("to-level") + args.Has("to-subtree");
  if (modes != 1) {
    return UsageError(absl::StrCat(
        modes == 0 ? "missing" : "conflicting",
        " directive scope: give exactly one of --to UNIT..., --to-level LEVEL, "
        "--to-subtree"));
  }
  if (args.Has("under") && !args.Has("to-level")) {
    return UsageError("--under applies only with --to-level");
  }
  if (args.Has("to")) {
    scope->set_kind(v1::SCOPE_UNITS);
    for (const std::string& unit : args.GetAll("to")) {
      RETURN_IF_ERROR(CheckUnitId("target unit", unit));
      scope->add_units(unit);
    }
  } else if (args.Has("to-level")) {
    scope->set_kind(v1::SCOPE_LEVEL);
    ASSIGN_OR_RETURN(v1::Level level, ParseLevelFlag(args.Get("to-level")));
    scope->set_level(level);
    if (args.Has("under")) {
      RETURN_IF_ERROR(CheckUnitId("--under unit", args.Get("under")));
      scope->set_under(args.Get("under"));
    }
  } else {
    scope->set_kind(v1::SCOPE_SUBTREE);
  }
  return absl::OkStatus();
}

absl::Status DirectiveIssue(Context& context) {
  const Args& args = context.args;
  v1::Record record;
  v1::Directive* d = record.mutable_directive();
  RETURN_IF_ERROR(ParseScope(args, d->mutable_scope()));
  RETURN_IF_ERROR(CheckDate("due date", args.Get("due")));
  d->set_due_date(args.Get("due"));
  if (args.Has("conclusion")) {
    RETURN_IF_ERROR(CheckRecordId(args.Get("conclusion")));
    d->set_conclusion_id(args.Get("conclusion"));
  }
  RETURN_IF_ERROR(ApplyDocumentFlags(args, kDirectiveDocType, &record));
  return SubmitDraft(context, record);
}

absl::StatusOr<v1::DirectiveStatus> ParseDirectiveStatus(absl::string_view text) {
  std::string s = absl::AsciiStrToLower(text);
  if (s == "received") return v1::DIRECTIVE_STATUS_RECEIVED;
  if (s == "in_progress" || s == "in-progress") return v1::DIRECTIVE_STATUS_IN_PROGRESS;
  if (s == "done") return v1::DIRECTIVE_STATUS_DONE;
  return UsageError(absl::StrCat("invalid status '", text,
                                 "': expected received, in_progress or done"));
}

absl::Status DirectiveUpdate(Context& context) {
  const Args& args = context.args;
  const std::string& directive_id = args.positional()[0];
  RETURN_IF_ERROR(CheckRecordId(directive_id));
  ASSIGN_OR_RETURN(v1::DirectiveStatus status, ParseDirectiveStatus(args.Get("status")));
  v1::Record record;
  v1::DirectiveUpdate* u = record.mutable_directive_update();
  u->set_directive_id(directive_id);
  u->set_status(status);
  u->set_note(args.Get("note"));
  RETURN_IF_ERROR(ApplyDocumentFlags(args, /*default_doc_type=*/"", &record));
  return SubmitDraft(context, record);
}

}  // namespace

std::vector<Command> DirectiveCommands() {
  std::vector<Command> commands;
  commands.push_back({
      .name = "directive issue",
      .synopsis = "--title T --due YYYY-MM-DD (--to UNIT... | --to-level LEVEL "
                  "[--under UNIT] | --to-subtree) [--conclusion ID] [--body-file F]",
      .help = absl::StrCat(
          "Issues a directive (chỉ đạo) to councils below and prints its id.\n"
          "  --title T                the document's title\n"
          "  --due YYYY-MM-DD         due date\n"
          "  --to UNIT                a target unit (repeatable)\n"
          "  --to-level LEVEL         every unit of LEVEL below this one, or below\n"
          "  --under UNIT             UNIT if given\n"
          "  --to-subtree             every unit below this one\n"
          "  --conclusion ID          the conclusion whose tasks this carries\n",
          DocumentFlagsHelp(kDirectiveDocType)),
      .flags = WithDocumentFlags({
          {.name = "title", .value_name = "T", .required = true},
          {.name = "due", .value_name = "YYYY-MM-DD", .required = true},
          {.name = "to", .value_name = "UNIT", .repeatable = true},
          {.name = "to-level", .value_name = "LEVEL"},
          {.name = "under", .value_name = "UNIT"},
          {.name = "to-subtree"},
          {.name = "conclusion", .value_name = "ID"},
      }),
      .positionals = {},
      .run = &DirectiveIssue,
  });
  commands.push_back({
      .name = "directive update",
      .synopsis = "ID --status received|in_progress|done [--note T]",
      .help = absl::StrCat(
          "Reports receipt of or progress on directive ID; prints the update's id.\n"
          "  --status S               received, in_progress or done\n"
          "  --note T                 a short note\n"
          "  --title T                a title for the update (optional)\n",
          DocumentFlagsHelp("")),
      .flags = WithDocumentFlags({
          {.name = "status", .value_name = "STATUS", .required = true},
          {.name = "note", .value_name = "T"},
          {.name = "title", .value_name = "T"},
      }),
      .positionals = {"directive id"},
      .run = &DirectiveUpdate,
  });
  return commands;
}

}  // namespace council::client
