#include "common/test_ca.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>

namespace council::testing {
namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "TestCa: %s failed\n", what);
    std::abort();
  }
}

X509* NewCert(const std::string& cn, X509_NAME* issuer, EVP_PKEY* subject_key, long days_from,
              long days_to) {
  static long serial = 1;
  X509* cert = X509_new();
  Check(cert != nullptr, "X509_new");
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert), days_from * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert), days_to * 86400);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("Council test"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, issuer != nullptr ? issuer : name);
  X509_set_pubkey(cert, subject_key);
  return cert;
}

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  Check(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

}  // namespace

TestCa::TestCa(const std::string& name) {
  key_ = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  Check(key_ != nullptr, "CA keygen");
  cert_ = NewCert(name, nullptr, key_, -1, 3650);
  AddExtension(cert_, cert_, NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert_, cert_, NID_key_usage, "critical,keyCertSign,cRLSign");
  Check(X509_sign(cert_, key_, nullptr) > 0, "CA self-signature");
}

TestCa::~TestCa() {
  X509_free(cert_);
  EVP_PKEY_free(key_);
}

std::string TestCa::CertPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert_);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  return pem;
}

std::string TestCa::Issue(const std::string& unit, const std::string& public_key, long days_from,
                          long days_to) const {
  EVP_PKEY* subject = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(public_key.data()),
      public_key.size());
  Check(subject != nullptr, "raw public key");
  X509* cert = NewCert(unit, X509_get_subject_name(cert_), subject, days_from, days_to);
  AddExtension(cert, cert_, NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert, cert_, NID_key_usage, "critical,digitalSignature");
  Check(X509_sign(cert, key_, nullptr) > 0, "certificate signature");
  unsigned char* der = nullptr;
  int n = i2d_X509(cert, &der);
  Check(n > 0, "i2d_X509");
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  X509_free(cert);
  EVP_PKEY_free(subject);
  return out;
}

std::string TestCa::IssuePem(const std::string& unit, const std::string& public_key) const {
  std::string der = Issue(unit, public_key);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  X509_free(cert);
  return pem;
}

}  // namespace council::testing
