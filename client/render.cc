#include "client/render.h"

#include <time.h>

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "node/core/hlc.h"
#include "node/core/kinds.h"
#include "node/core/levels.h"

namespace council::client {
namespace {

constexpr size_t kTitleWidth = 60;
constexpr size_t kUnitNameWidth = 60;

std::string FormatMillisUtc(int64_t ms, const char* format) {
  time_t seconds = static_cast<time_t>(ms / 1000);
  struct tm tm;
  if (gmtime_r(&seconds, &tm) == nullptr) return "?";
  char buffer[64];
  size_t n = strftime(buffer, sizeof(buffer), format, &tm);
  return std::string(buffer, n);
}

std::string FormatUtc(uint64_t hlc, const char* format) {
  return FormatMillisUtc(static_cast<int64_t>(core::HlcMillis(hlc)), format);
}

std::string Cell(absl::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

// "refused: stale 1, unauthorized 2 (last: ...)", or "" if nothing was refused.
std::string RefusedText(const v1::LinkStatus& link) {
  if (link.refused().empty()) return "";
  std::map<std::string, uint64_t> sorted(link.refused().begin(), link.refused().end());
  std::string text = "refused: ";
  const char* sep = "";
  for (const auto& [reason, n] : sorted) {
    absl::StrAppend(&text, sep, reason, " ", n);
    sep = ", ";
  }
  if (!link.last_refusal().empty()) absl::StrAppend(&text, " (last: ", link.last_refusal(), ")");
  return Cell(text);
}

// "parent link: 51 at HOST:PORT, connected since T, last exchange T,
// backlog out N / in M, reconnects R[, gzip][, failed attempts F, last error: E]".
std::string ParentLinkLine(const v1::LinkStatus& link) {
  std::string state;
  if (link.connected()) {
    state = absl::StrCat("connected since ", MillisTime(link.since_ms()));
  } else if (link.since_ms() > 0) {
    state = absl::StrCat("disconnected since ", MillisTime(link.since_ms()));
  } else {
    state = "not connected yet";
  }
  std::string line = absl::StrCat(
      "parent link: ", link.peer(), " at ",
      link.address().empty() ? "(no address)" : link.address(), ", ", state,
      ", last exchange ", MillisTime(link.last_exchange_ms()), ", backlog out ",
      link.outbound_backlog(), " / in ", link.inbound_backlog(), ", reconnects ",
      link.reconnects());
  if (link.connected() && !link.compression().empty()) absl::StrAppend(&line, ", ", link.compression());
  if (!link.connected() && link.failed_attempts() > 0) {
    absl::StrAppend(&line, ", failed attempts ", link.failed_attempts());
  }
  if (!link.connected() && !link.last_error().empty()) {
    absl::StrAppend(&line, ", last error: ", link.last_error());
  }
  if (!link.refused().empty()) absl::StrAppend(&line, ", ", RefusedText(link));
  // Control characters (a multi-line error) would break the line.
  return absl::StrCat(Cell(line), "\n");
}

void Pad(std::string* out, absl::string_view cell, size_t width) {
  absl::StrAppend(out, cell);
  out->append(width - std::min(width, CodePoints(cell)), ' ');
}

}  // namespace

size_t CodePoints(absl::string_view s) {
  return std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
}

std::string Truncate(absl::string_view s, size_t max) {
  if (CodePoints(s) <= max) return std::string(s);
  if (max == 0) return "";
  size_t kept = 0;
  size_t end = 0;
  for (; end < s.size(); ++end) {
    bool starts_code_point = (static_cast<unsigned char>(s[end]) & 0xC0) != 0x80;
    if (starts_code_point && kept++ == max - 1) break;
  }
  return absl::StrCat(s.substr(0, end), "…");
}

std::string HlcDate(uint64_t hlc) { return FormatUtc(hlc, "%Y-%m-%d"); }

std::string HlcTime(uint64_t hlc) { return FormatUtc(hlc, "%Y-%m-%d %H:%M:%S UTC"); }

std::string MillisTime(int64_t ms) {
  if (ms <= 0) return "never";
  return FormatMillisUtc(ms, "%Y-%m-%d %H:%M:%S UTC");
}

std::string MillisMinute(int64_t ms) {
  if (ms <= 0) return "—";
  return FormatMillisUtc(ms, "%Y-%m-%d %H:%M UTC");
}

std::string MillisDate(int64_t ms) {
  if (ms <= 0) return "—";
  return FormatMillisUtc(ms, "%Y-%m-%d");
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    std::vector<std::string>& line = cells.emplace_back();
    for (size_t i = 0; i < row.size(); ++i) {
      line.push_back(Cell(row[i]));
      if (widths.size() <= i) widths.push_back(0);
      widths[i] = std::max(widths[i], CodePoints(line.back()));
    }
  }
  std::string out;
  for (const auto& line : cells) {
    for (size_t i = 0; i < line.size(); ++i) {
      if (i + 1 == line.size()) {
        out.append(line[i]);
      } else {
        Pad(&out, line[i], widths[i]);
        out.append("  ");
      }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();  // empty last cells
    out.push_back('\n');
  }
  return out;
}

std::string RecordTable(std::span<const v1::Record> records) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(records.size() + 1);
  rows.push_back({"ID", "KIND", "V", "DATE", "UNIT", "TITLE"});
  for (const v1::Record& r : records) {
    rows.push_back({r.id(), core::KindName(r), absl::StrCat(r.version()),
                    r.doc().issued_on().empty() ? HlcDate(r.hlc()) : r.doc().issued_on(),
                    r.origin(), Truncate(Cell(r.doc().title()), kTitleWidth)});
  }
  return FormatTable(rows);
}

std::string StatusView(const v1::StatusReply& status) {
  std::vector<std::vector<std::string>> rows = {
      {"unit:", status.unit()},
      {"level:", core::LevelName(status.level())},
      {"name:", status.name()},
      {"parent:", status.parent_unit().empty() ? "-" : status.parent_unit()},
      {"last_seq:", absl::StrCat(status.last_seq())},
  };
  if (status.recovering()) {
    rows.push_back({"recovering:", status.recovery_target() == 0
                                       ? "waiting for the parent (local writes refused)"
                                       : absl::StrCat("own records held through ", status.last_seq(),
                                                      " of ", status.recovery_target(),
                                                      " (local writes refused)")});
  }
  if (status.search_index_lag() > 0) {
    rows.push_back({"search index:",
                     absl::StrCat(status.search_index_lag(),
                                  " versions behind (indexed in the background, after a sync in "
                                  "progress; a search waits for it)")});
  }
  if (!status.listen().empty()) rows.push_back({"listen:", status.listen()});
  if (!status.admin_listen().empty()) rows.push_back({"admin_listen:", status.admin_listen()});
  std::string out = FormatTable(rows);

  std::map<std::string, uint64_t> counts;
  for (const v1::KindCount& c : status.counts()) counts[c.kind()] += c.count();
  std::vector<std::vector<std::string>> kind_rows;
  for (core::Kind kind : core::AllKinds()) {
    std::string name = core::KindName(kind);
    kind_rows.push_back({absl::StrCat("  ", name), absl::StrCat(counts[name])});
    counts.erase(name);
  }
  for (const auto& [name, count] : counts) {  // kinds this client does not know
    kind_rows.push_back({absl::StrCat("  ", name), absl::StrCat(count)});
  }
  absl::StrAppend(&out, "records:\n", FormatTable(kind_rows));

  // The node lists the parent link first, then its children by unit.
  const v1::LinkStatus* parent = nullptr;
  std::vector<std::vector<std::string>> child_rows = {
      {"  UNIT", "CONNECTED", "SINCE", "LAST SEEN", "OUT", "IN", "REFUSED"}};
  for (const v1::LinkStatus& link : status.links()) {
    if (link.role() == "parent") {
      if (parent == nullptr) parent = &link;
      continue;
    }
    const std::string connected =
        !link.connected() ? "no" : link.compression().empty() ? "yes" : absl::StrCat("yes, ", link.compression());
    child_rows.push_back({absl::StrCat("  ", link.peer()), connected,
                          MillisTime(link.since_ms()), MillisTime(link.last_exchange_ms()),
                          absl::StrCat(link.outbound_backlog()),
                          absl::StrCat(link.inbound_backlog()),
                          link.refused().empty() ? "0" : RefusedText(link)});
  }
  absl::StrAppend(&out, parent != nullptr ? ParentLinkLine(*parent) : "parent link: none\n");
  if (child_rows.size() == 1) {
    absl::StrAppend(&out, "children: none\n");
  } else {
    absl::StrAppend(&out, "children:\n", FormatTable(child_rows));
  }
  return out;
}

std::string UnitsTable(const v1::UnitsReply& units) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(units.units_size() + 1);
  rows.push_back({"ID", "LEVEL", "NAME", "PARENT", "LAST CONTACT", "RECORDS", "LINK"});
  // Depth-first order: a unit's parent, if listed, comes before it.
  std::map<std::string, size_t, std::less<>> depth;
  for (const v1::UnitInfo& info : units.units()) {
    const v1::Unit& u = info.unit();
    auto parent = depth.find(u.parent());
    size_t d = u.parent().empty() || parent == depth.end() ? 0 : parent->second + 1;
    depth.emplace(u.id(), d);
    rows.push_back({absl::StrCat(std::string(2 * d, ' '), u.id()), core::LevelName(u.level()),
                    Truncate(Cell(u.name()), kUnitNameWidth),
                    u.parent().empty() ? "-" : u.parent(), MillisTime(info.last_contact_ms()),
                    absl::StrCat(info.records_seen()), info.connected() ? "connected" : ""});
  }
  return FormatTable(rows);
}

}  // namespace council::client
