// The company configuration document, parsed and checked once at open.
#pragma once

#include <downline/person.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

struct RuleBookData;

struct NetworkConfig {
  std::string name;
  std::string structure = "unilevel";
};

struct EnrollmentPolicy {
  /// Person fields that must not be empty: "first_name", "email", ...
  std::vector<std::string> required_fields{"first_name", "last_name", "email"};
  Status initial_status = Status::active;
};

struct Config {
  std::string name;
  std::string currency = "USD";
  std::string time_zone = "UTC";
  /// The sponsor network first, the referral network second, then others.
  std::vector<NetworkConfig> networks;
  EnrollmentPolicy enrollment;
  /// Ranks, segments, commercial states and the compiled rules; never null.
  std::shared_ptr<const RuleBookData> rules;

  /// Position of a network in `networks`, or -1.
  int network_index(std::string_view name) const;
};

/// Parses and checks the configuration JSON; throws InvalidArgument naming
/// the JSON path ("networks[2].structure") of the first problem.
Config parse_config(std::string_view json_text);

/// The person fields a policy may require.
const std::vector<std::string>& person_field_names();

}  // namespace internal
DOWNLINE_END_NAMESPACE
