#include "node/app/command_line.h"

#include "absl/flags/parse.h"
#include "absl/flags/usage_config.h"
#include "absl/synchronization/mutex.h"

namespace council::app {

void SetProcessDefaults() { absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore); }

std::vector<std::string> ParseFlags(std::vector<std::string> args, const char* flags_file) {
  absl::FlagsUsageConfig usage;
  // Files are named by their last two path parts (node/main.cc), not the
  // build machine's whole path.
  usage.normalize_filename = [](absl::string_view f) {
    size_t cut = f.rfind('/');
    if (cut != absl::string_view::npos && cut > 0) cut = f.rfind('/', cut - 1);
    return std::string(cut == absl::string_view::npos ? f : f.substr(cut + 1));
  };
  const std::string file = usage.normalize_filename(flags_file);
  usage.contains_help_flags = [file](absl::string_view f) { return f == file; };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  absl::SetFlagsUsageConfig(usage);
  std::vector<char*> argp;
  for (std::string& a : args) {
    if (a.rfind("--", 0) == 0) {
      for (size_t i = 2; i < a.size() && a[i] != '='; ++i) {
        if (a[i] == '-') a[i] = '_';
      }
    }
    argp.push_back(a.data());
  }
  std::vector<char*> rest = absl::ParseCommandLine(static_cast<int>(argp.size()), argp.data());
  return std::vector<std::string>(rest.begin(), rest.end());
}

}  // namespace council::app
