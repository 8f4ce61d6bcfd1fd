#include "node/transport/tls.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpc/grpc_security_constants.h"

namespace council::transport {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct StoreFree {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

absl::StatusOr<std::string> ReadPem(const std::string& flag, const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat(flag, " is empty"));
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " ", path, ": cannot read: ", std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().empty()) return absl::InvalidArgumentError(absl::StrCat(flag, " ", path, ": empty file"));
  return text.str();
}

// Every certificate in a PEM text, in order.
std::vector<X509Ptr> ParseCertificates(absl::string_view pem) {
  std::vector<X509Ptr> certs;
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  while (bio) {
    X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (x == nullptr) break;
    certs.emplace_back(x);
  }
  ERR_clear_error();  // the read past the last certificate
  return certs;
}

// The units a certificate names: its URI SANs council:unit:<u> and its CNs.
std::set<std::string> NamedUnits(X509* cert) {
  std::set<std::string> units;
  X509_NAME* subject = X509_get_subject_name(cert);
  for (int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) {
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
    units.insert(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                             ASN1_STRING_length(data)));
  }
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names != nullptr) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
      if (name->type != GEN_URI) continue;
      absl::string_view uri(reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.uniformResourceIdentifier)),
                            ASN1_STRING_length(name->d.uniformResourceIdentifier));
      if (absl::StartsWith(uri, kUnitUriPrefix)) {
        units.insert(std::string(uri.substr(kUnitUriPrefix.size())));
      }
    }
    GENERAL_NAMES_free(names);
  }
  return units;
}

absl::StatusOr<std::string> UnitOf(X509* cert) {
  std::set<std::string> units = NamedUnits(cert);
  if (units.empty()) {
    return absl::InvalidArgumentError(
        "the certificate names no unit (no CN, no subjectAltName URI council:unit:<unit>)");
  }
  if (units.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the certificate names more than one unit (", absl::StrJoin(units, ", "), ")"));
  }
  return *units.begin();
}

}  // namespace

absl::StatusOr<std::string> UnitOfCertificate(absl::string_view pem) {
  std::vector<X509Ptr> certs = ParseCertificates(pem);
  if (certs.empty()) return absl::InvalidArgumentError("not a PEM certificate");
  return UnitOf(certs.front().get());
}

absl::StatusOr<TlsFiles> LoadTlsFiles(const std::string& ca_path, const std::string& cert_path,
                                      const std::string& key_path) {
  TlsFiles files;
  absl::StatusOr<std::string> ca = ReadPem("--tls-ca", ca_path);
  if (!ca.ok()) return ca.status();
  absl::StatusOr<std::string> cert = ReadPem("--tls-cert", cert_path);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem("--tls-key", key_path);
  if (!key.ok()) return key.status();
  files.ca_pem = *std::move(ca);
  files.cert_pem = *std::move(cert);
  files.key_pem = *std::move(key);

  std::vector<X509Ptr> roots = ParseCertificates(files.ca_pem);
  if (roots.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-ca ", ca_path, ": no PEM certificate in the file"));
  }
  std::vector<X509Ptr> chain = ParseCertificates(files.cert_pem);
  if (chain.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-cert ", cert_path, ": no PEM certificate in the file"));
  }
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(files.key_pem.data(), static_cast<int>(files.key_pem.size())));
  // No passphrase prompt: an encrypted key is refused.
  std::unique_ptr<EVP_PKEY, PkeyFree> pkey(PEM_read_bio_PrivateKey(
      bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr));
  if (pkey == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls-key ", key_path, ": not an unencrypted PEM private key"));
  }
  X509* leaf = chain.front().get();
  if (X509_check_private_key(leaf, pkey.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat("--tls-key ", key_path,
                                                   " is not the key of the certificate ",
                                                   cert_path));
  }
  absl::StatusOr<std::string> unit = UnitOf(leaf);
  if (!unit.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--tls-cert ", cert_path, ": ",
                                                   unit.status().message()));
  }
  files.unit = *unit;

  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  for (const X509Ptr& root : roots) X509_STORE_add_cert(store.get(), root.get());
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  for (size_t i = 1; i < chain.size(); ++i) sk_X509_push(untrusted, chain[i].get());
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  int ok = X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted) == 1
               ? X509_verify_cert(ctx.get())
               : 0;
  std::string why = ok == 1 ? "" : X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
  sk_X509_free(untrusted);
  ERR_clear_error();
  if (ok != 1) {
    return absl::InvalidArgumentError(absl::StrCat("--tls-cert ", cert_path,
                                                   " does not verify against --tls-ca ", ca_path,
                                                   ": ", why));
  }
  return files;
}

absl::StatusOr<std::string> PeerUnit(const grpc::AuthContext& context) {
  std::vector<grpc::string_ref> pems = context.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (!context.IsPeerAuthenticated() || pems.empty()) {
    return absl::PermissionDeniedError("the peer presented no verified certificate");
  }
  absl::StatusOr<std::string> unit =
      UnitOfCertificate(absl::string_view(pems.front().data(), pems.front().size()));
  if (!unit.ok()) return absl::PermissionDeniedError(unit.status().message());
  return unit;
}

std::shared_ptr<grpc::ServerCredentials> LinkServerCredentials(const TlsFiles* tls) {
  if (tls == nullptr) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = tls->ca_pem;
  options.pem_key_cert_pairs.push_back({tls->key_pem, tls->cert_pem});
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> LinkChannelCredentials(const TlsFiles* tls) {
  if (tls == nullptr) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = tls->ca_pem;
  options.pem_private_key = tls->key_pem;
  options.pem_cert_chain = tls->cert_pem;
  return grpc::SslCredentials(options);
}

}  // namespace council::transport
