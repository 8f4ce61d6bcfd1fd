// libFuzzer: councilctl's argument parser, flag value parsers and JSON
// record parsing. Input: NUL-separated arguments; the last one is also
// parsed as a JSON record.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "client/args.h"
#include "client/flag_values.h"
#include "client/json.h"
#include "council/v1/record.pb.h"
#include "node/core/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace council;
  std::vector<std::string> argv;
  std::string cur;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      argv.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(static_cast<char>(data[i]));
    }
  }
  argv.push_back(cur);
  static const client::FlagSpec kFlags[] = {
      {"period", "P", false, true}, {"metric", "NAME=INT", true, false},
      {"to", "UNIT", true, false},  {"json"},
      {"due", "DATE", false, false}};
  absl::StatusOr<client::Args> args = client::ParseArgs(argv, kFlags, "report create");
  for (const std::string& a : argv) {
    (void)client::ParseMetric(a);
    (void)client::CheckDate("due date", a);
    (void)client::CheckPeriod(a);
    (void)client::CheckRecordId(a);
    (void)client::ParseLevelFlag(a);
    (void)client::ParseCount("limit", a);
  }
  v1::Record r;
  int line = 0;
  if (client::FromJson(argv.back(), &r, &line).ok()) (void)core::ValidateDraft(r);
  return 0;
}
