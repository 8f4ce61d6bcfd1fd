// A fresh directory under testing::TempDir(), removed with its contents when
// the object goes out of scope. Shared by the unit and integration tests.
#ifndef COUNCIL_TESTS_COMMON_SCOPED_TEMP_DIR_H_
#define COUNCIL_TESTS_COMMON_SCOPED_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

#include "gtest/gtest.h"

namespace council::testing {

class ScopedTempDir {
 public:
  // Creates "<TempDir()>/<prefix>XXXXXX". Throws std::runtime_error if it
  // cannot (gtest reports the exception as a test failure).
  explicit ScopedTempDir(const std::string& prefix = "council_") {
    std::string base = ::testing::TempDir();
    if (!base.empty() && base.back() != '/') base += '/';
    std::string templ = base + prefix + "XXXXXX";
    if (mkdtemp(templ.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed for " + templ);
    }
    path_ = templ;
  }
  ~ScopedTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace council::testing

#endif  // COUNCIL_TESTS_COMMON_SCOPED_TEMP_DIR_H_
