#include "client/credential.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace council::client {
namespace {

absl::StatusOr<std::string> ReadTokenFile(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::UnavailableError(
        absl::StrCat("cannot read ", what, " ", path, ": ", std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string token(absl::StripAsciiWhitespace(text.str()));
  if (token.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, " ", path, " holds no token"));
  }
  return token;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

absl::StatusOr<std::string> FindAdminToken(const std::string& token_file_flag) {
  if (!token_file_flag.empty()) return ReadTokenFile(token_file_flag, "--token-file");
  if (std::string token(absl::StripAsciiWhitespace(Env("COUNCIL_TOKEN"))); !token.empty()) {
    return token;
  }
  if (std::string file = Env("COUNCIL_TOKEN_FILE"); !file.empty()) {
    return ReadTokenFile(file, "$COUNCIL_TOKEN_FILE");
  }
  absl::StatusOr<std::string> fallback = ReadTokenFile(kDefaultTokenFile, "token file");
  return fallback.ok() ? *fallback : std::string();
}

}  // namespace council::client
