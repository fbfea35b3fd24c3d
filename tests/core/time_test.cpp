#include <downline/error.hpp>
#include <downline/time.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>

namespace downline {
namespace {

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kDay = 86'400 * kSecond;
// 2026-11-23T10:54:00Z, computed independently with Python's datetime.
constexpr std::int64_t k20261123T105400 = 1'795'431'240 * kSecond;

Instant at(std::string_view text) {
  return Instant::parse_rfc3339(text);
}

// --- Instant::to_rfc3339 --------------------------------------------------

TEST(Instant, FormatsTheEpoch) {
  EXPECT_EQ(Instant{}.to_rfc3339(), "1970-01-01T00:00:00.000000Z");
}

TEST(Instant, FormatsInUtcWithSixFractionDigits) {
  EXPECT_EQ(Instant{k20261123T105400}.to_rfc3339(), "2026-11-23T10:54:00.000000Z");
  EXPECT_EQ(Instant{k20261123T105400 + 1}.to_rfc3339(), "2026-11-23T10:54:00.000001Z");
  EXPECT_EQ(Instant{k20261123T105400 + 999'999}.to_rfc3339(), "2026-11-23T10:54:00.999999Z");
}

TEST(Instant, FormatsInstantsBefore1970) {
  EXPECT_EQ(Instant{-1}.to_rfc3339(), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(Instant{-kDay}.to_rfc3339(), "1969-12-31T00:00:00.000000Z");
  EXPECT_EQ(Instant{-kDay - 1}.to_rfc3339(), "1969-12-30T23:59:59.999999Z");
  // 1600-02-29T12:00:00Z, computed independently with Python's datetime.
  EXPECT_EQ(Instant{-11'670'955'200 * kSecond}.to_rfc3339(), "1600-02-29T12:00:00.000000Z");
}

TEST(Instant, FormatsTheExtremesOfTheRepresentation) {
  // Years beyond 9999 cannot be written in RFC 3339; ISO 8601's expanded
  // form is used. Values computed independently (Hinnant's civil_from_days).
  EXPECT_EQ(Instant{std::numeric_limits<std::int64_t>::max()}.to_rfc3339(),
            "+294247-01-10T04:00:54.775807Z");
  EXPECT_EQ(Instant{std::numeric_limits<std::int64_t>::min()}.to_rfc3339(),
            "-290308-12-21T19:59:05.224192Z");
}

// --- Instant::parse_rfc3339 -----------------------------------------------

TEST(Instant, ParsesUtcText) {
  EXPECT_EQ(at("2026-11-23T10:54:00Z").micros_since_epoch, k20261123T105400);
  EXPECT_EQ(at("1970-01-01T00:00:00Z").micros_since_epoch, 0);
}

TEST(Instant, RoundTripsThroughText) {
  for (std::int64_t micros :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, k20261123T105400 + 123'456,
        -11'670'955'200 * kSecond, -kDay - 1, std::int64_t{951'782'400} * kSecond}) {
    const Instant i{micros};
    EXPECT_EQ(at(i.to_rfc3339()), i) << i.to_rfc3339();
  }
}

TEST(Instant, ParsesTheFirstAndLastFourDigitYears) {
  EXPECT_EQ(at("0000-01-01T00:00:00Z").to_rfc3339(), "0000-01-01T00:00:00.000000Z");
  EXPECT_EQ(at("9999-12-31T23:59:59.999999Z").to_rfc3339(), "9999-12-31T23:59:59.999999Z");
}

TEST(Instant, AppliesNumericOffsets) {
  EXPECT_EQ(at("2026-11-23T05:00:00-05:00"), at("2026-11-23T10:00:00Z"));
  EXPECT_EQ(at("2026-11-23T15:30:00+05:30"), at("2026-11-23T10:00:00Z"));
  EXPECT_EQ(at("2026-11-23T10:00:00+00:00"), at("2026-11-23T10:00:00Z"));
  EXPECT_EQ(at("2026-11-23T10:00:00-00:00"), at("2026-11-23T10:00:00Z"));
}

TEST(Instant, OffsetsCrossDayAndYearBoundaries) {
  EXPECT_EQ(at("2026-01-01T00:30:00+01:00"), at("2025-12-31T23:30:00Z"));
  EXPECT_EQ(at("2025-12-31T23:30:00-23:59"), at("2026-01-01T23:29:00Z"));
  EXPECT_EQ(at("0000-01-01T00:00:00+01:00").to_rfc3339(), "-0001-12-31T23:00:00.000000Z");
}

TEST(Instant, AcceptsLowerCaseTAndZ) {
  EXPECT_EQ(at("2026-11-23t10:54:00z").micros_since_epoch, k20261123T105400);
  EXPECT_EQ(at("2026-11-23t10:54:00Z"), at("2026-11-23T10:54:00z"));
}

TEST(Instant, TruncatesFractionToMicroseconds) {
  EXPECT_EQ(at("2026-11-23T10:54:00.5Z").micros_since_epoch, k20261123T105400 + 500'000);
  EXPECT_EQ(at("2026-11-23T10:54:00.123456789Z").micros_since_epoch, k20261123T105400 + 123'456);
  EXPECT_EQ(at("2026-11-23T10:54:00.999999999Z").micros_since_epoch, k20261123T105400 + 999'999);
  EXPECT_EQ(at("1969-12-31T23:59:59.5Z").micros_since_epoch, -500'000);
}

TEST(Instant, ParsesLeapDays) {
  EXPECT_EQ(at("2024-02-29T12:00:00Z").to_rfc3339(), "2024-02-29T12:00:00.000000Z");
  EXPECT_EQ(at("2000-02-29T00:00:00Z").micros_since_epoch, 951'782'400 * kSecond);
  EXPECT_THROW(at("2026-02-29T12:00:00Z"), InvalidArgument);
  EXPECT_THROW(at("1900-02-29T12:00:00Z"), InvalidArgument);
}

TEST(Instant, RejectsBadSyntax) {
  for (const char* text : {
           "",
           "2026-11-23",
           "2026-11-23T10:54:00",              // no zone
           "2026-11-23 10:54:00Z",             // space separator
           "2026-11-23T10:54Z",                // no seconds
           "2026-11-23T10:54:00.Z",            // empty fraction
           "2026-11-23T10:54:00.1234567890Z",  // ten fraction digits
           "2026-11-23T10:54:00+0500",         // offset without colon
           "2026-11-23T10:54:00+05",           // offset without minutes
           "2026-11-23T10:54:00+24:00",        // offset hour out of range
           "2026-11-23T10:54:00+05:60",        // offset minute out of range
           "2026-11-23T24:00:00Z",             // hour out of range
           "2026-11-23T10:60:00Z",             // minute out of range
           "2026-11-23T10:54:60Z",             // leap seconds are not represented
           "2026-13-01T10:54:00Z",             // month out of range
           "2026-00-01T10:54:00Z",             // month zero
           "2026-04-31T10:54:00Z",             // day does not exist
           "26-11-23T10:54:00Z",               // two-digit year
           "+2026-11-23T10:54:00Z",            // signed year
           "2026-11-23T10:54:00Zjunk",         // trailing garbage
           "2026-11-23T10:54:00.000000Z ",     // trailing space
           " 2026-11-23T10:54:00Z",            // leading space
           "2026-11-23X10:54:00Z",             // wrong separator
           "2026/11/23T10:54:00Z",             // wrong date separator
           "2026-11-23T10-54-00Z",             // wrong time separator
           "2026-11-23T1a:54:00Z",             // non-digit
       }) {
    EXPECT_THROW(at(text), InvalidArgument) << '"' << text << '"';
  }
}

TEST(Instant, OrdersByTime) {
  EXPECT_LT(at("1969-12-31T23:59:59Z"), at("1970-01-01T00:00:00Z"));
  EXPECT_LT(at("2026-11-23T10:00:00+01:00"), at("2026-11-23T10:00:00Z"));
}

// --- LocalDate ------------------------------------------------------------

TEST(LocalDate, FormatsZeroPadded) {
  EXPECT_EQ((LocalDate{2026, 3, 7}.to_string()), "2026-03-07");
  EXPECT_EQ((LocalDate{5, 1, 1}.to_string()), "0005-01-01");
  EXPECT_EQ(LocalDate{}.to_string(), "1970-01-01");
}

TEST(LocalDate, ParsesAndRoundTrips) {
  for (const char* text : {"2026-11-23", "1970-01-01", "0000-01-01", "9999-12-31", "1899-12-31"}) {
    EXPECT_EQ(LocalDate::parse(text).to_string(), text);
  }
  EXPECT_EQ(LocalDate::parse("2026-11-23"), (LocalDate{2026, 11, 23}));
}

TEST(LocalDate, AcceptsLeapDays) {
  EXPECT_EQ(LocalDate::parse("2024-02-29"), (LocalDate{2024, 2, 29}));
  EXPECT_EQ(LocalDate::parse("2000-02-29"), (LocalDate{2000, 2, 29}));
}

TEST(LocalDate, RejectsDaysThatDoNotExist) {
  for (const char* text : {"2023-02-29", "1900-02-29", "2026-02-30", "2026-04-31", "2026-13-01",
                           "2026-00-10", "2026-01-00", "2026-01-32"}) {
    EXPECT_THROW(LocalDate::parse(text), InvalidArgument) << text;
  }
}

TEST(LocalDate, AcceptsTheLastDayOfEachMonth) {
  for (const char* text :
       {"2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30",
        "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31"}) {
    EXPECT_NO_THROW(LocalDate::parse(text)) << text;
  }
}

TEST(LocalDate, RejectsBadSyntax) {
  for (const char* text :
       {"", "2026-1-01", "2026-01-1", "2026/01/01", "2026-01-01T", " 2026-01-01", "2026-01-01 ",
        "20260101", "+2026-01-01", "-2026-01-01", "2026-01-0a", "26-01-01", "02026-01-01"}) {
    EXPECT_THROW(LocalDate::parse(text), InvalidArgument) << '"' << text << '"';
  }
}

TEST(LocalDate, OrdersChronologically) {
  EXPECT_LT(LocalDate::parse("2025-12-31"), LocalDate::parse("2026-01-01"));
  EXPECT_LT(LocalDate::parse("2026-01-31"), LocalDate::parse("2026-02-01"));
}

// --- clocks ---------------------------------------------------------------

TEST(SystemClock, ReadsTheCurrentTime) {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  using std::chrono::system_clock;
  const auto before =
      duration_cast<microseconds>(system_clock::now().time_since_epoch()).count() - 1;
  const Instant now = SystemClock().now();
  const auto after =
      duration_cast<microseconds>(system_clock::now().time_since_epoch()).count() + 1;
  EXPECT_GE(now.micros_since_epoch, before);
  EXPECT_LE(now.micros_since_epoch, after);
}

TEST(ManualClock, MovesOnlyWhenTold) {
  std::unique_ptr<Clock> owned = std::make_unique<ManualClock>(Instant{k20261123T105400});
  auto& clock = static_cast<ManualClock&>(*owned);
  EXPECT_EQ(owned->now(), Instant{k20261123T105400});
  clock.advance_micros(kSecond);
  EXPECT_EQ(owned->now().to_rfc3339(), "2026-11-23T10:54:01.000000Z");
  clock.set(Instant{-1});
  EXPECT_EQ(owned->now().to_rfc3339(), "1969-12-31T23:59:59.999999Z");
}

}  // namespace
}  // namespace downline
