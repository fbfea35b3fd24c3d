#include <downline/money.hpp>

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace downline {
namespace {

using Rep = Decimal::Rep;

constexpr const char* kMaxText = "340282366920938463463374607431768.211455";

Decimal dec(std::string_view text) {
  return Decimal::parse(text);
}
Decimal max_decimal() {
  return Decimal::from_micros(std::numeric_limits<Rep>::max());
}
Decimal min_decimal() {
  return Decimal::from_micros(std::numeric_limits<Rep>::min());
}

// --- parse and canonical text ---------------------------------------------

TEST(Decimal, ParsesAndFormatsCanonicalTextRoundTrip) {
  for (const char* text : {"12.5", "-0.000001", "7", "0", "-0.5", "123456.789012", "-42", kMaxText,
                           "-340282366920938463463374607431768.211455"}) {
    EXPECT_EQ(dec(text).to_string(), text) << text;
  }
}

TEST(Decimal, ParseKeepsExactMicros) {
  EXPECT_EQ(dec("1.5").micros(), Rep(1'500'000));
  EXPECT_EQ(dec("-0.000001").micros(), Rep(-1));
  EXPECT_EQ(dec("7").micros(), Rep(7'000'000));
}

TEST(Decimal, CanonicalTextTrimsTrailingAndLeadingZeros) {
  EXPECT_EQ(dec("12.500000").to_string(), "12.5");
  EXPECT_EQ(dec("007.10").to_string(), "7.1");
  EXPECT_EQ(dec("3.000").to_string(), "3");
  EXPECT_EQ(dec("0.0").to_string(), "0");
}

TEST(Decimal, NegativeZeroIsZero) {
  EXPECT_EQ(dec("-0"), Decimal());
  EXPECT_EQ(dec("-0.000000").to_string(), "0");
}

TEST(Decimal, AcceptsExactlySixDecimals) {
  EXPECT_EQ(dec("1.123456").micros(), Rep(1'123'456));
}

TEST(Decimal, RejectsSevenDecimals) {
  EXPECT_THROW(dec("1.1234567"), InvalidArgument);
  EXPECT_THROW(dec("1.0000000"), InvalidArgument);
  EXPECT_THROW(dec("-0.0000001"), InvalidArgument);
}

TEST(Decimal, RejectsBadSyntax) {
  for (const char* text : {"", "-", "+1", " 1", "1 ", "1e5", "1E5", ".5", "5.", "-.5", "1.2.3",
                           "--1", "1,5", "abc", "0x10", "1-", "nan", "inf", "1._5"}) {
    EXPECT_THROW(dec(text), InvalidArgument) << '"' << text << '"';
  }
}

TEST(Decimal, ParseErrorIsInvalidArgumentCode) {
  try {
    dec("1.5x");
    FAIL() << "expected InvalidArgument";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::invalid_argument);
  }
}

TEST(Decimal, ParsesLargestValueAndRejectsOneMicroMore) {
  EXPECT_EQ(dec(kMaxText), max_decimal());
  EXPECT_EQ(dec("-340282366920938463463374607431768.211455"), min_decimal());
  EXPECT_THROW(dec("340282366920938463463374607431768.211456"), OutOfRange);
  EXPECT_THROW(dec("-340282366920938463463374607431768.211456"), OutOfRange);
  EXPECT_THROW(dec("340282366920938463463374607431769"), OutOfRange);
}

TEST(Decimal, ParseOfHugeIntegerIsOutOfRange) {
  EXPECT_THROW(dec(std::string(60, '9')), OutOfRange);
  EXPECT_THROW(dec("-" + std::string(60, '9') + ".5"), OutOfRange);
}

TEST(Decimal, ParseAcceptsManyLeadingZeros) {
  EXPECT_EQ(dec(std::string(80, '0') + "1.5"), dec("1.5"));
}

TEST(Decimal, FromIntegerScalesBySixDecimals) {
  EXPECT_EQ(Decimal::from_integer(5).micros(), Rep(5'000'000));
  EXPECT_EQ(Decimal::from_integer(-3).to_string(), "-3");
  EXPECT_EQ(Decimal::from_integer(std::numeric_limits<std::int64_t>::max()).to_string(),
            "9223372036854775807");
  EXPECT_EQ(Decimal::from_integer(std::numeric_limits<std::int64_t>::min()).to_string(),
            "-9223372036854775808");
}

TEST(Decimal, FromMicrosKeepsValue) {
  EXPECT_EQ(Decimal::from_micros(1'500'000).to_string(), "1.5");
  EXPECT_EQ(Decimal::from_micros(-1).to_string(), "-0.000001");
}

TEST(Decimal, DefaultIsZero) {
  EXPECT_EQ(Decimal().micros(), Rep(0));
  EXPECT_EQ(Decimal().to_string(), "0");
}

TEST(Decimal, ComparesByValue) {
  EXPECT_EQ(dec("1.50"), dec("1.5"));
  EXPECT_LT(dec("-1"), dec("0.000001"));
  EXPECT_GT(dec("2"), dec("1.999999"));
  EXPECT_LT(min_decimal(), max_decimal());
}

// --- to_string(places) ----------------------------------------------------

TEST(Decimal, ToStringWithPlacesPadsZeros) {
  EXPECT_EQ(dec("12.5").to_string(2), "12.50");
  EXPECT_EQ(dec("7").to_string(6), "7.000000");
  EXPECT_EQ(dec("0").to_string(2), "0.00");
  EXPECT_EQ(dec("0.05").to_string(2), "0.05");
  EXPECT_EQ(dec("-0.5").to_string(1), "-0.5");
}

TEST(Decimal, ToStringWithPlacesRoundsHalfToEven) {
  EXPECT_EQ(dec("2.5").to_string(0), "2");
  EXPECT_EQ(dec("3.5").to_string(0), "4");
  EXPECT_EQ(dec("-2.5").to_string(0), "-2");
  EXPECT_EQ(dec("0.125").to_string(2), "0.12");
  EXPECT_EQ(dec("0.135").to_string(2), "0.14");
  EXPECT_EQ(dec("0.125001").to_string(2), "0.13");
  EXPECT_EQ(dec("9.995").to_string(2), "10.00");
}

TEST(Decimal, ToStringWithPlacesNeverShowsNegativeZero) {
  EXPECT_EQ(dec("-0.001").to_string(2), "0.00");
  EXPECT_EQ(dec("-0.005").to_string(2), "0.00");
  EXPECT_EQ(dec("-0.006").to_string(2), "-0.01");
}

TEST(Decimal, ToStringWithPlacesRejectsPlacesOutsideZeroToSix) {
  EXPECT_THROW(dec("1").to_string(-1), InvalidArgument);
  EXPECT_THROW(dec("1").to_string(7), InvalidArgument);
}

TEST(Decimal, ToStringWithPlacesAtTheLimitsDoesNotOverflow) {
  EXPECT_EQ(max_decimal().to_string(0), "340282366920938463463374607431768");
  EXPECT_EQ(max_decimal().to_string(5), "340282366920938463463374607431768.21146");
  EXPECT_EQ(min_decimal().to_string(2), "-340282366920938463463374607431768.21");
}

// --- round ----------------------------------------------------------------

struct RoundCase {
  const char* input;
  const char* half_even;
  const char* half_up;
  const char* down;
  const char* up;
};

TEST(Decimal, RoundsToWholeUnitsInEachMode) {
  const std::vector<RoundCase> cases = {
      {"2.5", "2", "3", "2", "3"},        {"3.5", "4", "4", "3", "4"},
      {"-2.5", "-2", "-3", "-2", "-3"},   {"-3.5", "-4", "-4", "-3", "-4"},
      {"2.4", "2", "2", "2", "3"},        {"2.6", "3", "3", "2", "3"},
      {"-2.6", "-3", "-3", "-2", "-3"},   {"-2.4", "-2", "-2", "-2", "-3"},
      {"7", "7", "7", "7", "7"},          {"0.000001", "0", "0", "0", "1"},
      {"-0.000001", "0", "0", "0", "-1"}, {"0.5", "0", "1", "0", "1"},
  };
  for (const auto& c : cases) {
    const Decimal d = dec(c.input);
    EXPECT_EQ(d.round(0, Rounding::half_even), dec(c.half_even)) << c.input;
    EXPECT_EQ(d.round(0, Rounding::half_up), dec(c.half_up)) << c.input;
    EXPECT_EQ(d.round(0, Rounding::down), dec(c.down)) << c.input;
    EXPECT_EQ(d.round(0, Rounding::up), dec(c.up)) << c.input;
  }
}

TEST(Decimal, RoundsHalfToEvenByDefault) {
  EXPECT_EQ(dec("2.5").round(0), dec("2"));
  EXPECT_EQ(dec("3.5").round(0), dec("4"));
  EXPECT_EQ(dec("-2.5").round(0), dec("-2"));
  EXPECT_EQ(dec("1.005").round(2), dec("1"));
  EXPECT_EQ(dec("1.015").round(2), dec("1.02"));
}

TEST(Decimal, RoundsToTheRequestedPlaces) {
  EXPECT_EQ(dec("1.234567").round(2, Rounding::half_up), dec("1.23"));
  EXPECT_EQ(dec("1.235").round(2, Rounding::half_up), dec("1.24"));
  EXPECT_EQ(dec("1.235").round(2, Rounding::half_even), dec("1.24"));
  EXPECT_EQ(dec("1.245").round(2, Rounding::half_even), dec("1.24"));
}

TEST(Decimal, RoundToSixPlacesIsIdentity) {
  for (const char* text : {"1.234567", "-0.000001", "0", kMaxText}) {
    for (auto mode : {Rounding::half_even, Rounding::half_up, Rounding::down, Rounding::up}) {
      EXPECT_EQ(dec(text).round(6, mode), dec(text)) << text;
    }
  }
}

TEST(Decimal, RoundRejectsPlacesOutsideZeroToSix) {
  EXPECT_THROW(dec("1.5").round(-1), InvalidArgument);
  EXPECT_THROW(dec("1.5").round(7), InvalidArgument);
}

TEST(Decimal, RoundingPastTheLimitIsOutOfRange) {
  EXPECT_THROW(max_decimal().round(0, Rounding::up), OutOfRange);
  EXPECT_THROW(min_decimal().round(0, Rounding::up), OutOfRange);
  EXPECT_EQ(max_decimal().round(0, Rounding::down).to_string(),
            "340282366920938463463374607431768");
}

// --- arithmetic -----------------------------------------------------------

TEST(Decimal, AddsAndSubtractsExactly) {
  EXPECT_EQ(dec("0.1") + dec("0.2"), dec("0.3"));
  EXPECT_EQ(dec("1") - dec("1.000001"), dec("-0.000001"));
  Decimal total;
  total += dec("2.5");
  total -= dec("0.5");
  EXPECT_EQ(total, dec("2"));
}

TEST(Decimal, NegatesIncludingTheLimits) {
  EXPECT_EQ(-dec("1.5"), dec("-1.5"));
  EXPECT_EQ(-Decimal(), Decimal());
  EXPECT_EQ(-max_decimal(), min_decimal());
  EXPECT_EQ(-min_decimal(), max_decimal());
}

TEST(Decimal, AddingToTheMaximumIsOutOfRange) {
  EXPECT_EQ(max_decimal() + Decimal(), max_decimal());
  EXPECT_THROW(max_decimal() + Decimal::from_micros(1), OutOfRange);
  EXPECT_THROW(min_decimal() - Decimal::from_micros(1), OutOfRange);
  EXPECT_THROW(max_decimal() - min_decimal(), OutOfRange);
  Decimal d = max_decimal();
  EXPECT_THROW(d += dec("0.000001"), OutOfRange);
}

TEST(Decimal, OverflowErrorCarriesOutOfRangeCode) {
  try {
    (void)(max_decimal() + max_decimal());
    FAIL() << "expected OutOfRange";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::out_of_range);
  }
}

TEST(Decimal, MultipliesExactly) {
  EXPECT_EQ(dec("1.5") * dec("2.5"), dec("3.75"));
  EXPECT_EQ(dec("-0.2") * dec("0.3"), dec("-0.06"));
  EXPECT_EQ(dec("1000000") * dec("0.000001"), dec("1"));
}

TEST(Decimal, MultiplicationRoundsHalfToEven) {
  EXPECT_EQ(dec("0.000001") * dec("0.5"), dec("0"));         // 0.0000005 -> 0
  EXPECT_EQ(dec("0.000003") * dec("0.5"), dec("0.000002"));  // 0.0000015 -> 0.000002
  EXPECT_EQ(dec("-0.000003") * dec("0.5"), dec("-0.000002"));
  EXPECT_EQ(dec("0.000001") * dec("0.000001"), dec("0"));
  EXPECT_EQ(dec("0.000001") * dec("0.6"), dec("0.000001"));
}

TEST(Decimal, MultiplicationAtTheLimitDoesNotOverflowWhileRounding) {
  // The raw product of micro-units exceeds 128 bits but the result fits.
  EXPECT_EQ(max_decimal() * dec("1"), max_decimal());
  EXPECT_EQ(min_decimal() * dec("-1"), max_decimal());
}

TEST(Decimal, MultiplyingTwoHugeValuesIsOutOfRange) {
  const Decimal huge = dec("100000000000000000000");
  EXPECT_THROW(huge * huge, OutOfRange);
  EXPECT_THROW(max_decimal() * max_decimal(), OutOfRange);
  EXPECT_THROW(max_decimal() * dec("1.000001"), OutOfRange);
}

TEST(Decimal, DividesRoundingHalfToEven) {
  EXPECT_EQ(dec("10") / dec("4"), dec("2.5"));
  EXPECT_EQ(dec("1") / dec("3"), dec("0.333333"));
  EXPECT_EQ(dec("2") / dec("3"), dec("0.666667"));
  EXPECT_EQ(dec("-2") / dec("3"), dec("-0.666667"));
  EXPECT_EQ(dec("2") / dec("-3"), dec("-0.666667"));
  EXPECT_EQ(dec("0.000001") / dec("2"), dec("0"));         // 0.0000005 -> 0
  EXPECT_EQ(dec("0.000003") / dec("2"), dec("0.000002"));  // 0.0000015 -> 0.000002
  EXPECT_EQ(dec("-0.000003") / dec("-2"), dec("0.000002"));
}

TEST(Decimal, DivisionByZeroIsInvalidArgument) {
  EXPECT_THROW(dec("1") / Decimal(), InvalidArgument);
  EXPECT_THROW(Decimal() / Decimal(), InvalidArgument);
  EXPECT_EQ(Decimal() / dec("0.000001"), Decimal());
}

TEST(Decimal, DivisionOverflowIsOutOfRange) {
  EXPECT_EQ(max_decimal() / dec("1"), max_decimal());
  EXPECT_THROW(max_decimal() / dec("0.5"), OutOfRange);
  EXPECT_THROW(dec("1000000000000000000000000000000000") / dec("0.000001"), OutOfRange);
}

// --- Money ----------------------------------------------------------------

TEST(Money, HoldsAmountAndCurrency) {
  const Money m(dec("12.5"), "USD");
  EXPECT_EQ(m.amount(), dec("12.5"));
  EXPECT_EQ(m.currency(), "USD");
}

TEST(Money, RejectsCurrencyThatIsNotThreeUpperCaseLetters) {
  for (const char* code : {"usd", "Usd", "US", "USDD", "", "U1D", "US ", "\xc3\x9cSD"}) {
    try {
      Money m(dec("1"), code);
      ADD_FAILURE() << "accepted \"" << code << '"';
    } catch (const InvalidArgument& e) {
      EXPECT_EQ(e.field(), "currency") << code;
    }
  }
}

TEST(Money, AcceptsTheAlphabetBoundaries) {
  EXPECT_EQ(Money(dec("1"), "AZZ").currency(), "AZZ");
  EXPECT_THROW(Money(dec("1"), "@AA"), InvalidArgument);  // '@' is just before 'A'
  EXPECT_THROW(Money(dec("1"), "AA["), InvalidArgument);  // '[' is just after 'Z'
}

TEST(Money, FormatsWithTwoDecimalsAndCode) {
  EXPECT_EQ(Money(dec("12.5"), "USD").to_string(), "12.50 USD");
  EXPECT_EQ(Money(dec("-3"), "EUR").to_string(), "-3.00 EUR");
  EXPECT_EQ(Money(dec("0.125"), "USD").to_string(), "0.12 USD");
  EXPECT_EQ(Money(dec("0.135"), "USD").to_string(), "0.14 USD");
}

TEST(Money, ParsesAmountText) {
  EXPECT_EQ(Money::parse("12.50", "BRL"), Money(dec("12.5"), "BRL"));
}

TEST(Money, ParseReportsTheFaultyField) {
  try {
    Money::parse("12,50", "USD");
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "amount");
  }
  try {
    Money::parse("12.50", "usd");
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "currency");
  }
  try {
    Money::parse(std::string(50, '9'), "USD");
    FAIL() << "expected OutOfRange";
  } catch (const OutOfRange& e) {
    EXPECT_EQ(e.field(), "amount");
  }
}

TEST(Money, AddsAndSubtractsInTheSameCurrency) {
  const Money a(dec("10.25"), "USD");
  const Money b(dec("0.75"), "USD");
  EXPECT_EQ(a + b, Money(dec("11"), "USD"));
  EXPECT_EQ(b - a, Money(dec("-9.5"), "USD"));
}

TEST(Money, RejectsArithmeticAcrossCurrencies) {
  const Money usd(dec("1"), "USD");
  const Money eur(dec("1"), "EUR");
  for (auto op : {+[](const Money&x, const Money&y) { return x + y; },
                  +[](const Money&x, const Money&y) { return x - y; }}) {
    try {
      op(usd, eur);
      ADD_FAILURE() << "expected InvalidArgument";
    } catch (const InvalidArgument& e) {
      EXPECT_EQ(e.field(), "currency");
    }
  }
  EXPECT_THROW(usd + Money(), InvalidArgument);
}

TEST(Money, AdditionOverflowIsOutOfRange) {
  const Money max(max_decimal(), "USD");
  EXPECT_EQ(max + Money(Decimal(), "USD"), max);
  EXPECT_THROW(max + Money(dec("0.000001"), "USD"), OutOfRange);
}

TEST(Money, EqualityConsidersCurrency) {
  EXPECT_EQ(Money(dec("1"), "USD"), Money(dec("1.00"), "USD"));
  EXPECT_NE(Money(dec("1"), "USD"), Money(dec("1"), "EUR"));
  EXPECT_NE(Money(dec("1"), "USD"), Money(dec("1.01"), "USD"));
}

TEST(Money, DefaultIsZeroWithoutCurrency) {
  const Money m;
  EXPECT_EQ(m.amount(), Decimal());
  EXPECT_EQ(m.to_string(), "0.00");
  EXPECT_EQ(m, Money());
}

}  // namespace
}  // namespace downline
