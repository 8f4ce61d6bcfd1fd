// report create, conclusion create, petition create, petition answer.
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/document_flags.h"
#include "client/flag_values.h"
#include "node/core/status_macros.h"

namespace council::client {
namespace {

constexpr absl::string_view kReportDocType = "Báo cáo";
constexpr absl::string_view kConclusionDocType = "Thông báo";
constexpr absl::string_view kPetitionDocType = "Kiến nghị";
constexpr absl::string_view kAnswerDocType = "Công văn trả lời";

absl::Status ReportCreate(Context& context) {
  const Args& args = context.args;
  v1::Record record;
  v1::Report* report = record.mutable_report();
  RETURN_IF_ERROR(CheckPeriod(args.Get("period")));
  report->set_period(args.Get("period"));
  report->set_period_label(args.Get("period-label"));
  for (const std::string& flag : args.GetAll("metric")) {
    ASSIGN_OR_RETURN(auto metric, ParseMetric(flag));
    if (report->metrics().contains(metric.first)) {
      return UsageError(absl::StrCat("metric ", metric.first, " given more than once"));
    }
    (*report->mutable_metrics())[metric.first] = metric.second;
  }
  RETURN_IF_ERROR(ApplyDocumentFlags(args, kReportDocType, &record));
  return SubmitDraft(context, record);
}

absl::Status ConclusionCreate(Context& context) {
  const Args& args = context.args;
  v1::Record record;
  v1::Conclusion* c = record.mutable_conclusion();
  RETURN_IF_ERROR(CheckDate("meeting date", args.Get("meeting-date")));
  if (args.Has("period")) RETURN_IF_ERROR(CheckPeriod(args.Get("period")));
  c->set_meeting_date(args.Get("meeting-date"));
  c->set_meeting_kind(args.Get("meeting-kind"));
  c->set_place(args.Get("place"));
  c->set_chair(args.Get("chair"));
  for (const std::string& a : args.GetAll("attendee")) c->add_attendees(a);
  for (const std::string& t : args.GetAll("task")) c->add_tasks(t);
  c->set_period(args.Get("period"));
  c->set_assessment(args.Get("assessment"));
  c->set_limitations(args.Get("limitations"));
  RETURN_IF_ERROR(ApplyDocumentFlags(args, kConclusionDocType, &record));
  return SubmitDraft(context, record);
}

absl::Status PetitionCreate(Context& context) {
  const Args& args = context.args;
  v1::Record record;
  v1::Petition* p = record.mutable_petition();
  ASSIGN_OR_RETURN(v1::Level level, ParseLevelFlag(args.Get("competent-level")));
  if (args.Has("due")) RETURN_IF_ERROR(CheckDate("due date", args.Get("due")));
  p->set_field(args.Get("field"));
  p->set_competent_level(level);
  p->set_status(v1::PETITION_STATUS_OPEN);
  p->set_due_date(args.Get("due"));
  p->set_petitioner(args.Get("petitioner"));
  p->set_location(args.Get("location"));
  RETURN_IF_ERROR(ApplyDocumentFlags(args, kPetitionDocType, &record));
  return SubmitDraft(context, record);
}

absl::Status PetitionAnswer(Context& context) {
  const Args& args = context.args;
  const std::string& petition_id = args.positional()[0];
  RETURN_IF_ERROR(CheckRecordId(petition_id));
  v1::Record record;
  record.mutable_petition_answer()->set_petition_id(petition_id);
  RETURN_IF_ERROR(ApplyDocumentFlags(args, kAnswerDocType, &record));
  if (record.text().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("answer file ", args.Get("body-file"), " is empty"));
  }
  return SubmitDraft(context, record);
}

}  // namespace

std::vector<Command> RecordCommands() {
  std::vector<Command> commands;
  commands.push_back({
      .name = "report create",
      .synopsis = "--period P --title T [--period-label L] [--metric NAME=N]... "
                  "[--body-file F]",
      .help = absl::StrCat(
          "Creates a report (báo cáo) about a period and prints its id.\n"
          "  --period P               2023, 2023-H1, 2023-Q3, 2023-M08 or 2023-YTD08\n"
          "  --title T                the document's title\n"
          "  --period-label L         the period as written, e.g. \"8 tháng đầu năm 2023\"\n"
          "  --metric NAME=N          a count, NAME of a-z 0-9 _ (repeatable)\n",
          DocumentFlagsHelp(kReportDocType)),
      .flags = WithDocumentFlags({
          {.name = "period", .value_name = "P", .required = true},
          {.name = "title", .value_name = "T", .required = true},
          {.name = "period-label", .value_name = "L"},
          {.name = "metric", .value_name = "NAME=N", .repeatable = true},
      }),
      .positionals = {},
      .run = &ReportCreate,
  });
  commands.push_back({
      .name = "conclusion create",
      .synopsis = "--title T --meeting-date YYYY-MM-DD [--meeting-kind K] "
                  "[--place P] [--chair C] [--attendee A]... [--task T]... "
                  "[--period P] [--assessment T] [--limitations T] [--body-file F]",
      .help = absl::StrCat(
          "Creates a meeting conclusion (thông báo kết luận) and prints its id.\n"
          "  --title T                the document's title\n"
          "  --meeting-date DATE      YYYY-MM-DD\n"
          "  --meeting-kind K         giao ban, trực báo, sơ kết...\n"
          "  --place P, --chair C     where, and who chaired\n"
          "  --attendee A             (repeatable)\n"
          "  --task T                 a task assigned (repeatable)\n"
          "  --period P               the period reviewed, as for reports\n"
          "  --assessment T           kết quả đạt được\n"
          "  --limitations T          tồn tại, hạn chế\n",
          DocumentFlagsHelp(kConclusionDocType)),
      .flags = WithDocumentFlags({
          {.name = "title", .value_name = "T", .required = true},
          {.name = "meeting-date", .value_name = "YYYY-MM-DD", .required = true},
          {.name = "meeting-kind", .value_name = "K"},
          {.name = "place", .value_name = "P"},
          {.name = "chair", .value_name = "C"},
          {.name = "attendee", .value_name = "A", .repeatable = true},
          {.name = "task", .value_name = "T", .repeatable = true},
          {.name = "period", .value_name = "P"},
          {.name = "assessment", .value_name = "T"},
          {.name = "limitations", .value_name = "T"},
      }),
      .positionals = {},
      .run = &ConclusionCreate,
  });
  commands.push_back({
      .name = "petition create",
      .synopsis = "--title T --field F --competent-level LEVEL [--due YYYY-MM-DD] "
                  "[--petitioner P] [--location L] [--body-file F]",
      .help = absl::StrCat(
          "Records a voter petition (kiến nghị cử tri), status open, and prints its id.\n"
          "  --title T                the petition's title\n"
          "  --field F                land, compensation, infrastructure...\n"
          "  --competent-level LEVEL  province, district or commune\n"
          "  --due YYYY-MM-DD         answer due by\n"
          "  --petitioner P           who raised it\n"
          "  --location L             where\n",
          DocumentFlagsHelp(kPetitionDocType)),
      .flags = WithDocumentFlags({
          {.name = "title", .value_name = "T", .required = true},
          {.name = "field", .value_name = "F", .required = true},
          {.name = "competent-level", .value_name = "LEVEL", .required = true},
          {.name = "due", .value_name = "YYYY-MM-DD"},
          {.name = "petitioner", .value_name = "P"},
          {.name = "location", .value_name = "L"},
      }),
      .positionals = {},
      .run = &PetitionCreate,
  });
  commands.push_back({
      .name = "petition answer",
      .synopsis = "ID --body-file F [--title T]",
      .help = absl::StrCat(
          "Answers petition ID; the answer's text is the content of --body-file.\n"
          "  --title T                the answer document's title\n",
          DocumentFlagsHelp(kAnswerDocType)),
      .flags = WithDocumentFlags({{.name = "title", .value_name = "T"}},
                                 /*body_required=*/true),
      .positionals = {"petition id"},
      .run = &PetitionAnswer,
  });
  return commands;
}

}  // namespace council::client
