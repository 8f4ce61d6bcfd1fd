// A throwaway certificate authority for tests of key certificates: an
// Ed25519 CA key with a self-signed certificate, issuing certificates that
// bind a unit id (subject CN) to a raw Ed25519 public key.
//
//   TestCa ca("Council test CA");
//   WriteFile(dir + "/ca.pem", ca.CertPem());
//   unit.set_key_certificate(ca.Issue("21550", signer->public_key()));
#ifndef COUNCIL_TESTS_COMMON_TEST_CA_H_
#define COUNCIL_TESTS_COMMON_TEST_CA_H_

#include <memory>
#include <string>

struct evp_pkey_st;
struct x509_st;

namespace council::testing {

class TestCa {
 public:
  // Aborts the test binary if OpenSSL fails (it does not, short of memory).
  explicit TestCa(const std::string& name);
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  // The CA's certificate, PEM.
  std::string CertPem() const;
  // A DER certificate with subject CN=`unit` for the raw 32-byte Ed25519
  // `public_key`, signed by this CA, valid from `days_from` to `days_to`
  // days from now.
  std::string Issue(const std::string& unit, const std::string& public_key, long days_from = -1,
                    long days_to = 365) const;
  // The same, PEM.
  std::string IssuePem(const std::string& unit, const std::string& public_key) const;

 private:
  evp_pkey_st* key_;
  x509_st* cert_;
};

}  // namespace council::testing

#endif  // COUNCIL_TESTS_COMMON_TEST_CA_H_
