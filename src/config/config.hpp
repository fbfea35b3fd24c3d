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

enum class Structure : std::uint8_t { unilevel, binary, matrix, territorial };

/// How a network picks the place of a newcomer (or of a moved person).
enum class Policy : std::uint8_t {
  spillover,      ///< the leftmost open position below the start, breadth first
  extreme_left,   ///< the bottom of the start's leftmost leg
  extreme_right,  ///< the bottom of the start's rightmost leg
  weaker_leg,     ///< into the start's leg with less (count or volume)
  sponsor_leg,    ///< into the leg the enrollment names
  lobby,          ///< wait in the holding tank for a leader to place them
};

struct PlacementConfig {
  /// Whose position the search starts from: "sponsor" or "referrer".
  std::string from = "sponsor";
  Policy policy = Policy::spillover;
  bool by_volume = false;       ///< weaker_leg: compare group volume, not persons
  bool within_extreme = false;  ///< weaker_leg / sponsor_leg: the leg's bottom, not spillover
  std::uint32_t lobby_hours = 72;
  Policy fallback = Policy::spillover;  ///< lobby: how the expired are placed
};

struct TransferLimits {
  std::uint32_t window_days = 0;  ///< 0 = any time after enrollment
  std::uint32_t max_moves = 0;    ///< 0 = unlimited
  bool across_territories = true;
};

struct NetworkConfig {
  std::string name;
  Structure structure = Structure::unilevel;
  std::uint32_t width = 0;         ///< children per person, 0 = unlimited
  std::uint32_t depth = 0;         ///< matrix: levels of each person's matrix
  std::uint32_t max_depth = 0;     ///< deepest absolute level, 0 = unlimited
  std::string source = "sponsor";  ///< territorial: the network whose upline is searched
  PlacementConfig placement;
  TransferLimits transfers;
  /// Statuses a compression removes (empty: compression needs a list).
  std::vector<Status> compress_statuses;
  /// A generation ends at a person of this rank or above (0 = plain levels).
  std::uint8_t generation_rank = 0;
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
