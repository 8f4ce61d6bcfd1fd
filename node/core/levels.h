// Council levels: names, parsing and rank in the tree.
#ifndef COUNCIL_NODE_CORE_LEVELS_H_
#define COUNCIL_NODE_CORE_LEVELS_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "council/v1/record.pb.h"

namespace council::core {

// "province", "district", "commune", "national"; "" for LEVEL_UNSPECIFIED.
std::string LevelName(v1::Level level);

// Accepts the names above (case-insensitive) and the enum names
// ("LEVEL_COMMUNE"). INVALID_ARGUMENT names the bad value otherwise.
absl::StatusOr<v1::Level> ParseLevel(absl::string_view text);

// Depth from the top: national 0, province 1, district 2, commune 3.
// A unit of rank r sits above every unit of rank > r.
int LevelRank(v1::Level level);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_LEVELS_H_
