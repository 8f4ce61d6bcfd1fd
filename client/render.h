// Human-readable output: aligned tables and the status block. Widths count
// UTF-8 code points, so Vietnamese text lines up.
#ifndef COUNCIL_CLIENT_RENDER_H_
#define COUNCIL_CLIENT_RENDER_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "council/v1/admin.pb.h"

namespace council::client {

// Code points in `s` (bytes that do not continue a UTF-8 sequence).
size_t CodePoints(absl::string_view s);

// `s` if it has at most `max` code points, else its first max-1 code points
// followed by "…".
std::string Truncate(absl::string_view s, size_t max);

// The wall time of an HLC value, UTC: "YYYY-MM-DD" / "YYYY-MM-DD HH:MM:SS UTC".
std::string HlcDate(uint64_t hlc);
std::string HlcTime(uint64_t hlc);

// Unix milliseconds as "YYYY-MM-DD HH:MM:SS UTC"; "never" for 0 (or less).
std::string MillisTime(int64_t ms);

// Unix milliseconds as "YYYY-MM-DD HH:MM UTC" / "YYYY-MM-DD"; "—" for 0 (or less).
std::string MillisMinute(int64_t ms);
std::string MillisDate(int64_t ms);

// Rows (the first is the header) in columns two spaces apart; control
// characters in cells become spaces; the last column is not padded.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);

// The `list` table: ID, KIND, V, DATE, UNIT, TITLE. DATE is doc.issued_on,
// else the record's HLC date; TITLE is cut to 60 code points.
std::string RecordTable(std::span<const v1::Record> records);

// The `status` block: unit, level, name, parent, last_seq, addresses, the
// count of current records of every kind, then the replication links: one
// "parent link:" line and a "children:" table (UNIT, CONNECTED, SINCE,
// LAST SEEN, OUT, IN).
std::string StatusView(const v1::StatusReply& status);

// The `units` table: ID (indented two spaces per level of depth), LEVEL, NAME,
// PARENT, LAST CONTACT, RECORDS, LINK ("connected" for units with a live link
// to the node). Units come depth-first, as Admin.Units returns them.
std::string UnitsTable(const v1::UnitsReply& units);

}  // namespace council::client

#endif  // COUNCIL_CLIENT_RENDER_H_
