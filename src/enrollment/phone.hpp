// Phone numbers checked and normalised with libphonenumber, which stays
// behind this header: nothing of it appears in a declaration here.
#pragma once

#include <downline/export.hpp>

#include <string>
#include <string_view>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// The outcome of check_phone.
struct PhoneCheck {
  bool valid = false;
  /// The number in E.164 when valid ("+573045351581"), else empty.
  std::string e164;
  /// The national significant number's digits when valid ("3045351581"),
  /// else empty.
  std::string national;
  /// Empty when valid, else why not:
  ///  - "invalid_country": `country` is not an upper-case ISO 3166-1 alpha-2
  ///    code libphonenumber has metadata for ("ZZ", "co", "001");
  ///  - "unparseable": no digit in `raw` (empty, "+", "()"), or a character
  ///    outside the set check_phone reads ("abc", "304 535 15 81 ext 2");
  ///  - "too_short" / "too_long": fewer or more digits than any number of
  ///    that country has ("1", "123" for CO);
  ///  - "invalid_for_country": a number of the right length that is not a
  ///    valid number of `country`, including one given with another
  ///    country's +cc or with a +cc no country has.
  std::string problem;
};

/// Checks `raw` as a phone number of `country` (ISO 3166-1 alpha-2, e.g.
/// "CO"). `raw` is what a person types: digits with spaces, dashes, dots,
/// slashes and parentheses, in national form ("304 535 15 81") or with a
/// leading +cc ("+57 304-535-1581"). Letters, extensions and any other
/// character make it "unparseable": libphonenumber would read letters as a
/// vanity number ("304 535 15 81 xyz" becomes ...81999) and drop an extension
/// without a word. Valid only when libphonenumber's
/// IsValidNumberForRegion(number, country) holds, with the metadata of the
/// installed libphonenumber.
///
/// Never throws (an allocation failure reports "unparseable"). Thread-safe:
/// libphonenumber's PhoneNumberUtil singleton is built once, under
/// pthread_once, and its regular-expression cache is locked. The first call
/// in a process pays for loading the metadata.
PhoneCheck check_phone(std::string_view raw, std::string_view country);

}  // namespace internal
DOWNLINE_END_NAMESPACE
