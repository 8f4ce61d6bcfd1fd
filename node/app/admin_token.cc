#include "node/app/admin_token.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace council::app {
namespace {

constexpr size_t kTokenBytes = 32;
constexpr absl::string_view kBearer = "Bearer ";

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

absl::StatusOr<std::string> ReadToken(const std::string& path, absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read ", what, " ", path, ": ", std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string token(absl::StripAsciiWhitespace(text.str()));
  if (token.size() < kMinAdminTokenLength) {
    return absl::InvalidArgumentError(absl::StrCat(what, " ", path, " holds no token (at least ",
                                                   kMinAdminTokenLength, " characters)"));
  }
  for (char c : token) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(absl::StrCat(
          what, " ", path, ": a token is printable ASCII without spaces"));
    }
  }
  return token;
}

// Writes a new random token to `path` (atomically: a temporary file, fsync,
// rename, fsync of the directory), mode 0600.
absl::StatusOr<std::string> CreateToken(const std::string& path) {
  unsigned char bytes[kTokenBytes];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::InternalError("cannot make an admin token: RAND_bytes failed");
  }
  std::string token = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
  OPENSSL_cleanse(bytes, sizeof(bytes));
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Errno("cannot create", tmp);
  std::string content = token + "\n";
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
            ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    errno = saved;
    return Errno("cannot write", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    return Errno("cannot create", path);
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return token;
}

}  // namespace

absl::StatusOr<AdminToken> LoadAdminToken(const std::string& data_dir,
                                          const std::string& token_file) {
  AdminToken out;
  if (!token_file.empty()) {
    out.file = token_file;
    absl::StatusOr<std::string> token = ReadToken(token_file, "--admin-token-file");
    if (!token.ok()) return token.status();
    out.token = *std::move(token);
    struct stat st;
    if (::stat(token_file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      out.warning = "other users can read the admin token file; chmod 600 it";
    }
    return out;
  }
  out.file = (std::filesystem::path(data_dir) / kAdminTokenFileName).string();
  const std::string& path = out.file;
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return Errno("cannot read admin token file", path);
    absl::StatusOr<std::string> token = CreateToken(path);
    if (!token.ok()) return token.status();
    out.token = *std::move(token);
    out.created = true;
    return out;
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat("admin token file ", path, " is not a regular file"));
  }
  if ((st.st_mode & 0777) != 0600) {
    if (::chmod(path.c_str(), 0600) != 0) return Errno("cannot chmod 600 admin token file", path);
    out.warning = "the admin token file was readable by others; its mode is now 0600";
  }
  absl::StatusOr<std::string> token = ReadToken(path, "admin token file");
  if (!token.ok()) return token.status();
  out.token = *std::move(token);
  return out;
}

bool AdminCredentialMatches(absl::string_view expected, absl::string_view authorization) {
  if (expected.empty() || !absl::StartsWith(authorization, kBearer)) return false;
  absl::string_view presented = authorization.substr(kBearer.size());
  if (presented.size() != expected.size()) return false;  // the length is no secret
  return CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) == 0;
}

}  // namespace council::app
