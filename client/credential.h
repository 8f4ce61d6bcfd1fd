// The admin credential councilctl presents to a node: metadata
// `authorization: Bearer <token>` on every call.
//
// The token is found the way operators expect, first match wins:
//   1. --token-file FILE
//   2. $COUNCIL_TOKEN, the token itself
//   3. $COUNCIL_TOKEN_FILE, a file holding it
//   4. /var/lib/council/data/admin.token (the packaged node's), if readable
// Without any, calls go out without a credential and the node refuses them.
#ifndef COUNCIL_CLIENT_CREDENTIAL_H_
#define COUNCIL_CLIENT_CREDENTIAL_H_

#include <string>

#include "absl/status/statusor.h"

namespace council::client {

inline constexpr char kDefaultTokenFile[] = "/var/lib/council/data/admin.token";

// The token to present ("" if none was found). A file named by --token-file
// or $COUNCIL_TOKEN_FILE that cannot be read, or holds no token, is an error
// naming it (UNAVAILABLE / INVALID_ARGUMENT); the default file is used only
// if it is readable.
absl::StatusOr<std::string> FindAdminToken(const std::string& token_file_flag);

}  // namespace council::client

#endif  // COUNCIL_CLIENT_CREDENTIAL_H_
