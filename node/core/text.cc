#include "node/core/text.h"

#include <cstdint>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace council::core {

bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // Eight ASCII bytes at a time: most of any text, Vietnamese included.
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) { ++i; continue; }
    int len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

absl::Status ValidateText(absl::string_view field, absl::string_view value,
                          size_t max_bytes) {
  if (value.size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is longer than ", max_bytes, " bytes"));
  }
  if (!IsValidUtf8(value)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not valid UTF-8"));
  }
  return absl::OkStatus();
}

namespace {

bool ParseFixed(absl::string_view s, size_t pos, size_t len, int* out) {
  if (pos + len > s.size()) return false;
  for (size_t k = pos; k < pos + len; ++k) {
    if (s[k] < '0' || s[k] > '9') return false;
  }
  return absl::SimpleAtoi(s.substr(pos, len), out);
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

absl::Status ValidateDate(absl::string_view field, absl::string_view value) {
  int y, m, d;
  bool ok = value.size() == 10 && value[4] == '-' && value[7] == '-' &&
            ParseFixed(value, 0, 4, &y) && ParseFixed(value, 5, 2, &m) &&
            ParseFixed(value, 8, 2, &d) && y >= 1900 && y <= 2999 && m >= 1 &&
            m <= 12 && d >= 1;
  if (ok) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max = kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0);
    ok = d <= max;
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid ", field, " '", value, "': expected a date YYYY-MM-DD"));
  }
  return absl::OkStatus();
}

absl::Status ValidatePeriod(absl::string_view value) {
  int year, n;
  bool ok = value.size() >= 4 && ParseFixed(value, 0, 4, &year) &&
            year >= 1900 && year <= 2999;
  if (ok && value.size() > 4) {
    absl::string_view rest = value.substr(4);
    if (rest.size() == 3 && rest[1] == 'H') {
      ok = rest[0] == '-' && (rest[2] == '1' || rest[2] == '2');
    } else if (rest.size() == 3 && rest[1] == 'Q') {
      ok = rest[0] == '-' && rest[2] >= '1' && rest[2] <= '4';
    } else if (rest.size() == 4 && rest.substr(0, 2) == "-M") {
      ok = ParseFixed(rest, 2, 2, &n) && n >= 1 && n <= 12;
    } else if (rest.size() == 6 && rest.substr(0, 4) == "-YTD") {
      ok = ParseFixed(rest, 4, 2, &n) && n >= 1 && n <= 12;
    } else {
      ok = false;
    }
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid period '", value,
        "': expected YYYY, YYYY-H1, YYYY-Q3, YYYY-M08 or YYYY-YTD08"));
  }
  return absl::OkStatus();
}

}  // namespace council::core
