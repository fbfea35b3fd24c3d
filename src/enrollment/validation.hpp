// Checks of one enrollment request that need nothing but the request and the
// policy: required fields, syntax. Checks against the network (sponsor,
// uniqueness) live in the company's write path.
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

/// Appends a finding for every problem of `request` alone; `prefix` is put
/// before every field path ("[3]." in bulk calls).
void validate_request(const EnrollmentRequest& request, const EnrollmentPolicy& policy,
                      const std::string& prefix, std::vector<Finding>& findings);

}  // namespace internal
DOWNLINE_END_NAMESPACE
