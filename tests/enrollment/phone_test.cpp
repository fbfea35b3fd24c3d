// Phone numbers through libphonenumber. Every expectation was checked against
// the installed library (Debian's libphonenumber 8.12.57); numbers other than
// the Colombian mobile come from PhoneNumberUtil::GetExampleNumber.
#include "enrollment/phone.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace downline {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;
using internal::check_phone;
using internal::PhoneCheck;

std::string problem(std::string_view raw, std::string_view country) {
  const PhoneCheck c = check_phone(raw, country);
  EXPECT_FALSE(c.valid) << raw;
  EXPECT_EQ(c.e164, "") << raw;
  EXPECT_EQ(c.national, "") << raw;
  return c.problem;
}

// --- valid numbers ---------------------------------------------------------

TEST(Phone, NormalisesAColombianMobileToE164) {
  const PhoneCheck c = check_phone("304 535 15 81", "CO");
  EXPECT_TRUE(c.valid);
  EXPECT_EQ(c.e164, "+573045351581");
  EXPECT_EQ(c.national, "3045351581");
  EXPECT_EQ(c.problem, "");
}

TEST(Phone, ReadsTheSameNumberGivenWithItsCountryCodeAndDashes) {
  const PhoneCheck c = check_phone("+57 304-535-1581", "CO");
  EXPECT_TRUE(c.valid);
  EXPECT_EQ(c.e164, "+573045351581");
  EXPECT_EQ(c.national, "3045351581");
}

TEST(Phone, ReadsTheSeparatorsPeopleType) {
  for (std::string_view raw :
       {"3045351581", "+573045351581", "304.535.15.81", "(304) 535-1581", "304/535/1581",
        "304 - 535 - 15 - 81", "  304 535 15 81 ", "+57 (304) 535 15 81"}) {
    const PhoneCheck c = check_phone(raw, "CO");
    EXPECT_TRUE(c.valid) << raw << ": " << c.problem;
    EXPECT_EQ(c.e164, "+573045351581") << raw;
  }
}

TEST(Phone, AcceptsAColombianLandlineInTheTenDigitPlan) {
  const PhoneCheck c = check_phone("601 2345678", "CO");
  EXPECT_TRUE(c.valid);
  EXPECT_EQ(c.e164, "+576012345678");
}

TEST(Phone, AcceptsAUnitedStatesNumberInItsNationalForm) {
  const PhoneCheck c = check_phone("(201) 555-0123", "US");
  EXPECT_TRUE(c.valid);
  EXPECT_EQ(c.e164, "+12015550123");
  EXPECT_EQ(c.national, "2015550123");
}

TEST(Phone, AcceptsEveryRegionsExampleNumberInNationalAndInternationalForm) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::set<std::string> regions;
  util.GetSupportedRegions(&regions);
  ASSERT_GT(regions.size(), 200u);
  int checked = 0;
  for (const auto& region : regions) {
    PhoneNumber example;
    if (!util.GetExampleNumber(region, &example)) continue;
    std::string e164, national, international;
    util.Format(example, PhoneNumberUtil::E164, &e164);
    util.Format(example, PhoneNumberUtil::NATIONAL, &national);
    util.Format(example, PhoneNumberUtil::INTERNATIONAL, &international);
    for (const auto& raw : {national, international}) {
      const PhoneCheck c = check_phone(raw, region);
      EXPECT_TRUE(c.valid) << region << " '" << raw << "': " << c.problem;
      EXPECT_EQ(c.e164, e164) << region << " '" << raw << "'";
    }
    ++checked;
  }
  EXPECT_GT(checked, 200);
}

// --- invalid numbers -------------------------------------------------------

TEST(Phone, RejectsThreeDigitsAsTooShort) {
  EXPECT_EQ(problem("123", "CO"), "too_short");
}

TEST(Phone, RejectsOneOrTwoDigitsAsTooShort) {
  EXPECT_EQ(problem("1", "CO"), "too_short");
  EXPECT_EQ(problem("1 2", "CO"), "too_short");
  EXPECT_EQ(problem("12", "CO"), "too_short");
  EXPECT_EQ(problem("+57", "CO"), "too_short");
  EXPECT_EQ(problem("+57 3", "CO"), "too_short");
}

TEST(Phone, RejectsOneDigitTooFewAsTooShort) {
  EXPECT_EQ(problem("304 535 158", "CO"), "too_short");
}

TEST(Phone, RejectsExtraDigitsAsTooLong) {
  EXPECT_EQ(problem("304 535 15 81 000", "CO"), "too_long");
  EXPECT_EQ(problem("+1 201 555 0123 4", "US"), "too_long");
}

TEST(Phone, RejectsMoreDigitsThanAnyNumberHasAsTooLong) {
  EXPECT_EQ(problem("12345678901234567", "CO"), "too_long");   // 17: parsed, then too long
  EXPECT_EQ(problem("123456789012345678", "CO"), "too_long");  // 18: refused by the parser
}

TEST(Phone, RejectsAUnitedStatesNumberGivenForColombia) {
  EXPECT_EQ(problem("(201) 555-0123", "CO"), "invalid_for_country");
  EXPECT_EQ(problem("+1 201 555 0123", "CO"), "invalid_for_country");
}

TEST(Phone, RejectsAColombianNumberGivenForTheUnitedStates) {
  EXPECT_EQ(problem("+57 304 535 15 81", "US"), "invalid_for_country");
}

TEST(Phone, RejectsANumberOfAnotherCountrySharingTheCallingCode) {
  // +1 is shared by the United States and Canada; 201 is a New Jersey area.
  EXPECT_EQ(problem("(201) 555-0123", "CA"), "invalid_for_country");
}

TEST(Phone, RejectsACallingCodeNoCountryHas) {
  EXPECT_EQ(problem("+999 304 535 1581", "CO"), "invalid_for_country");
}

TEST(Phone, RejectsANumberOfAPossibleLengthThatMatchesNoPattern) {
  // Colombia has eleven-digit numbers (01 8000 toll-free), none starting 304.
  EXPECT_EQ(problem("304 535 15 810", "CO"), "invalid_for_country");
}

TEST(Phone, ReadsALeadingZeroZeroFiveInColombiaAsACarrierPrefix) {
  // 005, 007 and 009 are Colombian international prefixes of carriers, so
  // "00 57 ..." is +7 (Russia) 304...; with 009 the +57 is read.
  EXPECT_EQ(problem("00 57 304 535 15 81", "CO"), "invalid_for_country");
  EXPECT_EQ(check_phone("009 57 304 535 15 81", "CO").e164, "+573045351581");
}

TEST(Phone, RejectsLettersAsUnparseable) {
  EXPECT_EQ(problem("abc", "CO"), "unparseable");
  EXPECT_EQ(problem("ABC", "US"), "unparseable");
}

TEST(Phone, RejectsLettersThatLibphonenumberWouldReadAsAVanityNumber) {
  EXPECT_EQ(problem("304 535 15 81 xyz", "CO"), "unparseable");
  EXPECT_EQ(problem("1-800-FLOWERS", "US"), "unparseable");
}

TEST(Phone, RejectsAnExtensionOrAPrefixWordAsUnparseable) {
  EXPECT_EQ(problem("304 535 15 81 ext 12", "CO"), "unparseable");
  EXPECT_EQ(problem("Tel: 304 535 15 81", "CO"), "unparseable");
  EXPECT_EQ(problem("tel:+57-304-535-1581", "CO"), "unparseable");
}

TEST(Phone, RejectsAPlusAnywhereButAtTheStart) {
  EXPECT_EQ(problem("57+304 535 15 81", "CO"), "unparseable");
  EXPECT_EQ(problem("++57 304 535 15 81", "CO"), "unparseable");
  EXPECT_TRUE(check_phone("  +57 304 535 15 81", "CO").valid);
}

TEST(Phone, RejectsATabAsUnparseable) {
  // libphonenumber does not take a tab for punctuation.
  EXPECT_EQ(problem("304\t535 15 81", "CO"), "unparseable");
}

TEST(Phone, RejectsNonAsciiDigitsAsUnparseable) {
  EXPECT_EQ(problem("304 \xEF\xBC\x95\xEF\xBC\x93\xEF\xBC\x95 15 81", "CO"), "unparseable");
}

TEST(Phone, RejectsInputWithoutDigitsAsUnparseable) {
  EXPECT_EQ(problem("", "CO"), "unparseable");
  EXPECT_EQ(problem("   ", "CO"), "unparseable");
  EXPECT_EQ(problem("+", "CO"), "unparseable");
  EXPECT_EQ(problem("(-)", "CO"), "unparseable");
}

// --- the country -------------------------------------------------------------

TEST(Phone, RejectsAnUnknownCountry) {
  EXPECT_EQ(problem("304 535 15 81", "ZZ"), "invalid_country");
  EXPECT_EQ(problem("+57 304 535 15 81", "ZZ"), "invalid_country");
}

TEST(Phone, RejectsACountryThatIsNotTwoUpperCaseLetters) {
  EXPECT_EQ(problem("304 535 15 81", "co"), "invalid_country");
  EXPECT_EQ(problem("304 535 15 81", "COL"), "invalid_country");
  EXPECT_EQ(problem("304 535 15 81", "C"), "invalid_country");
  EXPECT_EQ(problem("304 535 15 81", ""), "invalid_country");
  EXPECT_EQ(problem("+800 1234 5678", "001"), "invalid_country");  // non-geographic
}

TEST(Phone, ReportsTheCountryBeforeTheNumber) {
  EXPECT_EQ(problem("abc", "ZZ"), "invalid_country");
}

// --- threads -----------------------------------------------------------------

TEST(Phone, GivesTheSameAnswersFromSeveralThreadsAtOnce) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"304 535 15 81", "CO"},   {"+57 304-535-1581", "CO"},
      {"(201) 555-0123", "US"},  {"123", "CO"},
      {"(201) 555-0123", "CO"},  {"abc", "CO"},
      {"304 535 15 81", "ZZ"},   {"601 2345678", "CO"},
      {"+44 7400 123456", "GB"}, {"+52 200 123 4567", "MX"}};
  std::vector<PhoneCheck> expected;
  for (const auto& [raw, country] : cases) expected.push_back(check_phone(raw, country));

  constexpr int kThreads = 4, kRounds = 250;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r)
        for (std::size_t i = 0; i < cases.size(); ++i) {
          const std::size_t k = (i + static_cast<std::size_t>(t)) % cases.size();
          const PhoneCheck c = check_phone(cases[k].first, cases[k].second);
          if (c.valid != expected[k].valid || c.e164 != expected[k].e164 ||
              c.problem != expected[k].problem)
            ++mismatches[static_cast<std::size_t>(t)];
        }
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[static_cast<std::size_t>(t)], 0) << t;
}

}  // namespace
}  // namespace downline
