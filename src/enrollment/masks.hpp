// Format masks for identification documents, phones and birth dates, set per
// country in the company configuration (seed 003 §6.3.8). A mask is a string
// where `#` stands for one digit, `A` for one ASCII letter, `*` for one
// letter or digit, and every other character is a literal separator:
// "###.###.###-#", "AA######", "### ### ## ##".
#pragma once

#include <downline/export.hpp>

#include <string>
#include <string_view>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// A document number checked against a mask.
struct MaskMatch {
  /// True when the input's letters and digits, in order, fill the mask's
  /// placeholders exactly and every other character of the input is a
  /// separator (one of the mask's literals or of " .-/").
  bool matches = false;
  /// The input's ASCII letters and digits only, letters upper-cased
  /// ("1.234.567-k" → "1234567K"); filled in whether or not it matches.
  std::string normalized;
};

/// Checks `input` against `mask`. Where the input puts its separators is not
/// checked, only which characters they are: "1234567890", "123.456.789-0" and
/// "123 456 789/0" all match "###.###.###-#". Any other character (a letter
/// outside A–Z, a comma, non-ASCII) makes it not match; so does a mask that
/// is not is_valid_mask. Never throws but std::bad_alloc; thread-safe.
MaskMatch match_mask(std::string_view input, std::string_view mask);

/// `normalized` laid out by `mask`, literals included ("1234567890" with
/// "###.###.###-#" → "123.456.789-0"); `normalized` unchanged when it does
/// not fill the mask's placeholders exactly (wrong length, a letter where a
/// digit is wanted, any character that is not a letter or digit).
std::string apply_mask(std::string_view normalized, std::string_view mask);

/// True when `mask` is 1 to 64 bytes of printable ASCII (0x20–0x7E) with at
/// least one placeholder (`#`, `A` or `*`).
bool is_valid_mask(std::string_view mask) noexcept;

/// True when `mask` is a birth-date display mask: `DD`, `MM` and `YYYY` once
/// each, in any order, between separators that are printable ASCII and not
/// letters or digits ("DD/MM/YYYY", "DD - MM - YYYY", "YYYY-MM-DD",
/// "DDMMYYYY"); at most 64 bytes. "D/M/YYYY", "DD/MM/YY" and "DD/MM/YYYY DD"
/// are not.
bool is_valid_date_mask(std::string_view mask) noexcept;

/// The date written by `mask`: day and month in two digits, the year in four
/// (format_date(1986, 10, 10, "DD - MM - YYYY") → "10 - 10 - 1986"). Empty
/// when the mask is not is_valid_date_mask or the date is not a real calendar
/// date with a year from 0 to 9999.
std::string format_date(int year, unsigned month, unsigned day, std::string_view mask);

/// The ASCII letters and digits of `input`, letters upper-cased: the form in
/// which document numbers are compared (blacklist, duplicates), so that
/// "1.234.567-k" and "1234567K" are the same document.
std::string normalize_document(std::string_view input);

}  // namespace internal
DOWNLINE_END_NAMESPACE
