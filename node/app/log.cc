#include "node/app/log.h"

#include <cstdio>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace council::app {
namespace {

std::mutex& LogMutex() {
  static std::mutex mu;
  return mu;
}
std::string& Unit() {
  static std::string unit;
  return unit;
}

std::string Quote(absl::string_view v) {
  if (!v.empty() && v.find_first_of(" \"=\t\n") == absl::string_view::npos) return std::string(v);
  return absl::StrCat("\"", absl::StrReplaceAll(v, {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}}), "\"");
}

}  // namespace

void SetLogUnit(std::string unit) {
  std::lock_guard<std::mutex> lock(LogMutex());
  Unit() = std::move(unit);
}

void Log(absl::string_view level, absl::string_view event, std::initializer_list<LogField> fields) {
  std::string line = absl::StrCat(
      "ts=", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
      " level=", level);
  std::lock_guard<std::mutex> lock(LogMutex());
  if (!Unit().empty()) absl::StrAppend(&line, " unit=", Quote(Unit()));
  absl::StrAppend(&line, " event=", Quote(event));
  for (const auto& [k, v] : fields) absl::StrAppend(&line, " ", k, "=", Quote(v));
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace council::app
