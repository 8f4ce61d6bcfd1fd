#include "node/crypto/ed25519.h"

#include <fcntl.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "absl/strings/str_cat.h"
#include "node/core/status_macros.h"
#include "node/crypto/openssl_util.h"
#include "node/crypto/sodium.h"

namespace council::crypto {
namespace {

using crypto_internal::BioPtr;
using crypto_internal::OpenSslError;
using crypto_internal::PkeyPtr;

absl::Status WriteAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError(std::strerror(errno));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// Writes `content` to a new private file beside `path` and links it to
// `path`. ALREADY_EXISTS if something is at `path` by then.
absl::Status PublishPrivateFile(const std::string& path, absl::string_view content) {
  std::string tmp = absl::StrCat(path, ".tmp.", ::getpid(), ".", std::random_device{}());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat("cannot create ", tmp, ": ", std::strerror(errno)));
  }
  absl::Status s = ::fchmod(fd, 0600) == 0 ? WriteAll(fd, content)
                                           : absl::UnavailableError(std::strerror(errno));
  if (s.ok() && ::fsync(fd) != 0) s = absl::UnavailableError(std::strerror(errno));
  ::close(fd);
  if (s.ok() && ::link(tmp.c_str(), path.c_str()) != 0) {
    s = errno == EEXIST ? absl::AlreadyExistsError(path)
                        : absl::UnavailableError(std::strerror(errno));
  }
  ::unlink(tmp.c_str());
  if (!s.ok() && !absl::IsAlreadyExists(s)) {
    return absl::UnavailableError(
        absl::StrCat("cannot write signing key ", path, ": ", s.message()));
  }
  if (s.ok()) {  // the new name is durable too
    std::string dir = std::filesystem::path(path).parent_path().string();
    int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  return s;
}

}  // namespace

Ed25519Signer::Ed25519Signer(evp_pkey_st* key, std::string public_key, absl::string_view seed)
    : key_(key), public_key_(std::move(public_key)) {
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> derived;
  crypto_sign_seed_keypair(derived.data(), secret_.data(),
                           reinterpret_cast<const unsigned char*>(seed.data()));
  sodium_memzero(derived.data(), derived.size());
}

Ed25519Signer::~Ed25519Signer() {
  sodium_memzero(secret_.data(), secret_.size());
  EVP_PKEY_free(key_);
}

absl::StatusOr<std::unique_ptr<Ed25519Signer>> Ed25519Signer::Adopt(evp_pkey_st* raw) {
  PkeyPtr key(raw);
  if (!crypto_internal::SodiumReady()) {
    return absl::InternalError("libsodium could not be initialised");
  }
  absl::StatusOr<std::string> pub = crypto_internal::RawEd25519PublicKey(key.get());
  std::string seed(crypto_sign_SEEDBYTES, '\0');
  size_t len = seed.size();
  const bool ed25519 =
      pub.ok() &&
      EVP_PKEY_get_raw_private_key(key.get(), reinterpret_cast<unsigned char*>(seed.data()),
                                   &len) == 1 &&
      len == crypto_sign_SEEDBYTES;
  std::unique_ptr<Ed25519Signer> signer;
  if (ed25519) signer.reset(new Ed25519Signer(key.release(), *std::move(pub), seed));
  sodium_memzero(seed.data(), seed.size());
  if (!ed25519) {
    OpenSslError();
    return absl::InvalidArgumentError("the private key is not an Ed25519 key");
  }
  // libsodium derives the public key from the seed again: both must agree.
  if (std::memcmp(signer->secret_.data() + crypto_sign_SEEDBYTES, signer->public_key_.data(),
                  crypto_sign_PUBLICKEYBYTES) != 0) {
    return absl::InvalidArgumentError("the private key does not match its public key");
  }
  return signer;
}

absl::StatusOr<std::unique_ptr<Ed25519Signer>> Ed25519Signer::Generate() {
  EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (raw == nullptr) {
    return absl::InternalError(absl::StrCat("cannot generate an Ed25519 key: ", OpenSslError()));
  }
  return Adopt(raw);
}

absl::StatusOr<std::unique_ptr<Ed25519Signer>> Ed25519Signer::FromPem(absl::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a PEM private key: ", OpenSslError("parse error")));
  }
  return Adopt(key.release());
}

absl::StatusOr<std::unique_ptr<Ed25519Signer>> Ed25519Signer::Load(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot read signing key ", path, ": ", std::strerror(errno)));
  }
  if ((st.st_mode & 0077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%03o", static_cast<unsigned>(st.st_mode & 0777));
    return absl::FailedPreconditionError(absl::StrCat(
        "signing key ", path, " may be read or changed by others (mode ", mode, "); chmod 600 it"));
  }
  ASSIGN_OR_RETURN(std::string pem, crypto_internal::ReadWholeFile(path, "signing key"));
  absl::StatusOr<std::unique_ptr<Ed25519Signer>> key = FromPem(pem);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("signing key ", path, ": ", key.status().message()));
  }
  return key;
}

absl::StatusOr<std::unique_ptr<Ed25519Signer>> Ed25519Signer::LoadOrCreate(
    const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    ASSIGN_OR_RETURN(std::unique_ptr<Ed25519Signer> fresh, Generate());
    absl::Status published = PublishPrivateFile(path, fresh->PrivateKeyPem());
    if (published.ok()) return fresh;
    if (!absl::IsAlreadyExists(published)) return published;
  }
  return Load(path);
}

std::string Ed25519Signer::Sign(absl::string_view bytes) const {
  std::string sig(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                       secret_.data());
  return sig;
}

std::string Ed25519Signer::PrivateKeyPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key_, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return "";
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace council::crypto
