#include "enrollment/validation.hpp"

#include <algorithm>
#include <cctype>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

constexpr std::size_t kMaxFieldLength = 200;

const std::string* person_field(const PersonData& p, std::string_view name) {
  if (name == "external_id") return &p.external_id;
  if (name == "first_name") return &p.first_name;
  if (name == "last_name") return &p.last_name;
  if (name == "email") return &p.email;
  if (name == "phone") return &p.phone;
  if (name == "country") return &p.country;
  if (name == "zone") return &p.zone;
  return nullptr;
}

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c == ' ' || c == '\t'; });
}

}  // namespace

bool is_valid_email(std::string_view email) {
  if (email.size() > 254) return false;
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos)
    return false;
  const auto local = email.substr(0, at);
  const auto domain = email.substr(at + 1);
  if (local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos)
    return false;
  for (unsigned char c : local)
    if (c <= ' ' || c >= 127 || std::string_view("()<>,;:\\\"[]").find(c) != std::string_view::npos)
      return false;
  const auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot + 2 > domain.size()) return false;
  std::size_t label = 0;
  for (unsigned char c : domain) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (!(std::isalnum(c) || c == '-')) return false;
    ++label;
  }
  return label > 0 && domain.front() != '-';
}

void validate_request(const EnrollmentRequest& request, const EnrollmentPolicy& policy,
                      const std::string& prefix, std::vector<Finding>& findings) {
  const PersonData& p = request.person;
  for (const auto& name : policy.required_fields) {
    const std::string* value = person_field(p, name);
    const bool missing = value ? is_blank(*value) : (name == "birth_date" && !p.birth_date);
    if (missing)
      findings.push_back({Code::invalid_argument, "required", prefix + "person." + name,
                          name + " is required", "", "a value"});
  }
  for (const auto& name : person_field_names()) {
    const std::string* value = person_field(p, name);
    if (value && value->size() > kMaxFieldLength)
      findings.push_back({Code::invalid_argument, "too_long", prefix + "person." + name,
                          name + " is longer than " + std::to_string(kMaxFieldLength) + " bytes",
                          std::to_string(value->size()), std::to_string(kMaxFieldLength)});
  }
  if (!is_blank(p.email) && !is_valid_email(p.email))
    findings.push_back({Code::invalid_argument, "invalid_email", prefix + "person.email",
                        "'" + p.email + "' is not a valid e-mail address", p.email,
                        "name@domain.tld"});
  if (!p.country.empty() &&
      (p.country.size() != 2 || !std::all_of(p.country.begin(), p.country.end(),
                                             [](char c) { return c >= 'A' && c <= 'Z'; })))
    findings.push_back({Code::invalid_argument, "invalid_country", prefix + "person.country",
                        "country must be an ISO 3166-1 alpha-2 code", p.country, "e.g. CO"});
  if (request.sponsor && !request.sponsor_external_id.empty())
    findings.push_back({Code::invalid_argument, "ambiguous_sponsor", prefix + "sponsor",
                        "give the sponsor by id or by external id, not both", "", ""});
  if (request.referrer && !request.referrer_external_id.empty())
    findings.push_back({Code::invalid_argument, "ambiguous_referrer", prefix + "referrer",
                        "give the referrer by id or by external id, not both", "", ""});
}

}  // namespace internal
DOWNLINE_END_NAMESPACE
