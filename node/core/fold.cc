#include "node/core/fold.h"

#include <array>
#include <cstdint>
#include <utility>

namespace council::core {
namespace {

// The Vietnamese letters with diacritics, upper and lower case, and their base
// letters, sorted by code point (from Unicode NFD; đ/Đ -> d).
constexpr std::pair<uint32_t, char> kFold[] = {
    {0x00C0, 'a'}, {0x00C1, 'a'}, {0x00C2, 'a'}, {0x00C3, 'a'}, {0x00C8, 'e'}, {0x00C9, 'e'},
    {0x00CA, 'e'}, {0x00CC, 'i'}, {0x00CD, 'i'}, {0x00D2, 'o'}, {0x00D3, 'o'}, {0x00D4, 'o'},
    {0x00D5, 'o'}, {0x00D9, 'u'}, {0x00DA, 'u'}, {0x00DD, 'y'}, {0x00E0, 'a'}, {0x00E1, 'a'},
    {0x00E2, 'a'}, {0x00E3, 'a'}, {0x00E8, 'e'}, {0x00E9, 'e'}, {0x00EA, 'e'}, {0x00EC, 'i'},
    {0x00ED, 'i'}, {0x00F2, 'o'}, {0x00F3, 'o'}, {0x00F4, 'o'}, {0x00F5, 'o'}, {0x00F9, 'u'},
    {0x00FA, 'u'}, {0x00FD, 'y'}, {0x0102, 'a'}, {0x0103, 'a'}, {0x0110, 'd'}, {0x0111, 'd'},
    {0x0128, 'i'}, {0x0129, 'i'}, {0x0168, 'u'}, {0x0169, 'u'}, {0x01A0, 'o'}, {0x01A1, 'o'},
    {0x01AF, 'u'}, {0x01B0, 'u'}, {0x1EA0, 'a'}, {0x1EA1, 'a'}, {0x1EA2, 'a'}, {0x1EA3, 'a'},
    {0x1EA4, 'a'}, {0x1EA5, 'a'}, {0x1EA6, 'a'}, {0x1EA7, 'a'}, {0x1EA8, 'a'}, {0x1EA9, 'a'},
    {0x1EAA, 'a'}, {0x1EAB, 'a'}, {0x1EAC, 'a'}, {0x1EAD, 'a'}, {0x1EAE, 'a'}, {0x1EAF, 'a'},
    {0x1EB0, 'a'}, {0x1EB1, 'a'}, {0x1EB2, 'a'}, {0x1EB3, 'a'}, {0x1EB4, 'a'}, {0x1EB5, 'a'},
    {0x1EB6, 'a'}, {0x1EB7, 'a'}, {0x1EB8, 'e'}, {0x1EB9, 'e'}, {0x1EBA, 'e'}, {0x1EBB, 'e'},
    {0x1EBC, 'e'}, {0x1EBD, 'e'}, {0x1EBE, 'e'}, {0x1EBF, 'e'}, {0x1EC0, 'e'}, {0x1EC1, 'e'},
    {0x1EC2, 'e'}, {0x1EC3, 'e'}, {0x1EC4, 'e'}, {0x1EC5, 'e'}, {0x1EC6, 'e'}, {0x1EC7, 'e'},
    {0x1EC8, 'i'}, {0x1EC9, 'i'}, {0x1ECA, 'i'}, {0x1ECB, 'i'}, {0x1ECC, 'o'}, {0x1ECD, 'o'},
    {0x1ECE, 'o'}, {0x1ECF, 'o'}, {0x1ED0, 'o'}, {0x1ED1, 'o'}, {0x1ED2, 'o'}, {0x1ED3, 'o'},
    {0x1ED4, 'o'}, {0x1ED5, 'o'}, {0x1ED6, 'o'}, {0x1ED7, 'o'}, {0x1ED8, 'o'}, {0x1ED9, 'o'},
    {0x1EDA, 'o'}, {0x1EDB, 'o'}, {0x1EDC, 'o'}, {0x1EDD, 'o'}, {0x1EDE, 'o'}, {0x1EDF, 'o'},
    {0x1EE0, 'o'}, {0x1EE1, 'o'}, {0x1EE2, 'o'}, {0x1EE3, 'o'}, {0x1EE4, 'u'}, {0x1EE5, 'u'},
    {0x1EE6, 'u'}, {0x1EE7, 'u'}, {0x1EE8, 'u'}, {0x1EE9, 'u'}, {0x1EEA, 'u'}, {0x1EEB, 'u'},
    {0x1EEC, 'u'}, {0x1EED, 'u'}, {0x1EEE, 'u'}, {0x1EEF, 'u'}, {0x1EF0, 'u'}, {0x1EF1, 'u'},
    {0x1EF2, 'y'}, {0x1EF3, 'y'}, {0x1EF4, 'y'}, {0x1EF5, 'y'}, {0x1EF6, 'y'}, {0x1EF7, 'y'},
    {0x1EF8, 'y'}, {0x1EF9, 'y'},
};

// Decodes one code point at `i`; returns false (and skips a byte) if invalid.
bool Next(absl::string_view s, size_t* i, uint32_t* cp) {
  unsigned char c = static_cast<unsigned char>(s[*i]);
  int len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0 || *i + len > s.size()) {
    ++*i;
    return false;
  }
  *cp = len == 1 ? c : c & (0xFF >> (len + 1));
  for (int k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[*i + k]);
    if ((cc & 0xC0) != 0x80) {
      ++*i;
      return false;
    }
    *cp = (*cp << 6) | (cc & 0x3F);
  }
  *i += len;
  return true;
}

// Writes `cp` as UTF-8, one byte at a time, to `put`.
template <typename Put>
void EncodeUtf8(uint32_t cp, Put&& put) {
  if (cp < 0x80) {
    put(static_cast<char>(cp));
  } else if (cp < 0x800) {
    put(static_cast<char>(0xC0 | (cp >> 6)));
    put(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    put(static_cast<char>(0xE0 | (cp >> 12)));
    put(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    put(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    put(static_cast<char>(0xF0 | (cp >> 18)));
    put(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    put(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    put(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

constexpr uint32_t kTableBase = 0x00C0, kTableEnd = 0x1EFA;
constexpr uint32_t kDropped = 0xFFFFFFFF;

// kFold as a table indexed by code point: folding is one load per letter.
const std::array<char, kTableEnd - kTableBase>& FoldTable() {
  static const std::array<char, kTableEnd - kTableBase> table = [] {
    std::array<char, kTableEnd - kTableBase> t{};
    for (const auto& [cp, base] : kFold) t[cp - kTableBase] = base;
    return t;
  }();
  return table;
}

// The folded code point of `cp`, or kDropped for a combining mark.
uint32_t Fold(uint32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
  if (cp >= 0x0300 && cp <= 0x036F) return kDropped;
  if (cp >= kTableBase && cp < kTableEnd) {
    const char base = FoldTable()[cp - kTableBase];
    if (base != 0) return static_cast<unsigned char>(base);
  }
  return cp;
}

// Punctuation and symbols outside ASCII (“ ” – … « » ·, CJK and full-width
// punctuation) separate words like ASCII punctuation does.
bool IsSeparator(uint32_t cp) {
  if (cp < 0x80) {
    return !((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'));
  }
  return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) ||
         (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20);
}

}  // namespace

std::string FoldText(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  uint32_t cp = 0;
  while (i < text.size()) {
    if (!Next(text, &i, &cp)) continue;
    const uint32_t folded = Fold(cp);
    if (folded != kDropped) EncodeUtf8(folded, [&](char c) { out.push_back(c); });
  }
  return out;
}

void ForEachWord(absl::string_view text, absl::FunctionRef<void(absl::string_view)> fn) {
  // A word's first kMaxWord bytes, the rest of it dropped as it is folded
  // (the same bytes as cutting the whole word), in a buffer of its own.
  constexpr size_t kMaxWord = 40;
  char word[kMaxWord];
  size_t len = 0;
  auto flush = [&] {
    if (len > 0) fn(absl::string_view(word, len));
    len = 0;
  };
  auto put = [&](char c) {
    if (len < kMaxWord) word[len++] = c;
  };
  size_t i = 0;
  uint32_t cp = 0;
  while (i < text.size()) {
    if (!Next(text, &i, &cp)) continue;
    const uint32_t folded = Fold(cp);
    if (folded == kDropped) continue;
    if (IsSeparator(folded)) {
      flush();
      continue;
    }
    EncodeUtf8(folded, put);
  }
  flush();
}

std::vector<std::string> Tokenize(absl::string_view text) {
  std::vector<std::string> words;
  ForEachWord(text, [&](absl::string_view w) { words.emplace_back(w); });
  return words;
}

}  // namespace council::core
