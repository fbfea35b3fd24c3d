#include "enrollment/validation.hpp"

#include "core/utf8.hpp"
#include "enrollment/masks.hpp"
#include "enrollment/phone.hpp"

#include <downline/money.hpp>
#include <downline/time.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

const std::string* person_field(const PersonData& p, std::string_view name) {
  if (name == "external_id") return &p.external_id;
  if (name == "first_name") return &p.first_name;
  if (name == "last_name") return &p.last_name;
  if (name == "email") return &p.email;
  if (name == "phone") return &p.phone;
  if (name == "country") return &p.country;
  if (name == "zone") return &p.zone;
  if (name == "document_type") return &p.document_type;
  if (name == "document_number") return &p.document_number;
  return nullptr;
}

bool is_site_slug(std::string_view s) {
  return s.size() >= 3 && s.size() <= 64 && s.front() != '-' && s.back() != '-' &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c == ' ' || c == '\t'; });
}

// Checks one text for UTF-8 and length; false when it failed.
bool check_text(std::string_view value, std::size_t most, const std::string& field,
                std::vector<Finding>& findings) {
  if (!is_valid_utf8(value)) {
    findings.push_back({Code::invalid_argument, "invalid_utf8", field,
                        "the text is not valid UTF-8", "", "UTF-8 text"});
    return false;
  }
  if (value.size() > most) {
    findings.push_back({Code::invalid_argument, "too_long", field,
                        "longer than " + std::to_string(most) + " bytes",
                        std::to_string(value.size()), std::to_string(most)});
    return false;
  }
  return true;
}

std::string_view type_name(FieldType type) {
  switch (type) {
    case FieldType::text: return "text";
    case FieldType::integer: return "an integer";
    case FieldType::decimal: return "a decimal number";
    case FieldType::date: return "a date YYYY-MM-DD";
    case FieldType::boolean: return "true or false";
    case FieldType::choice: return "one of the options";
  }
  return "text";
}

// The canonical text of an extended value, or nullopt when it is not of the
// field's type.
std::optional<std::string> canonical(const ExtendedFieldConfig& f, const std::string& value) {
  switch (f.type) {
    case FieldType::text: return value;
    case FieldType::integer: {
      std::size_t i = value.size() > 1 && (value[0] == '-' || value[0] == '+') ? 1 : 0;
      if (i == value.size() || value.size() > 19 ||
          !std::all_of(value.begin() + static_cast<std::ptrdiff_t>(i), value.end(),
                       [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
      return std::to_string(std::stoll(value));
    }
    case FieldType::decimal: try { return Decimal::parse(value).to_string();
      } catch (const Error&) {
        return std::nullopt;
      }
    case FieldType::date: try { return LocalDate::parse(value).to_string();
      } catch (const Error&) {
        return std::nullopt;
      }
    case FieldType::boolean:
      if (value == "true" || value == "false") return value;
      return std::nullopt;
    case FieldType::choice:
      if (std::find(f.options.begin(), f.options.end(), value) != f.options.end()) return value;
      return std::nullopt;
  }
  return std::nullopt;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out.append(out.empty() ? "" : ", ").append(s);
  return out;
}

void validate_document(const PersonData& p, const Config& config, const std::string& prefix,
                       std::vector<Finding>& findings, NormalizedPerson& out) {
  const bool has_type = !is_blank(p.document_type), has_number = !is_blank(p.document_number);
  const std::string type_field = prefix + "person.document_type";
  const std::string number_field = prefix + "person.document_number";
  const Identification how = config.enrollment.identification;
  if (how == Identification::internal) {
    if (has_type || has_number)
      findings.push_back(
          {Code::invalid_argument, "document_not_asked", has_type ? type_field : number_field,
           "the company assigns internal identifications: give no document", "", "no document"});
    return;
  }
  if (!has_type && !has_number) {
    if (how == Identification::document)
      findings.push_back({Code::invalid_argument, "required", number_field,
                          "document_number is required", "", "a value"});
    return;
  }
  if (!has_type) {
    findings.push_back({Code::invalid_argument, "required", type_field,
                        "a document number needs its document_type", "", "a document type"});
    return;
  }
  const DocumentTypeConfig* type = config.document_type(p.document_type);
  if (type == nullptr) {
    std::vector<std::string> ids;
    for (const auto& d : config.document_types) ids.push_back(d.id);
    findings.push_back({Code::invalid_argument, "unknown_document_type", type_field,
                        "'" + p.document_type + "' is not a configured document type",
                        p.document_type, join(ids)});
    return;
  }
  if (!type->countries.empty() && std::find(type->countries.begin(), type->countries.end(),
                                            p.country) == type->countries.end()) {
    findings.push_back({Code::invalid_argument, "document_type_other_country", type_field,
                        "document type '" + type->id + "' is not used in " +
                            (p.country.empty() ? std::string("an unknown country") : p.country),
                        p.country, join(type->countries)});
    return;
  }
  if (!has_number) {
    findings.push_back({Code::invalid_argument, "required", number_field,
                        "document_number is required with a document type", "", "a value"});
    return;
  }
  if (!type->mask.empty()) {
    MaskMatch m = match_mask(p.document_number, type->mask);
    if (!m.matches) {
      findings.push_back({Code::invalid_argument, "invalid_document", number_field,
                          "'" + p.document_number + "' does not fit the mask of " + type->id,
                          p.document_number, type->mask});
      return;
    }
    out.document_number = std::move(m.normalized);
    return;
  }
  // Without a mask: letters and digits, with the usual separators.
  const bool plain = std::all_of(p.document_number.begin(), p.document_number.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '.' || c == '-' ||
           c == '/';
  });
  out.document_number = normalize_document(p.document_number);
  if (!plain || out.document_number.empty())
    findings.push_back({Code::invalid_argument, "invalid_document", number_field,
                        "a document number is letters and digits", p.document_number,
                        "letters and digits"});
}

void validate_extended(const PersonData& p, const Config& config, const std::string& prefix,
                       std::vector<Finding>& findings, NormalizedPerson& out) {
  nlohmann::json by_slot = nlohmann::json::object();
  for (const auto& [id, value] : p.extended) {
    const std::string field = prefix + "person.extended." + id;
    const ExtendedFieldConfig* f = config.extended_field(id);
    if (f == nullptr) {
      findings.push_back({Code::invalid_argument, "unknown_extended_field", field,
                          "'" + id + "' is not a configured extended field", id,
                          "a configured field"});
      continue;
    }
    if (!check_text(value, f->type == FieldType::text ? f->max_length : 200, field, findings))
      continue;
    if (is_blank(value)) continue;  // counted as missing below
    auto text = canonical(*f, value);
    if (!text) {
      findings.push_back(
          {Code::invalid_argument, "invalid_extended_field", field,
           f->label + " must be " + std::string(type_name(f->type)), value,
           f->type == FieldType::choice ? join(f->options) : std::string(type_name(f->type))});
      continue;
    }
    by_slot[std::to_string(f->slot)] = std::move(*text);
  }
  for (const auto& f : config.extended_fields) {
    auto it = p.extended.find(f.id);
    if (f.required && (it == p.extended.end() || is_blank(it->second)))
      findings.push_back({Code::invalid_argument, "required", prefix + "person.extended." + f.id,
                          f.label + " is required", "", "a value"});
  }
  out.extended_json = by_slot.dump();
}

}  // namespace

void validate_attachments(const std::vector<AttachmentData>& attachments, const Config& config,
                          bool mandatory, const std::string& prefix,
                          std::vector<Finding>& findings) {
  for (std::size_t i = 0; i < attachments.size(); ++i) {
    const AttachmentData& a = attachments[i];
    const std::string at = prefix + "attachments[" + std::to_string(i) + "]";
    const AttachmentTypeConfig* type = config.attachment_type(a.type);
    if (type == nullptr) {
      findings.push_back({Code::invalid_argument, "unknown_attachment_type", at + ".type",
                          "'" + a.type + "' is not a configured attachment type", a.type,
                          "a configured type"});
      continue;
    }
    bool texts = true;
    for (const auto& [value, name] :
         {std::pair{&a.file_name, ".file_name"}, std::pair{&a.uri, ".uri"}})
      texts = check_text(*value, 1024, at + name, findings) && texts;
    if (!texts) continue;
    const std::string ext = file_extension(a.file_name);
    if (std::find(type->extensions.begin(), type->extensions.end(), ext) == type->extensions.end())
      findings.push_back({Code::invalid_argument, "attachment_extension", at + ".file_name",
                          type->label + " takes " + join(type->extensions) + " files", ext,
                          join(type->extensions)});
    if (a.size_bytes == 0)
      findings.push_back({Code::invalid_argument, "empty_attachment", at + ".size_bytes",
                          "the file is empty", "0", "at least 1"});
    else if (type->max_bytes && a.size_bytes > type->max_bytes)
      findings.push_back({Code::invalid_argument, "attachment_too_large", at + ".size_bytes",
                          "larger than " + std::to_string(type->max_bytes) + " bytes",
                          std::to_string(a.size_bytes), std::to_string(type->max_bytes)});
    if (!is_sha256_digest(a.digest))
      findings.push_back({Code::invalid_argument, "invalid_digest", at + ".digest",
                          "expected \"sha256:\" and 64 lower-case hex digits", a.digest,
                          "sha256:<64 hex>"});
  }
  for (const auto& type : config.attachment_types) {
    if (!mandatory || !type.mandatory) continue;
    const bool present = std::any_of(attachments.begin(), attachments.end(),
                                     [&](const AttachmentData& a) { return a.type == type.id; });
    if (!present)
      findings.push_back({Code::invalid_argument, "attachment_required", prefix + "attachments",
                          type.label + " must be attached", "", type.id});
  }
}

namespace {

void validate_contracts(const EnrollmentRequest& r, const Config& config, const std::string& prefix,
                        std::vector<Finding>& findings) {
  const std::string& country = r.person.country;
  for (std::size_t i = 0; i < r.accepted_contracts.size(); ++i) {
    const ContractRef& ref = r.accepted_contracts[i];
    const std::string at = prefix + "accepted_contracts[" + std::to_string(i) + "]";
    const std::string name = ref.contract + " v" + std::to_string(ref.version);
    const ContractConfig* c = config.contract(ref.contract, ref.version);
    if (c == nullptr) {
      findings.push_back(
          {Code::not_found, "unknown_contract", at,
           "no contract '" + ref.contract + "' version " + std::to_string(ref.version), name,
           "a configured contract version"});
      continue;
    }
    if (std::find(r.accepted_contracts.begin(),
                  r.accepted_contracts.begin() + static_cast<std::ptrdiff_t>(i),
                  ref) != r.accepted_contracts.begin() + static_cast<std::ptrdiff_t>(i)) {
      findings.push_back({Code::invalid_argument, "duplicate_contract", at,
                          name + " is accepted twice", name, "once"});
      continue;
    }
    if (!c->active) {
      findings.push_back({Code::failed_precondition, "contract_inactive", at,
                          name + " is no longer active: accept the current version", name,
                          "an active version"});
      continue;
    }
    if (!contract_applies(*c, country, 0))
      findings.push_back({Code::failed_precondition, "contract_not_applicable", at,
                          name + " is not for " + (country.empty() ? "this person" : country), name,
                          "a contract of the person's country and rank"});
  }
  for (const ContractConfig* c : contracts_in_force(config, country, 0, true)) {
    const ContractRef want{c->id, c->version};
    if (std::find(r.accepted_contracts.begin(), r.accepted_contracts.end(), want) ==
        r.accepted_contracts.end())
      findings.push_back({Code::failed_precondition, "contract_required",
                          prefix + "accepted_contracts",
                          "'" + c->title + "' (" + c->id + " v" + std::to_string(c->version) +
                              ") must be accepted",
                          "", c->id + " v" + std::to_string(c->version)});
  }
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

std::string email_key(std::string_view email) {
  std::string key(email);
  for (char& c : key)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return key;
}

std::string file_extension(std::string_view file_name) {
  const auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == file_name.size()) return "";
  std::string ext(file_name.substr(dot + 1));
  for (char& c : ext)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return ext;
}

bool is_sha256_digest(std::string_view digest) {
  return digest.size() == 71 && digest.starts_with("sha256:") &&
         std::all_of(digest.begin() + 7, digest.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::vector<const ContractConfig*> contracts_in_force(const Config& config,
                                                      std::string_view country, std::uint8_t rank,
                                                      bool mandatory_only) {
  // Per contract id, its newest active version that applies.
  std::map<std::string, const ContractConfig*> newest;
  for (const auto& c : config.contracts) {
    if (!c.active || !contract_applies(c, country, rank)) continue;
    auto [it, added] = newest.try_emplace(c.id, &c);
    if (!added && it->second->version < c.version) it->second = &c;
  }
  std::vector<const ContractConfig*> out;
  for (const auto& c : config.contracts) {  // in configuration order
    auto it = newest.find(c.id);
    if (it != newest.end() && it->second == &c && (!mandatory_only || c.mandatory))
      out.push_back(&c);
  }
  return out;
}

std::string blacklist_key(BlacklistKind kind, std::string_view value, std::string_view country) {
  switch (kind) {
    case BlacklistKind::document: {
      std::string key = normalize_document(value);
      if (key.empty()) throw InvalidArgument("a document number is letters and digits", "value");
      return key;
    }
    case BlacklistKind::email:
      if (!is_valid_email(value))
        throw InvalidArgument("'" + std::string(value) + "' is not a valid e-mail address",
                              "value");
      return email_key(value);
    case BlacklistKind::phone: {
      PhoneCheck phone = check_phone(value, country);
      if (!phone.valid)
        throw InvalidArgument("'" + std::string(value) + "' is not a valid phone of " +
                                  (country.empty() ? std::string("any country: give its country")
                                                   : std::string(country)),
                              "value");
      return phone.e164;
    }
  }
  throw InvalidArgument("unknown blacklist kind", "kind");
}

void validate_request(const EnrollmentRequest& request, const Config& config,
                      const std::vector<std::string>& required_fields, const std::string& prefix,
                      std::vector<Finding>& findings, NormalizedPerson& out) {
  const EnrollmentPolicy& policy = config.enrollment;
  const PersonData& p = request.person;
  for (const auto& name : required_fields) {
    const std::string* value = person_field(p, name);
    const bool missing = value ? is_blank(*value) : (name == "birth_date" && !p.birth_date);
    if (missing)
      findings.push_back({Code::invalid_argument, "required", prefix + "person." + name,
                          name + " is required", "", "a value"});
  }
  bool texts_ok = true;
  for (const auto& name : person_field_names()) {
    const std::string* value = person_field(p, name);
    if (value)
      texts_ok = check_text(*value, policy.max_text_bytes, prefix + "person." + name, findings) &&
                 texts_ok;
  }
  for (const auto& [value, name] :
       {std::pair{&request.channel, "channel"}, std::pair{&request.reason, "reason"},
        std::pair{&request.sponsor_external_id, "sponsor_external_id"},
        std::pair{&request.referrer_external_id, "referrer_external_id"}})
    texts_ok = check_text(*value, policy.max_text_bytes, prefix + name, findings) && texts_ok;
  if (!p.site.empty() && !is_site_slug(p.site))
    findings.push_back({Code::invalid_argument, "invalid_site", prefix + "person.site",
                        "a site slug is 3 to 64 of a-z, 0-9 and -, not starting or ending with -",
                        p.site, "e.g. ana-gomez"});
  if (!is_blank(p.email) && !is_valid_email(p.email))
    findings.push_back({Code::invalid_argument, "invalid_email", prefix + "person.email",
                        "'" + p.email + "' is not a valid e-mail address", p.email,
                        "name@domain.tld"});
  out.email_key = is_blank(p.email) ? std::string() : email_key(p.email);
  const bool country_ok =
      p.country.empty() ||
      (p.country.size() == 2 && std::all_of(p.country.begin(), p.country.end(),
                                            [](char c) { return c >= 'A' && c <= 'Z'; }));
  if (!country_ok)
    findings.push_back({Code::invalid_argument, "invalid_country", prefix + "person.country",
                        "country must be an ISO 3166-1 alpha-2 code", p.country, "e.g. CO"});
  out.phone.clear();
  if (!is_blank(p.phone) && texts_ok) {
    if (p.country.empty()) {
      findings.push_back({Code::invalid_argument, "invalid_phone", prefix + "person.phone",
                          "a phone is read in the person's country: give the country", p.phone,
                          "a phone and its country"});
    } else if (country_ok) {
      PhoneCheck phone = check_phone(p.phone, p.country);
      if (phone.valid)
        out.phone = std::move(phone.e164);
      else
        findings.push_back({Code::invalid_argument, "invalid_phone", prefix + "person.phone",
                            "'" + p.phone + "' is not a valid phone number of " + p.country + " (" +
                                phone.problem + ")",
                            p.phone, "a valid number of " + p.country});
    }
  }
  out.document_number.clear();
  if (texts_ok) validate_document(p, config, prefix, findings, out);
  validate_extended(p, config, prefix, findings, out);
  validate_attachments(request.attachments, config, true, prefix, findings);
  validate_contracts(request, config, prefix, findings);
  if (request.sponsor && !request.sponsor_external_id.empty())
    findings.push_back({Code::invalid_argument, "ambiguous_sponsor", prefix + "sponsor",
                        "give the sponsor by id or by external id, not both", "", ""});
  if (request.referrer && !request.referrer_external_id.empty())
    findings.push_back({Code::invalid_argument, "ambiguous_referrer", prefix + "referrer",
                        "give the referrer by id or by external id, not both", "", ""});
  if (!p.external_id.empty() && request.sponsor_external_id == p.external_id)
    findings.push_back({Code::invalid_argument, "self_sponsor", prefix + "sponsor_external_id",
                        "a person cannot sponsor themselves", p.external_id, "another person"});
  if (!p.external_id.empty() && request.referrer_external_id == p.external_id)
    findings.push_back({Code::invalid_argument, "self_referrer", prefix + "referrer_external_id",
                        "a person cannot refer themselves", p.external_id, "another person"});
}

}  // namespace internal
DOWNLINE_END_NAMESPACE
