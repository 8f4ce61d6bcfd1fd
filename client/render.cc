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

std::string FormatUtc(uint64_t hlc, const char* format) {
  time_t seconds = static_cast<time_t>(core::HlcMillis(hlc) / 1000);
  struct tm tm;
  if (gmtime_r(&seconds, &tm) == nullptr) return "?";
  char buffer[64];
  size_t n = strftime(buffer, sizeof(buffer), format, &tm);
  return std::string(buffer, n);
}

std::string Cell(absl::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
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
  return out;
}

}  // namespace council::client
