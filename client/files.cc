#include "client/files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace council::client {
namespace {

absl::Status ReadError(absl::string_view path, int err) {
  std::string message =
      absl::StrCat("cannot read ", DisplayName(path), ": ", std::strerror(err));
  switch (err) {
    case ENOENT: return absl::NotFoundError(message);
    case EACCES: return absl::PermissionDeniedError(message);
    default: return absl::DataLossError(message);
  }
}

}  // namespace

std::string DisplayName(absl::string_view path) {
  return path == "-" ? "<stdin>" : std::string(path);
}

absl::StatusOr<std::string> ReadInput(absl::string_view path) {
  bool is_stdin = path == "-";
  std::FILE* f = is_stdin ? stdin : std::fopen(std::string(path).c_str(), "rb");
  if (f == nullptr) return ReadError(path, errno);
  std::string data;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), f)) > 0) data.append(buffer, n);
  // A directory opens but fails to read (EISDIR).
  int err = std::ferror(f) ? errno : 0;
  if (!is_stdin) std::fclose(f);
  if (err != 0) return ReadError(path, err);
  return data;
}

}  // namespace council::client
