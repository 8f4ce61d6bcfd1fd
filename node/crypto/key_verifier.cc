#include "node/crypto/key_verifier.h"

#include <openssl/x509_vfy.h>

#include <filesystem>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "node/core/status_macros.h"
#include "node/crypto/openssl_util.h"
#include "node/crypto/sodium.h"

namespace council::crypto {
namespace {

using crypto_internal::OpenSslError;
using crypto_internal::X509Ptr;

// The subject's first common name, UTF-8; "" if none.
std::string CommonName(X509* cert) {
  X509_NAME* subject = X509_get_subject_name(cert);
  int at = subject ? X509_NAME_get_index_by_NID(subject, NID_commonName, -1) : -1;
  if (at < 0) return "";
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at));
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, data);
  if (n < 0) return "";
  std::string cn(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return cn;
}

absl::Status NamesMatch(X509* cert, absl::string_view unit, absl::string_view public_key) {
  std::string cn = CommonName(cert);
  if (cn != unit) {
    return absl::InvalidArgumentError(
        absl::StrCat("the certificate is for unit '", cn, "', not ", unit));
  }
  absl::StatusOr<std::string> key = crypto_internal::RawEd25519PublicKey(X509_get0_pubkey(cert));
  if (!key.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("the certificate's ", key.status().message()));
  }
  if (*key != public_key) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the certificate certifies key ", absl::BytesToHexString(*key).substr(0, 16),
        "..., not the unit's key ", absl::BytesToHexString(public_key).substr(0, 16), "..."));
  }
  return absl::OkStatus();
}

}  // namespace

Ed25519Verifier::Ed25519Verifier(x509_store_st* ca) : ca_(ca) {}

Ed25519Verifier::~Ed25519Verifier() { X509_STORE_free(ca_); }

absl::StatusOr<std::unique_ptr<Ed25519Verifier>> Ed25519Verifier::Create(
    const std::string& ca_path) {
  if (!crypto_internal::SodiumReady()) return absl::InternalError("libsodium could not be initialised");
  if (ca_path.empty()) return std::unique_ptr<Ed25519Verifier>(new Ed25519Verifier(nullptr));
  std::error_code ec;
  if (!std::filesystem::is_regular_file(ca_path, ec)) {
    return absl::NotFoundError(absl::StrCat("cannot read CA certificate file ", ca_path));
  }
  X509_STORE* store = X509_STORE_new();
  if (store == nullptr || X509_STORE_load_file(store, ca_path.c_str()) != 1) {
    X509_STORE_free(store);
    return absl::InvalidArgumentError(
        absl::StrCat("CA certificate file ", ca_path,
                     " holds no PEM certificate: ", OpenSslError("nothing loaded")));
  }
  // A record must verify the same way whenever it arrives: no expiry checks.
  X509_STORE_set_flags(store, X509_V_FLAG_NO_CHECK_TIME);
  return std::unique_ptr<Ed25519Verifier>(new Ed25519Verifier(store));
}

bool Ed25519Verifier::Verify(absl::string_view public_key, absl::string_view bytes,
                             absl::string_view signature) const {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) {
    return false;
  }
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     bytes.size(),
                                     reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

absl::Status Ed25519Verifier::CheckBinding(const v1::Unit& unit) const {
  if (ca_ == nullptr) return absl::OkStatus();
  if (unit.key_certificate().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("unit ", unit.id(), " has no key certificate, and this node requires one"));
  }
  absl::StatusOr<X509Ptr> cert = crypto_internal::ParseCertificate(unit.key_certificate());
  if (!cert.ok())
    return absl::InvalidArgumentError(absl::StrCat("key certificate: ", cert.status().message()));
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                      &X509_STORE_CTX_free);
  if (!ctx || X509_STORE_CTX_init(ctx.get(), ca_, cert->get(), nullptr) != 1) {
    return absl::InternalError(absl::StrCat("cannot check a certificate: ", OpenSslError()));
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    OpenSslError();
    return absl::PermissionDeniedError(
        absl::StrCat("key certificate of unit ", unit.id(),
                     " is not from the configured CA: ", X509_verify_cert_error_string(err)));
  }
  return NamesMatch(cert->get(), unit.id(), unit.public_key());
}

absl::Status CheckCertificateNames(absl::string_view certificate, absl::string_view unit,
                                   absl::string_view public_key) {
  ASSIGN_OR_RETURN(X509Ptr cert, crypto_internal::ParseCertificate(certificate));
  return NamesMatch(cert.get(), unit, public_key);
}

absl::StatusOr<std::string> ReadCertificateDer(const std::string& path) {
  ASSIGN_OR_RETURN(std::string data, crypto_internal::ReadWholeFile(path, "certificate"));
  absl::StatusOr<X509Ptr> cert = crypto_internal::ParseCertificate(data);
  if (!cert.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("certificate ", path, ": ", cert.status().message()));
  }
  unsigned char* der = nullptr;
  int n = i2d_X509(cert->get(), &der);
  if (n <= 0)
    return absl::InternalError(absl::StrCat("cannot encode ", path, ": ", OpenSslError()));
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

}  // namespace council::crypto
