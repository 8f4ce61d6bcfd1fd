#include "node/core/levels.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace council::core {

std::string LevelName(v1::Level level) {
  switch (level) {
    case v1::LEVEL_NATIONAL: return "national";
    case v1::LEVEL_PROVINCE: return "province";
    case v1::LEVEL_DISTRICT: return "district";
    case v1::LEVEL_COMMUNE: return "commune";
    default: return "";
  }
}

absl::StatusOr<v1::Level> ParseLevel(absl::string_view text) {
  std::string lower = absl::AsciiStrToLower(text);
  if (lower.rfind("level_", 0) == 0) lower = lower.substr(6);
  for (v1::Level l : {v1::LEVEL_NATIONAL, v1::LEVEL_PROVINCE,
                      v1::LEVEL_DISTRICT, v1::LEVEL_COMMUNE}) {
    if (lower == LevelName(l)) return l;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid level '", text, "': expected national, province, district or commune"));
}

int LevelRank(v1::Level level) {
  switch (level) {
    case v1::LEVEL_NATIONAL: return 0;
    case v1::LEVEL_PROVINCE: return 1;
    case v1::LEVEL_DISTRICT: return 2;
    case v1::LEVEL_COMMUNE: return 3;
    default: return 99;
  }
}

}  // namespace council::core
