// A small command-line parser for councilctl.
//
// Grammar: `--flag value`, `--flag=value`, switches (`--json`), `-h`/`--help`,
// `--` ending the flags, and positional arguments anywhere in between.
// Errors are usage errors (exit status 2): see UsageError().
#ifndef COUNCIL_CLIENT_ARGS_H_
#define COUNCIL_CLIENT_ARGS_H_

#include <map>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace council::client {

struct FlagSpec {
  absl::string_view name = "";        // without the leading "--"
  absl::string_view value_name = "";  // empty: a switch taking no value
  bool repeatable = false;
  bool required = false;
};

// The flags and positional arguments of one parse.
class Args {
 public:
  bool help() const { return help_; }
  bool Has(absl::string_view flag) const { return values_.count(std::string(flag)) > 0; }
  // The flag's value; `fallback` if the flag was not given.
  std::string Get(absl::string_view flag, absl::string_view fallback = "") const;
  // Every value of a repeatable flag, in command-line order.
  std::vector<std::string> GetAll(absl::string_view flag) const;
  const std::vector<std::string>& positional() const { return positional_; }
  // With stop_at_positional: the index in argv of the first positional
  // argument (argv.size() if none); otherwise argv.size().
  size_t rest() const { return rest_; }

 private:
  friend absl::StatusOr<Args> ParseArgs(std::span<const std::string>,
                                        std::span<const FlagSpec>,
                                        absl::string_view, bool);
  bool help_ = false;
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::vector<std::string> positional_;
  size_t rest_ = 0;
};

// Parses `argv` against `flags`; `-h`/`--help` are always accepted. `command`
// names the command in error messages ("report create"; empty at the top
// level). With `stop_at_positional`, parsing stops at the first positional
// argument (the command name). If help was asked for, returns OK with help()
// set even when other arguments are wrong; required flags are not checked then.
// Errors: unknown flag, missing value, switch given a value, non-repeatable
// flag given twice, required flag missing.
absl::StatusOr<Args> ParseArgs(std::span<const std::string> argv,
                               std::span<const FlagSpec> flags,
                               absl::string_view command,
                               bool stop_at_positional = false);

// A usage error: INVALID_ARGUMENT marked so that main() exits with status 2.
absl::Status UsageError(absl::string_view message);
// `status` (if not OK) re-marked as a usage error, message kept.
absl::Status AsUsageError(const absl::Status& status);
bool IsUsageError(const absl::Status& status);

}  // namespace council::client

#endif  // COUNCIL_CLIENT_ARGS_H_
