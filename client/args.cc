#include "client/args.h"

#include <optional>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace council::client {
namespace {

constexpr absl::string_view kUsagePayload = "councilctl/usage";

const FlagSpec* FindFlag(std::span<const FlagSpec> flags, absl::string_view name) {
  for (const FlagSpec& f : flags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string ForCommand(absl::string_view command) {
  return command.empty() ? "" : absl::StrCat(" for '", command, "'");
}

}  // namespace

std::string Args::Get(absl::string_view flag, absl::string_view fallback) const {
  auto it = values_.find(flag);
  if (it == values_.end() || it->second.empty()) return std::string(fallback);
  return it->second.back();
}

std::vector<std::string> Args::GetAll(absl::string_view flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return {};
  return it->second;
}

absl::StatusOr<Args> ParseArgs(std::span<const std::string> argv,
                               std::span<const FlagSpec> flags,
                               absl::string_view command,
                               bool stop_at_positional) {
  Args args;
  args.rest_ = argv.size();
  // The first error; reported unless help is asked for later on the line.
  std::optional<absl::Status> error;
  auto fail = [&error](std::string message) {
    if (!error) error = UsageError(message);
  };
  bool flags_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    bool is_flag = !flags_done && arg.size() > 1 && arg[0] == '-';
    if (!is_flag) {
      if (stop_at_positional) {
        args.rest_ = i;
        break;
      }
      args.positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      args.help_ = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      fail(absl::StrCat("unknown flag ", arg, ForCommand(command)));
      continue;
    }
    absl::string_view body = absl::string_view(arg).substr(2);
    std::optional<std::string> inline_value;
    if (size_t eq = body.find('='); eq != absl::string_view::npos) {
      inline_value = std::string(body.substr(eq + 1));
      body = body.substr(0, eq);
    }
    const FlagSpec* spec = FindFlag(flags, body);
    if (spec == nullptr) {
      fail(absl::StrCat("unknown flag --", body, ForCommand(command)));
      continue;
    }
    std::string value;
    if (spec->value_name.empty()) {
      if (inline_value) {
        fail(absl::StrCat("flag --", body, " takes no value"));
        continue;
      }
    } else if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < argv.size()) {
      value = argv[++i];
    } else {
      fail(absl::StrCat("flag --", body, " needs a value ", spec->value_name));
      continue;
    }
    std::vector<std::string>& slot = args.values_[std::string(body)];
    if (!slot.empty() && !spec->repeatable) {
      fail(absl::StrCat("flag --", body, " given more than once"));
      continue;
    }
    slot.push_back(std::move(value));
  }
  if (args.help_) return args;
  if (error) return *error;
  for (const FlagSpec& f : flags) {
    if (f.required && !args.Has(f.name)) {
      return UsageError(absl::StrCat("missing required flag --", f.name));
    }
  }
  return args;
}

absl::Status UsageError(absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kUsagePayload, absl::Cord("1"));
  return status;
}

absl::Status AsUsageError(const absl::Status& status) {
  if (status.ok()) return status;
  return UsageError(status.message());
}

bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsagePayload).has_value();
}

}  // namespace council::client
