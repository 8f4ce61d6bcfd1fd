// One line per event on stderr, key=value, readable and parseable:
//   ts=2026-11-22T08:15:02.123Z level=info unit=21550 event=serving admin=127.0.0.1:7101
// Values with spaces, quotes or '=' are quoted. Thread-safe.
#ifndef COUNCIL_NODE_APP_LOG_H_
#define COUNCIL_NODE_APP_LOG_H_

#include <initializer_list>
#include <string>
#include "absl/strings/string_view.h"
#include <utility>

namespace council::app {

using LogField = std::pair<absl::string_view, std::string>;

// Sets the unit shown on every line (empty until the identity is known).
void SetLogUnit(std::string unit);
void Log(absl::string_view level, absl::string_view event,
         std::initializer_list<LogField> fields = {});

}  // namespace council::app

#endif  // COUNCIL_NODE_APP_LOG_H_
