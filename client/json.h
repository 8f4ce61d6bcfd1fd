// The protobuf JSON mapping as councilctl uses it: snake_case field names as
// in the .proto files on output; both spellings accepted on input; unknown
// fields rejected.
#ifndef COUNCIL_CLIENT_JSON_H_
#define COUNCIL_CLIENT_JSON_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace council::client {

// One line of compact JSON, no trailing newline.
std::string ToJson(const google::protobuf::Message& message);

// Replaces `*message` with the one `json` describes. Otherwise returns
// INVALID_ARGUMENT with a one-line reason ("unknown field 'doc.titl'") and sets
// `*line` to the 1-based line of `json` at fault, or 0 if it cannot be found.
absl::Status FromJson(absl::string_view json, google::protobuf::Message* message,
                      int* line);

}  // namespace council::client

#endif  // COUNCIL_CLIENT_JSON_H_
