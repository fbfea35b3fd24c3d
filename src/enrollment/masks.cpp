#include "enrollment/masks.hpp"

#include <chrono>
#include <cstddef>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

constexpr std::size_t kMaxMaskLength = 64;

// <cctype> would answer by the C locale in force, and a host may change it;
// masks are defined over ASCII only.
bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
bool is_letter(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_alnum(char c) noexcept {
  return is_digit(c) || is_letter(c);
}
bool is_printable(char c) noexcept {
  return c >= 0x20 && c <= 0x7E;
}
bool is_placeholder(char c) noexcept {
  return c == '#' || c == 'A' || c == '*';
}
char to_upper(char c) noexcept {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

bool fits(char placeholder, char c) noexcept {
  switch (placeholder) {
    case '#': return is_digit(c);
    case 'A': return is_letter(c);
    default: return is_alnum(c);
  }
}

// True when the letters and digits of `value` fill the placeholders of
// `mask` one for one; `value` must hold nothing else.
bool fills(std::string_view value, std::string_view mask) noexcept {
  std::size_t next = 0;
  for (char m : mask) {
    if (!is_placeholder(m)) continue;
    if (next == value.size() || !fits(m, value[next])) return false;
    ++next;
  }
  return next == value.size();
}

void append_two_digits(std::string& out, unsigned value) {
  out += static_cast<char>('0' + value / 10);
  out += static_cast<char>('0' + value % 10);
}

}  // namespace

std::string normalize_document(std::string_view input) {
  std::string out;
  out.reserve(input.size());
  for (char c : input)
    if (is_alnum(c)) out += to_upper(c);
  return out;
}

MaskMatch match_mask(std::string_view input, std::string_view mask) {
  MaskMatch result;
  result.normalized = normalize_document(input);
  if (!is_valid_mask(mask)) return result;
  constexpr std::string_view kCommonSeparators = " .-/";
  for (char c : input) {
    if (is_alnum(c)) continue;
    const bool separator = kCommonSeparators.find(c) != std::string_view::npos ||
                           (!is_placeholder(c) && mask.find(c) != std::string_view::npos);
    if (!separator) return result;
  }
  result.matches = fills(result.normalized, mask);
  return result;
}

std::string apply_mask(std::string_view normalized, std::string_view mask) {
  if (!is_valid_mask(mask) || !fills(normalized, mask)) return std::string(normalized);
  std::string out;
  out.reserve(mask.size());
  std::size_t next = 0;
  for (char m : mask) out += is_placeholder(m) ? normalized[next++] : m;
  return out;
}

bool is_valid_mask(std::string_view mask) noexcept {
  if (mask.empty() || mask.size() > kMaxMaskLength) return false;
  bool placeholder = false;
  for (char c : mask) {
    if (!is_printable(c)) return false;
    placeholder = placeholder || is_placeholder(c);
  }
  return placeholder;
}

bool is_valid_date_mask(std::string_view mask) noexcept {
  if (mask.size() > kMaxMaskLength) return false;
  int days = 0, months = 0, years = 0;
  for (std::size_t i = 0; i < mask.size();) {
    const std::string_view rest = mask.substr(i);
    if (rest.starts_with("YYYY")) {
      ++years, i += 4;
    } else if (rest.starts_with("DD")) {
      ++days, i += 2;
    } else if (rest.starts_with("MM")) {
      ++months, i += 2;
    } else if (is_printable(mask[i]) && !is_alnum(mask[i])) {
      ++i;
    } else {
      return false;
    }
  }
  return days == 1 && months == 1 && years == 1;
}

std::string format_date(int year, unsigned month, unsigned day, std::string_view mask) {
  // Checked before std::chrono sees them: its month and day keep only the
  // low byte, so month 257 would pass as January.
  if (!is_valid_date_mask(mask) || year < 0 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > 31)
    return {};
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                                         std::chrono::day{day}};
  if (!date.ok()) return {};
  std::string out;
  out.reserve(mask.size());
  for (std::size_t i = 0; i < mask.size();) {
    const std::string_view rest = mask.substr(i);
    if (rest.starts_with("YYYY")) {
      const auto y = static_cast<unsigned>(year);
      append_two_digits(out, y / 100);
      append_two_digits(out, y % 100);
      i += 4;
    } else if (rest.starts_with("DD")) {
      append_two_digits(out, day);
      i += 2;
    } else if (rest.starts_with("MM")) {
      append_two_digits(out, month);
      i += 2;
    } else {
      out += mask[i++];
    }
  }
  return out;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE
