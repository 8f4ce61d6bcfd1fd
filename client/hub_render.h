// Tables and CSV for the hub's views (consolidate, missing, directive track,
// petitions, search). Tables are for people (see render.h); CSV (see csv.h)
// has a header row of the proto field names and one record per row.
#ifndef COUNCIL_CLIENT_HUB_RENDER_H_
#define COUNCIL_CLIENT_HUB_RENDER_H_

#include <string>

#include "council/v1/admin.pb.h"

namespace council::client {

// "received", "in_progress", "done"; "" for DIRECTIVE_STATUS_UNSPECIFIED.
std::string DirectiveStatusName(v1::DirectiveStatus status);

// "period P, as of YYYY-MM-DD", then UNIT, NAME, LEVEL, UNITS, REPORTS,
// MISSING, one column per metric (the union of the metric names, sorted),
// DIRECTIVES, RECEIVED, DONE, OVERDUE, PETITIONS, ANSWERED, OPEN, P.OVERDUE;
// a row per unit and a last row TOTAL. Metrics a row lacks show 0.
std::string ConsolidateTable(const v1::ConsolidateReply& reply);
// unit,name,level,units,reports,missing,<metrics>,directives,
// directives_received,directives_done,directives_overdue,petitions,
// petitions_answered,petitions_open,petitions_overdue; the total row's unit
// is "TOTAL" and its name and level are empty.
std::string ConsolidateCsv(const v1::ConsolidateReply& reply);

// ID, LEVEL, NAME, PARENT; the single line "none" if every unit reported.
std::string MissingTable(const v1::MissingReply& reply);
// id,level,name,parent.
std::string MissingCsv(const v1::MissingReply& reply);

// `ID "TITLE" due YYYY-MM-DD, as of YYYY-MM-DD`, then UNIT, NAME, STATUS,
// RECEIVED, DONE, OVERDUE, NOTE per target ("—" for nothing yet).
std::string TrackView(const v1::TrackReply& reply);
// unit,name,status,received_ms,done_ms,updated_ms,note,overdue.
std::string TrackCsv(const v1::TrackReply& reply);

// ID, UNIT, FIELD, DUE, RECORDED, AGE, STATUS (open, answered or OVERDUE),
// TITLE (cut to 50 code points).
std::string PetitionsTable(const v1::PetitionsReply& reply);
// id,unit,title,field,competent_level,due_date,recorded_ms,answered,
// answered_ms,answer_id,age_days,overdue.
std::string PetitionsCsv(const v1::PetitionsReply& reply);

// SCORE, ID, KIND, UNIT, DATE, TITLE (cut to 60 code points), best first.
std::string SearchTable(const v1::SearchReply& reply);
// id,kind,unit,date,title,score.
std::string SearchCsv(const v1::SearchReply& reply);

}  // namespace council::client

#endif  // COUNCIL_CLIENT_HUB_RENDER_H_
