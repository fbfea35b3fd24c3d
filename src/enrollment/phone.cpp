#include "enrollment/phone.hpp"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

PhoneCheck failure(std::string_view problem) {
  PhoneCheck out;
  out.problem = problem;
  return out;
}

// libphonenumber compares region codes as given: "co" is no region.
bool is_region_code(std::string_view country) noexcept {
  return country.size() == 2 && country[0] >= 'A' && country[0] <= 'Z' && country[1] >= 'A' &&
         country[1] <= 'Z';
}

// Refused before Parse, which would read letters as a vanity number and
// drop an extension (phone.hpp).
bool is_dial_text(std::string_view raw) noexcept {
  bool seen_digit_or_mark = false;
  for (char c : raw) {
    if (c == '+' && !seen_digit_or_mark) {
      seen_digit_or_mark = true;
      continue;
    }
    if (c == ' ') continue;
    const bool allowed =
        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '/' || c == '(' || c == ')';
    if (!allowed) return false;
    seen_digit_or_mark = true;
  }
  return true;
}

PhoneCheck check(std::string_view raw, std::string_view country) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  if (!is_region_code(country)) return failure("invalid_country");
  const std::string region(country);
  const int country_code = util.GetCountryCodeForRegion(region);
  if (country_code == 0) return failure("invalid_country");
  if (!is_dial_text(raw)) return failure("unparseable");

  PhoneNumber number;
  switch (util.Parse(std::string(raw), region, &number)) {
    case PhoneNumberUtil::NO_PARSING_ERROR: break;
    // Only a +cc that no country has gets here: the region is known.
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR: return failure("invalid_for_country");
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN: return failure("too_short");
    case PhoneNumberUtil::TOO_LONG_NSN: return failure("too_long");
    default:
      // NOT_A_NUMBER. Past is_dial_text it means too few digits ("1", "1 2",
      // "+57"), which "12" is told as too_short; with no digit at all there
      // is nothing to count.
      return failure(raw.find_first_of("0123456789") == std::string_view::npos ? "unparseable"
                                                                               : "too_short");
  }
  if (util.IsValidNumberForRegion(number, region)) {
    PhoneCheck out;
    out.valid = true;
    util.Format(number, PhoneNumberUtil::E164, &out.e164);
    util.GetNationalSignificantNumber(number, &out.national);
    return out;
  }
  if (number.country_code() != country_code) return failure("invalid_for_country");
  // Parse accepts any number of 2 to 17 digits; the length the country's
  // numbers have is the more useful thing to tell the person.
  switch (util.IsPossibleNumberWithReason(number)) {
    case PhoneNumberUtil::TOO_SHORT: return failure("too_short");
    case PhoneNumberUtil::TOO_LONG: return failure("too_long");
    default: return failure("invalid_for_country");
  }
}

}  // namespace

PhoneCheck check_phone(std::string_view raw, std::string_view country) {
  try {
    return check(raw, country);
  } catch (...) {
    // Only std::bad_alloc can get here; "unparseable" fits in the small-string
    // buffer, so reporting it allocates nothing.
    PhoneCheck out;
    out.problem = "unparseable";
    return out;
  }
}

}  // namespace internal
DOWNLINE_END_NAMESPACE
