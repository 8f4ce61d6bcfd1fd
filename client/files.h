// Reading whole input files (or standard input) for councilctl.
#ifndef COUNCIL_CLIENT_FILES_H_
#define COUNCIL_CLIENT_FILES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace council::client {

// The bytes of `path`, unaltered; "-" reads standard input to its end.
// NOT_FOUND / PERMISSION_DENIED / DATA_LOSS "cannot read <path>: <reason>".
absl::StatusOr<std::string> ReadInput(absl::string_view path);

// How `path` is named in messages: "<stdin>" for "-", else the path itself.
std::string DisplayName(absl::string_view path);

}  // namespace council::client

#endif  // COUNCIL_CLIENT_FILES_H_
