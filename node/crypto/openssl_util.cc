#include "node/crypto/openssl_util.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace council::crypto::crypto_internal {

std::string OpenSslError(absl::string_view fallback) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return std::string(fallback);
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path, absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", what, " ", path));
  std::stringstream content;
  content << in.rdbuf();
  if (in.bad()) return absl::NotFoundError(absl::StrCat("cannot read ", what, " ", path));
  return content.str();
}

absl::StatusOr<X509Ptr> ParseCertificate(absl::string_view data) {
  X509Ptr cert;
  if (absl::StrContains(data, "-----BEGIN")) {
    BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    cert.reset(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  } else {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
    cert.reset(d2i_X509(nullptr, &p, static_cast<long>(data.size())));
    if (cert && p != reinterpret_cast<const unsigned char*>(data.data()) + data.size()) {
      cert.reset();  // trailing bytes: not one DER certificate
    }
  }
  if (!cert) {
    return absl::InvalidArgumentError(
        absl::StrCat("not an X.509 certificate (PEM or DER): ", OpenSslError("parse error")));
  }
  return cert;
}

absl::StatusOr<std::string> RawEd25519PublicKey(const EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError("the key is not an Ed25519 key");
  }
  std::string raw(32, '\0');
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &len) != 1 ||
      len != raw.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the Ed25519 public key: ", OpenSslError()));
  }
  return raw;
}

}  // namespace council::crypto::crypto_internal
