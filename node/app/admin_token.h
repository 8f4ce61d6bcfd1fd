// The admin credential: a bearer token every Admin RPC must present as
// metadata `authorization: Bearer <token>`.
//
// By default it is <data-dir>/admin.token, created at the node's first start
// (32 random bytes from OpenSSL's RAND_bytes, as 64 hex digits and a newline,
// file mode 0600); an operator may point --admin-token-file at a file of
// their own instead. councilctl reads the same file.
#ifndef COUNCIL_NODE_APP_ADMIN_TOKEN_H_
#define COUNCIL_NODE_APP_ADMIN_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace council::app {

inline constexpr char kAdminTokenFileName[] = "admin.token";
inline constexpr size_t kMinAdminTokenLength = 16;

struct AdminToken {
  std::string token;
  std::string file;     // where it was read or created
  bool created = false;  // a new token was written to `file`
  std::string warning;   // e.g. its mode was too loose; "" if none
};

// The token the node accepts. With `token_file` empty: reads
// <data_dir>/admin.token, creating it if absent (and tightening its mode to
// 0600 if it was looser). Otherwise reads `token_file`, which must exist.
// Errors name the file; a token is at least 16 printable ASCII characters
// without spaces (surrounding whitespace and newlines are ignored). Logs
// nothing: the caller reports `created` and `warning` once the node runs.
absl::StatusOr<AdminToken> LoadAdminToken(const std::string& data_dir,
                                          const std::string& token_file);

// True iff `authorization` (the metadata value) is "Bearer <expected>".
// Compares in constant time (CRYPTO_memcmp); an empty `expected` matches nothing.
bool AdminCredentialMatches(absl::string_view expected, absl::string_view authorization);

}  // namespace council::app

#endif  // COUNCIL_NODE_APP_ADMIN_TOKEN_H_
