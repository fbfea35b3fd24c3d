// downline — exact decimals for money and volume.
//
// Amounts are integers of micro-units (scale 6) held in a 128-bit checked
// integer: no binary floating point anywhere money or volume is stored,
// summed or compared. Overflow throws downline::OutOfRange.
#pragma once

#include <downline/error.hpp>
#include <downline/export.hpp>

#include <boost/multiprecision/cpp_int.hpp>

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

DOWNLINE_BEGIN_NAMESPACE

/// How a value is brought to fewer decimal places.
enum class Rounding {
  half_even,  ///< to the nearest, ties to the even digit (banker's rounding)
  half_up,    ///< to the nearest, ties away from zero
  down,       ///< towards zero (truncate)
  up,         ///< away from zero
};

/// An exact decimal number with 6 decimal places. Value type; thread-safe.
class DOWNLINE_API Decimal {
 public:
  using Rep = boost::multiprecision::checked_int128_t;
  /// Number of decimal places kept.
  static constexpr int kScale = 6;
  /// 10^kScale.
  static constexpr std::int64_t kOne = 1'000'000;

  /// Zero.
  Decimal() = default;
  /// An integer value (`Decimal(5)` is 5.000000).
  static Decimal from_integer(std::int64_t units);
  /// A value given in micro-units (`from_micros(1'500'000)` is 1.5).
  static Decimal from_micros(Rep micros) noexcept;
  /// Parses "-12.345", "0.5", "7" (at most 6 decimals, no exponent, no
  /// spaces); throws InvalidArgument on bad syntax or more than 6 decimals,
  /// OutOfRange when the value does not fit.
  static Decimal parse(std::string_view text);

  /// The value in micro-units.
  Rep micros() const noexcept { return micros_; }
  /// Canonical text: no trailing zeros after the point, "0" for zero
  /// ("12.5", "-0.000001", "7").
  std::string to_string() const;
  /// Text with exactly `places` decimals (0–6), rounded half-even
  /// ("12.50" for places = 2).
  std::string to_string(int places) const;
  /// This value rounded to `places` decimals (0–6); throws InvalidArgument
  /// for places outside 0–6.
  Decimal round(int places, Rounding mode = Rounding::half_even) const;

  /// Sum; throws OutOfRange on overflow.
  friend DOWNLINE_API Decimal operator+(const Decimal& a, const Decimal& b);
  /// Difference; throws OutOfRange on overflow.
  friend DOWNLINE_API Decimal operator-(const Decimal& a, const Decimal& b);
  /// Negation; throws OutOfRange on overflow.
  friend DOWNLINE_API Decimal operator-(const Decimal& a);
  /// Product rounded half-even to 6 decimals; throws OutOfRange on overflow.
  friend DOWNLINE_API Decimal operator*(const Decimal& a, const Decimal& b);
  /// Quotient rounded half-even to 6 decimals; throws InvalidArgument on
  /// division by zero, OutOfRange on overflow.
  friend DOWNLINE_API Decimal operator/(const Decimal& a, const Decimal& b);
  Decimal& operator+=(const Decimal& o) { return *this = *this + o; }
  Decimal& operator-=(const Decimal& o) { return *this = *this - o; }

  friend bool operator==(const Decimal& a, const Decimal& b) noexcept {
    return a.micros_ == b.micros_;
  }
  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) noexcept {
    return a.micros_ < b.micros_   ? std::strong_ordering::less
           : a.micros_ > b.micros_ ? std::strong_ordering::greater
                                   : std::strong_ordering::equal;
  }

 private:
  Rep micros_ = 0;
};

/// An amount in a currency (ISO 4217 code, three upper-case letters).
/// Arithmetic between different currencies throws InvalidArgument.
class DOWNLINE_API Money {
 public:
  /// Zero in no currency.
  Money() = default;
  /// `amount` in `currency`; throws InvalidArgument if the code is not three
  /// upper-case ASCII letters.
  Money(Decimal amount, std::string_view currency);
  /// Parses an amount text ("12.50") in `currency`; throws like
  /// Decimal::parse and the constructor.
  static Money parse(std::string_view amount, std::string_view currency);

  /// The amount.
  const Decimal& amount() const noexcept { return amount_; }
  /// The ISO 4217 code ("" for a default-constructed zero).
  std::string_view currency() const noexcept {
    return currency_[0] ? std::string_view{currency_, 3} : std::string_view{};
  }
  /// The amount with the currency's usual 2 decimals and the code:
  /// "12.50 USD".
  std::string to_string() const;

  /// Sum; throws InvalidArgument on different currencies, OutOfRange on
  /// overflow.
  friend DOWNLINE_API Money operator+(const Money& a, const Money& b);
  /// Difference; same failures as +.
  friend DOWNLINE_API Money operator-(const Money& a, const Money& b);
  friend bool operator==(const Money& a, const Money& b) noexcept {
    return a.amount_ == b.amount_ && a.currency() == b.currency();
  }

 private:
  Decimal amount_;
  char currency_[3] = {'\0', '\0', '\0'};
};

DOWNLINE_END_NAMESPACE
