// Checks of one enrollment request that need nothing but the request and the
// configuration: required fields, syntax, phones, documents and their masks,
// extended fields, attachments, contracts. Checks against the store and the
// network (sponsor, uniqueness, blacklist) live in the company's write path.
// Every check here is a pure function of its inputs, so a bulk call may run
// it on several threads at once.
#pragma once

#include <downline/enrollment.hpp>
#include <downline/error.hpp>

#include "config/config.hpp"

#include <string>
#include <string_view>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// True for a plausible address: local@domain.tld, no spaces, one '@',
/// a dot in the domain, no empty labels.
bool is_valid_email(std::string_view email);

/// The e-mail in the form it is compared in: ASCII letters in lower case.
std::string email_key(std::string_view email);

/// What a valid request is stored as.
struct NormalizedPerson {
  std::string phone;                 ///< E.164, or "" when none was given
  std::string document_number;       ///< letters and digits, upper-cased
  std::string email_key;             ///< lower case
  std::string extended_json = "{}";  ///< by slot, canonical text values
};

/// Appends a finding for every problem of `request` alone (with the
/// required fields of its channel's form) and fills `out` with its
/// normalised values; `prefix` is put before every field path ("[3]." in
/// bulk calls).
void validate_request(const EnrollmentRequest& request, const Config& config,
                      const std::vector<std::string>& required_fields, const std::string& prefix,
                      std::vector<Finding>& findings, NormalizedPerson& out);

/// Appends a finding for every problem of `attachments` (and, when
/// `mandatory`, for each mandatory type missing).
void validate_attachments(const std::vector<AttachmentData>& attachments, const Config& config,
                          bool mandatory, const std::string& prefix,
                          std::vector<Finding>& findings);

/// The normalised key a blacklist entry is compared by; throws
/// InvalidArgument (field "value") when the value does not normalise.
std::string blacklist_key(BlacklistKind kind, std::string_view value, std::string_view country);

/// The contract versions `config` asks a person of this country and rank
/// to accept: per contract, its newest active version that applies, when
/// that version is mandatory (`mandatory_only`) or any.
std::vector<const ContractConfig*> contracts_in_force(const Config& config,
                                                      std::string_view country, std::uint8_t rank,
                                                      bool mandatory_only);

/// The extension of a file name, lower case, without the dot ("" when none).
std::string file_extension(std::string_view file_name);

/// True for "sha256:" and 64 lower-case hex digits.
bool is_sha256_digest(std::string_view digest);

}  // namespace internal
DOWNLINE_END_NAMESPACE
