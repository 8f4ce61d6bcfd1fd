// Dates, periods and UTF-8 (node/core/text.h).
#include "node/core/text.h"

#include <string>

#include "gtest/gtest.h"

namespace council::core {
namespace {

TEST(ValidateDate, AcceptsOrdinaryDates) {
  for (const char* d : {"2023-08-25", "2024-01-04", "1900-01-01", "2999-12-31",
                        "2023-04-30", "2023-12-31"}) {
    EXPECT_TRUE(ValidateDate("meeting date", d).ok()) << d;
  }
}

TEST(ValidateDate, LeapYears) {
  EXPECT_TRUE(ValidateDate("d", "2024-02-29").ok());   // divisible by 4
  EXPECT_TRUE(ValidateDate("d", "2000-02-29").ok());   // divisible by 400
  EXPECT_FALSE(ValidateDate("d", "2023-02-29").ok());  // not a leap year
  EXPECT_FALSE(ValidateDate("d", "1900-02-29").ok());  // divisible by 100 only
  EXPECT_FALSE(ValidateDate("d", "2100-02-29").ok());
  EXPECT_FALSE(ValidateDate("d", "2024-02-30").ok());
}

TEST(ValidateDate, RejectsBadMonthsAndDays) {
  for (const char* d : {"2023-00-10", "2023-13-01", "2023-04-31", "2023-06-31",
                        "2023-01-00", "2023-01-32", "2023-09-31", "2023-11-31"}) {
    EXPECT_FALSE(ValidateDate("due date", d).ok()) << d;
  }
}

TEST(ValidateDate, RejectsBadShapes) {
  for (const char* d : {"", "2023-8-25", "25/08/2023", "2023/08/25", "2023-08-25 ",
                        " 2023-08-25", "2023-08-2a", "20230825", "1899-12-31",
                        "3000-01-01", "+023-08-25", "2023-0８-25"}) {
    EXPECT_FALSE(ValidateDate("due date", d).ok()) << d;
  }
}

TEST(ValidateDate, ErrorNamesFieldAndValue) {
  absl::Status s = ValidateDate("meeting date", "2023-02-30");
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("meeting date"), std::string::npos) << s;
  EXPECT_NE(s.message().find("2023-02-30"), std::string::npos) << s;
}

TEST(ValidatePeriod, AcceptsEveryForm) {
  for (const char* p : {"2023", "2023-H1", "2023-H2", "2023-Q1", "2023-Q3", "2023-Q4",
                        "2023-M01", "2023-M08", "2023-M12", "2023-YTD01", "2023-YTD08",
                        "2023-YTD12"}) {
    EXPECT_TRUE(ValidatePeriod(p).ok()) << p;
  }
}

TEST(ValidatePeriod, RejectsBadForms) {
  for (const char* p : {"", "23", "202", "20234", "2023-H3", "2023-H0", "2023-Q0",
                        "2023-Q5", "2023-M13", "2023-M00", "2023-M8", "2023-M008",
                        "2023-YTD13", "2023-YTD00", "2023-YTD8", "2023-h1", "2023H1",
                        "2023_H1", "2023-", "1899", "3000", "2023-W01", "2023-Q3 "}) {
    EXPECT_FALSE(ValidatePeriod(p).ok()) << "'" << p << "'";
  }
}

TEST(ValidatePeriod, ErrorNamesValueAndForms) {
  absl::Status s = ValidatePeriod("2023-H3");
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("2023-H3"), std::string::npos) << s;
  EXPECT_NE(s.message().find("YYYY-H1"), std::string::npos) << s;
}

TEST(IsValidUtf8, AcceptsVietnameseAndAscii) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii 123"));
  EXPECT_TRUE(IsValidUtf8("Thông báo kết luận Hội nghị trực báo giữa năm 2023"));
  EXPECT_TRUE(IsValidUtf8("TM. THƯỜNG TRỰC HĐND — Nơi nhận: Lưu VT."));
  EXPECT_TRUE(IsValidUtf8("Đường liên thôn Phổ Vinh ở thị xã Đức Phổ"));
  // Decomposed diacritics (combining marks) are valid too.
  EXPECT_TRUE(IsValidUtf8("Vie\xCC\xA3\xCC\x82t"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x93\x84"));  // U+1F4C4, 4 bytes
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the maximum
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBD"));      // U+FFFD
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));
}

TEST(IsValidUtf8, RejectsOverlongEncodings) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // '/' in 2 bytes
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // '/' in 3 bytes
  EXPECT_FALSE(IsValidUtf8("\xE0\x9F\xBF"));      // U+07FF in 3 bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // '/' in 4 bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in 4 bytes
}

TEST(IsValidUtf8, RejectsSurrogatesAndOutOfRange) {
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // U+D800
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));      // U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xF8\x88\x80\x80\x80"));  // 5-byte form
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xFE"));
}

TEST(IsValidUtf8, RejectsTruncatedAndStraySequences) {
  EXPECT_FALSE(IsValidUtf8("Th\xC3"));            // "Thô" cut after the lead byte
  EXPECT_FALSE(IsValidUtf8("\xE1\xBB"));          // 3-byte sequence missing one
  EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x93"));      // 4-byte sequence missing one
  EXPECT_FALSE(IsValidUtf8("\xE1\xBB" "a"));      // continuation replaced by ASCII
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(IsValidUtf8("abc\xBF"));
  // Latin-1 bytes of "Hội" are not UTF-8.
  EXPECT_FALSE(IsValidUtf8("H\xF4i"));
}

TEST(ValidateText, NamesFieldForBadUtf8AndLength) {
  absl::Status bad = ValidateText("text", "H\xC3", 100);
  ASSERT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("text"), std::string::npos);
  EXPECT_NE(bad.message().find("UTF-8"), std::string::npos);

  absl::Status longer = ValidateText("doc.title", std::string(11, 'a'), 10);
  ASSERT_EQ(longer.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(longer.message().find("doc.title"), std::string::npos);
  EXPECT_TRUE(ValidateText("doc.title", std::string(10, 'a'), 10).ok());
  // The limit is in bytes, not characters: "Đ" is two bytes.
  EXPECT_FALSE(ValidateText("doc.title", "ĐĐĐĐĐĐ", 10).ok());
}

}  // namespace
}  // namespace council::core
