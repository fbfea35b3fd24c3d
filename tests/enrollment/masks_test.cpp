// Format masks for documents, phones and birth dates (seed 003 §6.3.8): the
// seed's examples, and a valid, an invalid and a boundary case for each rule.
#include "enrollment/masks.hpp"

#include <gtest/gtest.h>

#include <string>

namespace downline {
namespace {

using internal::apply_mask;
using internal::format_date;
using internal::is_valid_date_mask;
using internal::is_valid_mask;
using internal::match_mask;
using internal::normalize_document;

constexpr std::string_view kCedula = "###.###.###-#";
constexpr std::string_view kPhone = "### ### ## ##";
constexpr std::string_view kPassport = "AA######";

// --- normalize_document ------------------------------------------------------

TEST(NormalizeDocument, KeepsLettersAndDigitsAndUpperCasesTheLetters) {
  EXPECT_EQ(normalize_document("1.234.567-k"), "1234567K");
  EXPECT_EQ(normalize_document("ab 123/cd"), "AB123CD");
}

TEST(NormalizeDocument, DropsEverythingElseIncludingNonAsciiLetters) {
  EXPECT_EQ(normalize_document("  #12,34;\t56 "), "123456");
  EXPECT_EQ(normalize_document("ÑU-12"), "U12");
}

TEST(NormalizeDocument, MakesTheEmptyStringFromNothingUsable) {
  EXPECT_EQ(normalize_document(""), "");
  EXPECT_EQ(normalize_document(" .-/ "), "");
}

// --- match_mask ----------------------------------------------------------------

TEST(MatchMask, AcceptsInputWrittenWithTheMasksOwnSeparators) {
  const auto m = match_mask("123.456.789-0", kCedula);
  EXPECT_TRUE(m.matches);
  EXPECT_EQ(m.normalized, "1234567890");
}

TEST(MatchMask, AcceptsInputWithNoSeparators) {
  const auto m = match_mask("1234567890", kCedula);
  EXPECT_TRUE(m.matches);
  EXPECT_EQ(m.normalized, "1234567890");
}

TEST(MatchMask, AcceptsInputWithOtherCommonSeparators) {
  EXPECT_TRUE(match_mask("123 456 789/0", kCedula).matches);
  EXPECT_TRUE(match_mask("123-456-789.0", kCedula).matches);
}

TEST(MatchMask, DoesNotCheckWhereTheSeparatorsStand) {
  EXPECT_TRUE(match_mask("12.34567.8-90", kCedula).matches);
  EXPECT_TRUE(match_mask(" 1234567890 ", kCedula).matches);
}

TEST(MatchMask, AcceptsSeparatorsTheMaskDefinesBeyondTheCommonOnes) {
  EXPECT_TRUE(match_mask("(304) 535_1581", "(###) ###_####").matches);
  EXPECT_FALSE(match_mask("(304) 535_1581", "### ### ####").matches);
}

TEST(MatchMask, AcceptsTheSeedsPhoneExamples) {
  EXPECT_TRUE(match_mask("304 535 15 81", kPhone).matches);
  const auto m = match_mask("304 - 535 - 15 - 81", kPhone);
  EXPECT_TRUE(m.matches);
  EXPECT_EQ(m.normalized, "3045351581");
}

TEST(MatchMask, AcceptsTheSeedsBirthDateExamplesAgainstADigitMask) {
  EXPECT_TRUE(match_mask("10/10/1986", "##/##/####").matches);
  EXPECT_TRUE(match_mask("10 - 10 - 1986", "##/##/####").matches);
  EXPECT_EQ(match_mask("10 - 10 - 1986", "##/##/####").normalized, "10101986");
}

TEST(MatchMask, RejectsTooFewCharacters) {
  const auto m = match_mask("123.456.789", kCedula);
  EXPECT_FALSE(m.matches);
  EXPECT_EQ(m.normalized, "123456789");
}

TEST(MatchMask, RejectsTooManyCharacters) {
  EXPECT_FALSE(match_mask("123.456.789-01", kCedula).matches);
}

TEST(MatchMask, RejectsALetterWhereADigitIsWanted) {
  EXPECT_FALSE(match_mask("123.456.789-K", kCedula).matches);
}

TEST(MatchMask, RejectsADigitWhereALetterIsWanted) {
  EXPECT_TRUE(match_mask("AB123456", kPassport).matches);
  EXPECT_FALSE(match_mask("A1123456", kPassport).matches);
}

TEST(MatchMask, AcceptsLowerCaseLettersAndUpperCasesThem) {
  const auto m = match_mask("ab123456", kPassport);
  EXPECT_TRUE(m.matches);
  EXPECT_EQ(m.normalized, "AB123456");
}

TEST(MatchMask, LetsAStarTakeALetterOrADigit) {
  const std::string_view rut = "##.###.###-*";
  EXPECT_TRUE(match_mask("12.345.678-5", rut).matches);
  const auto k = match_mask("12.345.678-k", rut);
  EXPECT_TRUE(k.matches);
  EXPECT_EQ(k.normalized, "12345678K");
}

TEST(MatchMask, RejectsCharactersThatAreNotSeparators) {
  EXPECT_FALSE(match_mask("123,456,789-0", kCedula).matches);
  EXPECT_FALSE(match_mask("123_456_789-0", kCedula).matches);
  EXPECT_FALSE(match_mask("#1234567890", kCedula).matches);
  EXPECT_FALSE(match_mask("123.456.789-0\xC3\xB1", kCedula).matches);
  // The characters that stand for placeholders are not separators either.
  EXPECT_FALSE(match_mask("1234567890*", kCedula).matches);
  EXPECT_EQ(match_mask("123,456,789-0", kCedula).normalized, "1234567890");
}

TEST(MatchMask, RejectsEmptyInput) {
  const auto m = match_mask("", kCedula);
  EXPECT_FALSE(m.matches);
  EXPECT_EQ(m.normalized, "");
  EXPECT_FALSE(match_mask(" - ", kCedula).matches);
}

TEST(MatchMask, RejectsEverythingAgainstAMalformedMask) {
  EXPECT_FALSE(match_mask("", "").matches);
  EXPECT_FALSE(match_mask("12", "--").matches);
  EXPECT_EQ(match_mask("12", "").normalized, "12");
}

TEST(MatchMask, AcceptsAOnePlaceholderMask) {
  EXPECT_TRUE(match_mask("7", "#").matches);
  EXPECT_FALSE(match_mask("77", "#").matches);
}

// --- apply_mask ----------------------------------------------------------------

TEST(ApplyMask, LaysTheValueOutByTheMask) {
  EXPECT_EQ(apply_mask("1234567890", kCedula), "123.456.789-0");
  EXPECT_EQ(apply_mask("3045351581", kPhone), "304 535 15 81");
  EXPECT_EQ(apply_mask("AB123456", kPassport), "AB123456");
}

TEST(ApplyMask, WritesLiteralsAtBothEndsOfTheMask) {
  EXPECT_EQ(apply_mask("3045351581", "(###) ###-####."), "(304) 535-1581.");
}

TEST(ApplyMask, InvertsMatchMask) {
  for (std::string_view input : {"123 456 789/0", "1234567890", "12.34567.8-90"})
    EXPECT_EQ(apply_mask(match_mask(input, kCedula).normalized, kCedula), "123.456.789-0");
}

TEST(ApplyMask, LeavesAValueThatIsTooShortOrTooLongUnchanged) {
  EXPECT_EQ(apply_mask("123456789", kCedula), "123456789");
  EXPECT_EQ(apply_mask("12345678901", kCedula), "12345678901");
  EXPECT_EQ(apply_mask("", kCedula), "");
}

TEST(ApplyMask, LeavesAValueOfTheWrongKindUnchanged) {
  EXPECT_EQ(apply_mask("123456789K", kCedula), "123456789K");
  EXPECT_EQ(apply_mask("A1234567", kPassport), "A1234567");
}

TEST(ApplyMask, LeavesAValueThatIsNotNormalizedUnchanged) {
  EXPECT_EQ(apply_mask("123.456.789-0", kCedula), "123.456.789-0");
  EXPECT_EQ(apply_mask("123 4567890", kCedula), "123 4567890");
}

TEST(ApplyMask, LeavesTheValueUnchangedForAMalformedMask) {
  EXPECT_EQ(apply_mask("1234", ""), "1234");
  EXPECT_EQ(apply_mask("", "--"), "");
}

// --- is_valid_mask ---------------------------------------------------------------

TEST(IsValidMask, AcceptsMasksWithPlaceholdersAndPrintableLiterals) {
  EXPECT_TRUE(is_valid_mask(kCedula));
  EXPECT_TRUE(is_valid_mask(kPassport));
  EXPECT_TRUE(is_valid_mask(kPhone));
  EXPECT_TRUE(is_valid_mask("*"));
  EXPECT_TRUE(is_valid_mask("(###) ###-#### ~!"));
}

TEST(IsValidMask, RejectsAMaskWithoutPlaceholders) {
  EXPECT_FALSE(is_valid_mask("---"));
  EXPECT_FALSE(is_valid_mask("DD/MM/YYYY"));
  EXPECT_FALSE(is_valid_mask("a"));  // only upper-case A is a placeholder
}

TEST(IsValidMask, RejectsTheEmptyMask) {
  EXPECT_FALSE(is_valid_mask(""));
}

TEST(IsValidMask, AcceptsSixtyFourBytesAndRejectsSixtyFive) {
  EXPECT_TRUE(is_valid_mask(std::string(64, '#')));
  EXPECT_FALSE(is_valid_mask(std::string(65, '#')));
}

TEST(IsValidMask, RejectsControlAndNonAsciiBytes) {
  EXPECT_FALSE(is_valid_mask("###\t###"));
  EXPECT_FALSE(is_valid_mask("###\x7F"));
  EXPECT_FALSE(is_valid_mask(std::string("##\0##", 5)));
  EXPECT_FALSE(is_valid_mask("###\xC2\xB7###"));  // U+00B7 middle dot
  EXPECT_TRUE(is_valid_mask(" # "));              // the space is printable
}

// --- is_valid_date_mask ------------------------------------------------------------

TEST(IsValidDateMask, AcceptsTheSeedsMasksAndOtherOrders) {
  EXPECT_TRUE(is_valid_date_mask("DD/MM/YYYY"));
  EXPECT_TRUE(is_valid_date_mask("DD - MM - YYYY"));
  EXPECT_TRUE(is_valid_date_mask("YYYY-MM-DD"));
  EXPECT_TRUE(is_valid_date_mask("MM.DD.YYYY"));
}

TEST(IsValidDateMask, AcceptsTheFieldsWithNoSeparators) {
  EXPECT_TRUE(is_valid_date_mask("DDMMYYYY"));
}

TEST(IsValidDateMask, RejectsAMissingOrRepeatedField) {
  EXPECT_FALSE(is_valid_date_mask("DD/MM"));
  EXPECT_FALSE(is_valid_date_mask("DD/DD/YYYY"));
  EXPECT_FALSE(is_valid_date_mask("DD/MM/YYYY/YYYY"));
  EXPECT_FALSE(is_valid_date_mask(""));
}

TEST(IsValidDateMask, RejectsShortOrLongFields) {
  EXPECT_FALSE(is_valid_date_mask("D/M/YYYY"));
  EXPECT_FALSE(is_valid_date_mask("DD/MM/YY"));
  EXPECT_FALSE(is_valid_date_mask("DDD/MM/YYYY"));
  EXPECT_FALSE(is_valid_date_mask("DD/MM/YYYYY"));
  EXPECT_FALSE(is_valid_date_mask("dd/mm/yyyy"));
}

TEST(IsValidDateMask, RejectsLettersDigitsAndControlsAsSeparators) {
  EXPECT_FALSE(is_valid_date_mask("DD de MM de YYYY"));
  EXPECT_FALSE(is_valid_date_mask("DD0MM0YYYY"));
  EXPECT_FALSE(is_valid_date_mask("DD\tMM\tYYYY"));
  EXPECT_FALSE(is_valid_date_mask("DD\xC2\xB7MM\xC2\xB7YYYY"));
}

TEST(IsValidDateMask, AcceptsSixtyFourBytesAndRejectsSixtyFive) {
  const std::string base = "DD/MM/YYYY";
  EXPECT_TRUE(is_valid_date_mask(base + std::string(64 - base.size(), ' ')));
  EXPECT_FALSE(is_valid_date_mask(base + std::string(65 - base.size(), ' ')));
}

// --- format_date ---------------------------------------------------------------------

TEST(FormatDate, WritesTheSeedsExamples) {
  EXPECT_EQ(format_date(1986, 10, 10, "DD/MM/YYYY"), "10/10/1986");
  EXPECT_EQ(format_date(1986, 10, 10, "DD - MM - YYYY"), "10 - 10 - 1986");
}

TEST(FormatDate, PadsDayMonthAndYearWithZeros) {
  EXPECT_EQ(format_date(1986, 3, 7, "YYYY-MM-DD"), "1986-03-07");
  EXPECT_EQ(format_date(987, 1, 2, "DD/MM/YYYY"), "02/01/0987");
  EXPECT_EQ(format_date(2024, 12, 31, "MMDDYYYY"), "12312024");
}

TEST(FormatDate, AcceptsTheEdgesOfTheYearRangeAndALeapDay) {
  EXPECT_EQ(format_date(0, 1, 1, "YYYY-MM-DD"), "0000-01-01");
  EXPECT_EQ(format_date(9999, 12, 31, "YYYY-MM-DD"), "9999-12-31");
  EXPECT_EQ(format_date(2000, 2, 29, "DD/MM/YYYY"), "29/02/2000");
}

TEST(FormatDate, WritesNothingForADateThatDoesNotExist) {
  EXPECT_EQ(format_date(1900, 2, 29, "DD/MM/YYYY"), "");
  EXPECT_EQ(format_date(1986, 4, 31, "DD/MM/YYYY"), "");
  EXPECT_EQ(format_date(1986, 0, 10, "DD/MM/YYYY"), "");
  EXPECT_EQ(format_date(1986, 13, 10, "DD/MM/YYYY"), "");
  EXPECT_EQ(format_date(1986, 10, 0, "DD/MM/YYYY"), "");
  // std::chrono keeps only the low byte of a month or a day: 257 is not 1.
  EXPECT_EQ(format_date(1986, 257, 10, "DD/MM/YYYY"), "");
  EXPECT_EQ(format_date(1986, 10, 257, "DD/MM/YYYY"), "");
}

TEST(FormatDate, WritesNothingForAYearOutsideFourDigits) {
  EXPECT_EQ(format_date(-1, 1, 1, "YYYY-MM-DD"), "");
  EXPECT_EQ(format_date(10000, 1, 1, "YYYY-MM-DD"), "");
}

TEST(FormatDate, WritesNothingForAMalformedMask) {
  EXPECT_EQ(format_date(1986, 10, 10, "DD/MM/YY"), "");
  EXPECT_EQ(format_date(1986, 10, 10, ""), "");
}

}  // namespace
}  // namespace downline
