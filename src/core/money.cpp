#include <downline/money.hpp>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

DOWNLINE_BEGIN_NAMESPACE

namespace {

using Rep = Decimal::Rep;
// Wide enough for a product of two Reps, so that * and / round before they
// are checked against the 128-bit range rather than overflowing mid-way.
using Wide = boost::multiprecision::checked_int256_t;

[[noreturn]] void throw_overflow(std::string_view op) {
  throw OutOfRange("decimal overflow in " + std::string(op));
}

// Runs `f`, turning Boost's checked-integer exceptions into OutOfRange.
template <class F>
auto checked(std::string_view op, F&& f) -> decltype(f()) {
  try {
    return std::forward<F>(f)();
  } catch (const std::overflow_error&) {
    throw_overflow(op);
  } catch (const std::range_error&) {
    throw_overflow(op);
  }
}

Rep to_rep(const Wide& w, std::string_view op) {
  if (w > Wide(std::numeric_limits<Rep>::max()) || w < Wide(std::numeric_limits<Rep>::min())) {
    throw_overflow(op);
  }
  return static_cast<Rep>(w);
}

Wide pow10(int exponent) {
  Wide result = 1;
  for (int i = 0; i < exponent; ++i) result *= 10;
  return result;
}

void check_places(int places) {
  if (places < 0 || places > Decimal::kScale) {
    throw InvalidArgument("decimal places must be 0 to 6, got " + std::to_string(places), "places");
  }
}

// n / d rounded by `mode`; d != 0.
Wide divide_rounded(const Wide& n, const Wide& d, Rounding mode) {
  Wide q = n / d;  // truncates towards zero
  Wide r = n % d;  // has the sign of n
  if (r == 0) return q;
  const bool negative = (n < 0) != (d < 0);
  const Wide twice_r = abs(r) * 2;
  const Wide abs_d = abs(d);
  bool away = false;
  switch (mode) {
    case Rounding::down: away = false; break;
    case Rounding::up: away = true; break;
    case Rounding::half_up: away = twice_r >= abs_d; break;
    case Rounding::half_even:
      away = twice_r > abs_d || (twice_r == abs_d && bit_test(abs(q), 0));
      break;
    default: throw InvalidArgument("unknown rounding mode", "mode");
  }
  if (away) q += negative ? -1 : 1;
  return q;
}

// `scaled` is a count of 10^-places units; writes it with exactly `places`
// decimals.
std::string format_scaled(const Wide& scaled, int places) {
  std::string digits = abs(scaled).str();
  if (digits.size() < static_cast<std::size_t>(places) + 1) {
    digits.insert(0, static_cast<std::size_t>(places) + 1 - digits.size(), '0');
  }
  if (places > 0) digits.insert(digits.size() - static_cast<std::size_t>(places), 1, '.');
  if (scaled < 0) digits.insert(0, 1, '-');
  return digits;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

Decimal Decimal::from_integer(std::int64_t units) {
  return from_micros(checked("from_integer", [&]() -> Rep { return Rep(units) * kOne; }));
}

Decimal Decimal::from_micros(Rep micros) noexcept {
  Decimal d;
  d.micros_ = micros;
  return d;
}

Decimal Decimal::parse(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return InvalidArgument("invalid decimal \"" + std::string(text) + "\": " + std::string(why));
  };
  std::size_t pos = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++pos;
  const std::size_t int_begin = pos;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  if (pos == int_begin) throw bad("expected digits");
  int decimals = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t frac_begin = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == frac_begin) throw bad("expected digits after '.'");
    if (pos - frac_begin > static_cast<std::size_t>(kScale)) throw bad("more than 6 decimals");
    decimals = static_cast<int>(pos - frac_begin);
  }
  if (pos != text.size()) throw bad("unexpected character");

  Rep micros = checked("parse", [&] {
    Rep value = 0;
    for (char c : text.substr(int_begin)) {
      if (c != '.') value = value * 10 + (c - '0');
    }
    for (int i = decimals; i < kScale; ++i) value *= 10;
    return value;
  });
  // The range is symmetric (sign and magnitude), so negation cannot overflow.
  if (negative) micros = -micros;
  return from_micros(micros);
}

std::string Decimal::to_string() const {
  std::string text = format_scaled(Wide(micros_), kScale);
  const auto last = text.find_last_not_of('0');
  text.erase(text[last] == '.' ? last : last + 1);
  return text;
}

std::string Decimal::to_string(int places) const {
  check_places(places);
  return format_scaled(divide_rounded(Wide(micros_), pow10(kScale - places), Rounding::half_even),
                       places);
}

Decimal Decimal::round(int places, Rounding mode) const {
  check_places(places);
  const Wide factor = pow10(kScale - places);
  return from_micros(to_rep(divide_rounded(Wide(micros_), factor, mode) * factor, "round"));
}

Decimal operator+(const Decimal& a, const Decimal& b) {
  return Decimal::from_micros(checked("+", [&] { return Rep(a.micros_ + b.micros_); }));
}

Decimal operator-(const Decimal& a, const Decimal& b) {
  return Decimal::from_micros(checked("-", [&] { return Rep(a.micros_ - b.micros_); }));
}

Decimal operator-(const Decimal& a) {
  return Decimal::from_micros(checked("unary -", [&] { return Rep(-a.micros_); }));
}

Decimal operator*(const Decimal& a, const Decimal& b) {
  const Wide product = Wide(a.micros_) * Wide(b.micros_);
  return Decimal::from_micros(
      to_rep(divide_rounded(product, Wide(Decimal::kOne), Rounding::half_even), "*"));
}

Decimal operator/(const Decimal& a, const Decimal& b) {
  if (b.micros_ == 0) throw InvalidArgument("division by zero");
  const Wide numerator = Wide(a.micros_) * Decimal::kOne;
  return Decimal::from_micros(
      to_rep(divide_rounded(numerator, Wide(b.micros_), Rounding::half_even), "/"));
}

namespace {

std::string currency_name(const Money& m) {
  return m.currency().empty() ? std::string("no currency") : std::string(m.currency());
}

void check_same_currency(const Money& a, const Money& b) {
  if (a.currency() != b.currency()) {
    throw InvalidArgument("currency mismatch: " + currency_name(a) + " vs " + currency_name(b),
                          "currency");
  }
}

}  // namespace

Money::Money(Decimal amount, std::string_view currency) : amount_(std::move(amount)) {
  const bool valid =
      currency.size() == 3 &&
      std::all_of(currency.begin(), currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!valid) {
    throw InvalidArgument(
        "currency must be three upper-case letters, got \"" + std::string(currency) + "\"",
        "currency");
  }
  std::copy(currency.begin(), currency.end(), currency_);
}

Money Money::parse(std::string_view amount, std::string_view currency) {
  Decimal value;
  try {
    value = Decimal::parse(amount);
  } catch (const InvalidArgument& e) {
    throw InvalidArgument(e.what(), "amount");
  } catch (const OutOfRange& e) {
    throw OutOfRange(e.what(), "amount");
  }
  return Money(value, currency);
}

std::string Money::to_string() const {
  std::string text = amount_.to_string(2);
  if (currency_[0] != '\0') text.append(" ").append(currency_, 3);
  return text;
}

Money operator+(const Money& a, const Money& b) {
  check_same_currency(a, b);
  Money sum = a;
  sum.amount_ += b.amount_;
  return sum;
}

Money operator-(const Money& a, const Money& b) {
  check_same_currency(a, b);
  Money difference = a;
  difference.amount_ -= b.amount_;
  return difference;
}

DOWNLINE_END_NAMESPACE
