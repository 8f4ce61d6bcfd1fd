// node/crypto: Ed25519 keys and signatures, key files, and key certificates
// checked against a CA (made with the OpenSSL API, and with the openssl
// command line as an operator would).
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/scoped_temp_dir.h"
#include "common/test_ca.h"
#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "node/crypto/ed25519.h"
#include "node/crypto/key_verifier.h"

namespace council::crypto {
namespace {

using ::council::testing::ScopedTempDir;
using ::council::testing::TestCa;

std::unique_ptr<Ed25519Signer> NewKey() {
  absl::StatusOr<std::unique_ptr<Ed25519Signer>> key = Ed25519Signer::Generate();
  EXPECT_TRUE(key.ok()) << key.status();
  return key.ok() ? *std::move(key) : nullptr;
}

std::unique_ptr<Ed25519Verifier> Verifier(const std::string& ca_path = "") {
  absl::StatusOr<std::unique_ptr<Ed25519Verifier>> v = Ed25519Verifier::Create(ca_path);
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *std::move(v) : nullptr;
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

int ModeOf(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 0777) : -1;
}

const std::string kText = "Báo cáo kết quả hoạt động 8 tháng đầu năm 2023 của HĐND phường Phổ Vinh";

TEST(Ed25519, SignsAndVerifies) {
  auto key = NewKey();
  auto verifier = Verifier();
  ASSERT_TRUE(key && verifier);
  EXPECT_EQ(key->public_key().size(), 32u);
  std::string sig = key->Sign(kText);
  EXPECT_EQ(sig.size(), 64u);
  EXPECT_TRUE(verifier->Verify(key->public_key(), kText, sig));
  EXPECT_EQ(key->Sign(kText), sig) << "Ed25519 signatures are deterministic";
  EXPECT_TRUE(verifier->Verify(key->public_key(), "", key->Sign("")));
}

// RFC 8032, section 7.1, TEST 1 and TEST 3.
struct Rfc8032Case {
  const char* seed;
  const char* public_key;
  const char* message;
  const char* signature;
};
constexpr Rfc8032Case kRfc8032[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

// The OpenSSL key with raw private key `seed`, and its PEM.
std::string PemOfSeed(const std::string& seed) {
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), seed.size());
  BIO* bio = BIO_new(BIO_s_mem());
  std::string pem;
  if (key != nullptr && bio != nullptr &&
      PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    pem.assign(data, static_cast<size_t>(n));
  }
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

// OpenSSL's own Ed25519 signature of `message` under the key in `pem`.
std::string OpenSslSignature(const std::string& pem, const std::string& message) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string sig(64, '\0');
  size_t len = sig.size();
  if (key == nullptr || ctx == nullptr ||
      EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key) != 1 ||
      EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    sig.clear();
  }
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  BIO_free(bio);
  return sig;
}

// Signatures are RFC 8032's, byte for byte what OpenSSL makes: records
// signed before the signer moved to libsodium, or by any other Ed25519
// implementation, verify the same way.
TEST(Ed25519, SignaturesAreRfc8032sAndOpenSsls) {
  auto verifier = Verifier();
  ASSERT_TRUE(verifier);
  for (const Rfc8032Case& c : kRfc8032) {
    SCOPED_TRACE(c.public_key);
    const std::string pem = PemOfSeed(absl::HexStringToBytes(c.seed));
    ASSERT_FALSE(pem.empty());
    absl::StatusOr<std::unique_ptr<Ed25519Signer>> key = Ed25519Signer::FromPem(pem);
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(absl::BytesToHexString((*key)->public_key()), c.public_key);
    const std::string message = absl::HexStringToBytes(c.message);
    EXPECT_EQ(absl::BytesToHexString((*key)->Sign(message)), c.signature);
    EXPECT_TRUE(verifier->Verify(absl::HexStringToBytes(c.public_key), message,
                                 absl::HexStringToBytes(c.signature)));
    EXPECT_EQ((*key)->Sign(kText), OpenSslSignature(pem, kText));
    EXPECT_TRUE(verifier->Verify((*key)->public_key(), kText, OpenSslSignature(pem, kText)));
  }
}

TEST(Ed25519, DetectsTampering) {
  auto key = NewKey();
  auto other = NewKey();
  auto verifier = Verifier();
  ASSERT_TRUE(key && other && verifier);
  std::string sig = key->Sign(kText);
  std::string altered = kText;
  altered[5] ^= 0x01;
  EXPECT_FALSE(verifier->Verify(key->public_key(), altered, sig));
  EXPECT_FALSE(verifier->Verify(key->public_key(), kText + " ", sig));
  std::string bad_sig = sig;
  bad_sig[10] ^= 0x80;
  EXPECT_FALSE(verifier->Verify(key->public_key(), kText, bad_sig));
  EXPECT_FALSE(verifier->Verify(other->public_key(), kText, sig)) << "another key";
  // Malformed keys and signatures are refused, not crashes.
  EXPECT_FALSE(verifier->Verify("", kText, sig));
  EXPECT_FALSE(verifier->Verify(key->public_key().substr(0, 31), kText, sig));
  EXPECT_FALSE(verifier->Verify(key->public_key(), kText, sig.substr(0, 63)));
  EXPECT_FALSE(verifier->Verify(key->public_key(), kText, ""));
  EXPECT_FALSE(verifier->Verify(std::string(32, '\0'), kText, sig));
  // One verifier serves any number of keys, in any order.
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(verifier->Verify(key->public_key(), kText, sig));
    EXPECT_TRUE(verifier->Verify(other->public_key(), kText, other->Sign(kText)));
  }
}

TEST(Ed25519, KeyFileIsCreatedPrivateAndReloadsTheSameKey) {
  ScopedTempDir dir("council_crypto_");
  const std::string path = dir.Sub("signing.key");
  absl::StatusOr<std::unique_ptr<Ed25519Signer>> created = Ed25519Signer::LoadOrCreate(path);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(ModeOf(path), 0600);
  std::ifstream in(path);
  std::string first_line;
  std::getline(in, first_line);
  EXPECT_EQ(first_line, "-----BEGIN PRIVATE KEY-----") << "PEM PKCS#8";
  std::vector<std::string> leftovers;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    leftovers.push_back(e.path().filename().string());
  }
  EXPECT_EQ(leftovers, std::vector<std::string>{"signing.key"}) << "no temporary files left";

  absl::StatusOr<std::unique_ptr<Ed25519Signer>> again = Ed25519Signer::LoadOrCreate(path);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->public_key(), (*created)->public_key());
  absl::StatusOr<std::unique_ptr<Ed25519Signer>> loaded = Ed25519Signer::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->public_key(), (*created)->public_key());
  auto verifier = Verifier();
  EXPECT_TRUE(verifier->Verify((*created)->public_key(), kText, (*loaded)->Sign(kText)));
}

TEST(Ed25519, ConcurrentCreatorsAgreeOnOneKey) {
  ScopedTempDir dir("council_crypto_");
  const std::string path = dir.Sub("signing.key");
  std::vector<std::string> keys(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < keys.size(); ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<std::unique_ptr<Ed25519Signer>> k = Ed25519Signer::LoadOrCreate(path);
      if (k.ok()) keys[i] = (*k)->public_key();
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), 1u);
  EXPECT_FALSE(keys[0].empty());
}

TEST(Ed25519, BadKeyFilesAreRefusedWithTheirName) {
  ScopedTempDir dir("council_crypto_");
  absl::StatusOr<std::unique_ptr<Ed25519Signer>> missing = Ed25519Signer::Load(dir.Sub("none.key"));
  EXPECT_TRUE(absl::IsNotFound(missing.status())) << missing.status();

  const std::string garbage = dir.Sub("garbage.key");
  WriteFile(garbage, "not a key\n");
  ::chmod(garbage.c_str(), 0600);
  absl::StatusOr<std::unique_ptr<Ed25519Signer>> bad = Ed25519Signer::Load(garbage);
  EXPECT_TRUE(absl::IsInvalidArgument(bad.status())) << bad.status();
  EXPECT_NE(bad.status().message().find(garbage), std::string::npos) << bad.status();
  // LoadOrCreate does not replace a file it cannot read as a key.
  EXPECT_FALSE(Ed25519Signer::LoadOrCreate(garbage).ok());

  auto key = NewKey();
  const std::string open = dir.Sub("open.key");
  WriteFile(open, key->PrivateKeyPem());
  ::chmod(open.c_str(), 0644);
  absl::StatusOr<std::unique_ptr<Ed25519Signer>> readable = Ed25519Signer::Load(open);
  EXPECT_TRUE(absl::IsFailedPrecondition(readable.status())) << readable.status();
  EXPECT_NE(readable.status().message().find("chmod 600"), std::string::npos);
  ::chmod(open.c_str(), 0600);
  absl::StatusOr<std::unique_ptr<Ed25519Signer>> ok = Ed25519Signer::Load(open);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ((*ok)->public_key(), key->public_key());
}

v1::Unit UnitWith(const std::string& id, const std::string& key, const std::string& cert) {
  v1::Unit u;
  u.set_id(id);
  u.set_public_key(key);
  u.set_key_certificate(cert);
  return u;
}

TEST(KeyBinding, WithoutCaEveryBindingIsTakenOnFirstUse) {
  auto verifier = Verifier();
  auto key = NewKey();
  EXPECT_FALSE(verifier->VerifiesBindings());
  EXPECT_TRUE(verifier->CheckBinding(UnitWith("21550", key->public_key(), "")).ok());
  EXPECT_TRUE(verifier->CheckBinding(UnitWith("21550", key->public_key(), "junk")).ok());
}

class KeyBindingWithCa : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.Sub("ca.pem"), ca_.CertPem());
    verifier_ = Verifier(dir_.Sub("ca.pem"));
    key_ = NewKey();
    ASSERT_TRUE(verifier_ && key_);
  }
  ScopedTempDir dir_{"council_crypto_"};
  TestCa ca_{"Council test province CA"};
  std::unique_ptr<Ed25519Verifier> verifier_;
  std::unique_ptr<Ed25519Signer> key_;
};

TEST_F(KeyBindingWithCa, GoodCertificateBinds) {
  EXPECT_TRUE(verifier_->VerifiesBindings());
  const std::string cert = ca_.Issue("21550", key_->public_key());
  absl::Status s = verifier_->CheckBinding(UnitWith("21550", key_->public_key(), cert));
  EXPECT_TRUE(s.ok()) << s;
  s = verifier_->CheckBinding(
      UnitWith("21550", key_->public_key(), ca_.IssuePem("21550", key_->public_key())));
  EXPECT_TRUE(s.ok()) << "PEM is accepted too: " << s;
  EXPECT_TRUE(CheckCertificateNames(cert, "21550", key_->public_key()).ok());
}

TEST_F(KeyBindingWithCa, CertificateForAnotherUnitIsRefused) {
  const std::string cert = ca_.Issue("21553", key_->public_key());
  absl::Status s = verifier_->CheckBinding(UnitWith("21550", key_->public_key(), cert));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("21553"), std::string::npos) << s;
}

TEST_F(KeyBindingWithCa, CertificateForAnotherKeyIsRefused) {
  auto other = NewKey();
  const std::string cert = ca_.Issue("21550", other->public_key());
  absl::Status s = verifier_->CheckBinding(UnitWith("21550", key_->public_key(), cert));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("key"), std::string::npos) << s;
}

TEST_F(KeyBindingWithCa, CertificateFromAnotherCaIsRefused) {
  TestCa rogue("Council test province CA");  // same name, other key
  const std::string cert = rogue.Issue("21550", key_->public_key());
  absl::Status s = verifier_->CheckBinding(UnitWith("21550", key_->public_key(), cert));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not from the configured CA"), std::string::npos) << s;
}

TEST_F(KeyBindingWithCa, MissingOrMalformedCertificateIsRefused) {
  EXPECT_FALSE(verifier_->CheckBinding(UnitWith("21550", key_->public_key(), "")).ok());
  EXPECT_FALSE(verifier_->CheckBinding(UnitWith("21550", key_->public_key(), "junk")).ok());
  std::string cert = ca_.Issue("21550", key_->public_key());
  cert[cert.size() / 2] ^= 0x01;  // breaks the CA's signature or the encoding
  EXPECT_FALSE(verifier_->CheckBinding(UnitWith("21550", key_->public_key(), cert)).ok());
}

// Validity dates are not enforced: a record must verify the same way
// whenever it arrives (key_verifier.h).
TEST_F(KeyBindingWithCa, ExpiredCertificateStillBinds) {
  const std::string cert = ca_.Issue("21550", key_->public_key(), -30, -1);
  EXPECT_TRUE(verifier_->CheckBinding(UnitWith("21550", key_->public_key(), cert)).ok());
}

TEST(KeyBinding, CaAndCertificateFilesAreCheckedOnLoad) {
  ScopedTempDir dir("council_crypto_");
  EXPECT_TRUE(absl::IsNotFound(Ed25519Verifier::Create(dir.Sub("none.pem")).status()));
  WriteFile(dir.Sub("junk.pem"), "junk\n");
  absl::Status junk = Ed25519Verifier::Create(dir.Sub("junk.pem")).status();
  EXPECT_TRUE(absl::IsInvalidArgument(junk)) << junk;
  EXPECT_NE(junk.message().find("junk.pem"), std::string::npos);

  TestCa ca("CA");
  auto key = NewKey();
  const std::string der = ca.Issue("522", key->public_key());
  WriteFile(dir.Sub("node.pem"), ca.IssuePem("522", key->public_key()));
  absl::StatusOr<std::string> read = ReadCertificateDer(dir.Sub("node.pem"));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(CheckCertificateNames(*read, "522", key->public_key()).ok());
  WriteFile(dir.Sub("node.der"), der);
  EXPECT_EQ(ReadCertificateDer(dir.Sub("node.der")).value_or(""), der);
  EXPECT_FALSE(ReadCertificateDer(dir.Sub("junk.pem")).ok());
}

// The operator's way: the province CA (EC P-256, as deploy/pki.sh makes it)
// certifies a node's Ed25519 signing key with the openssl command line.
TEST(KeyBinding, CertificateMadeWithTheOpensslCommandLine) {
  if (std::system("openssl version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl command";
  ScopedTempDir dir("council_crypto_");
  auto key = NewKey();
  const std::string key_path = dir.Sub("signing.key");
  WriteFile(key_path, key->PrivateKeyPem());
  const std::string d = dir.path();
  const std::string script =
      "set -e; cd '" + d +
      "';"
      "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key 2>/dev/null;"
      "openssl req -new -x509 -key ca.key -out ca.crt -days 30 -subj '/CN=Council province CA' "
      "  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign "
      "2>/dev/null;"
      "openssl req -new -key signing.key -subj '/O=Council sync/CN=21550' -out s.csr 2>/dev/null;"
      "openssl x509 -req -in s.csr -CA ca.crt -CAkey ca.key -set_serial 7 -days 30 -out s.crt "
      "2>/dev/null;"
      "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out rogue.key 2>/dev/null;"
      "openssl req -new -x509 -key rogue.key -out rogue.crt -days 30 -subj '/CN=Council province "
      "CA' "
      "  2>/dev/null;"
      "openssl x509 -req -in s.csr -CA rogue.crt -CAkey rogue.key -set_serial 8 -days 30 "
      "  -out rogue-s.crt 2>/dev/null";
  WriteFile(dir.Sub("make-certs.sh"), script);
  ASSERT_EQ(std::system(("bash '" + dir.Sub("make-certs.sh") + "'").c_str()), 0);
  auto verifier = Verifier(dir.Sub("ca.crt"));
  ASSERT_TRUE(verifier);
  absl::StatusOr<std::string> cert = ReadCertificateDer(dir.Sub("s.crt"));
  ASSERT_TRUE(cert.ok()) << cert.status();
  absl::Status s = verifier->CheckBinding(UnitWith("21550", key->public_key(), *cert));
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_FALSE(verifier->CheckBinding(UnitWith("21553", key->public_key(), *cert)).ok());
  absl::StatusOr<std::string> rogue = ReadCertificateDer(dir.Sub("rogue-s.crt"));
  ASSERT_TRUE(rogue.ok()) << rogue.status();
  EXPECT_FALSE(verifier->CheckBinding(UnitWith("21550", key->public_key(), *rogue)).ok());
}

}  // namespace
}  // namespace council::crypto
