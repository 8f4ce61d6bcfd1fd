// RFC 4180 CSV for councilctl's --csv output: fields separated by commas,
// records ending in CRLF, a field quoted (quotes doubled) when it holds a
// comma, a quote, CR or LF. Text is UTF-8, written byte for byte.
#ifndef COUNCIL_CLIENT_CSV_H_
#define COUNCIL_CLIENT_CSV_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace council::client {

// One field, quoted if it needs to be.
std::string CsvField(absl::string_view field);

// One record: the fields joined by commas, then CRLF.
std::string CsvRecord(const std::vector<std::string>& fields);

}  // namespace council::client

#endif  // COUNCIL_CLIENT_CSV_H_
