// The company configuration document, parsed and checked once at open.
#pragma once

#include <downline/cycle.hpp>
#include <downline/enrollment.hpp>
#include <downline/person.hpp>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace date {
class time_zone;
}

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

/// How a person is identified (seed 004 §3.1 "Identification").
enum class Identification : std::uint8_t {
  optional,  ///< a document may be given; when given it is checked
  document,  ///< a document type and number are required
  internal,  ///< the company asks for none: the library assigns a consecutive one
};

struct EnrollmentPolicy {
  /// Person fields that must not be empty: "first_name", "email", ...
  std::vector<std::string> required_fields{"first_name", "last_name", "email"};
  Status initial_status = Status::active;
  /// No two persons share an e-mail address (compared in lower case).
  bool unique_email = false;
  Identification identification = Identification::optional;
  /// Internal identifications are this prefix and the person id, 10 digits.
  std::string internal_prefix = "ID";
  /// The sponsor must be in the enrollee's territorial zone.
  bool territorial_coverage = false;
  /// Customer types that may sponsor (and refer) others.
  std::vector<CustomerType> sponsor_types{CustomerType::guest, CustomerType::customer,
                                          CustomerType::consultant};
  /// An enrollment that matches an existing person (external id, document
  /// or e-mail) continues as a conversion or a rejoining instead of being
  /// refused as a duplicate.
  bool continue_pre_existing = false;
  /// The most bytes of any one text a person is given.
  std::uint32_t max_text_bytes = 200;
};

/// The type of an extended field (seed 004 §7.1.2.4).
enum class FieldType : std::uint8_t { text, integer, decimal, date, boolean, choice };

/// One of the 20 extended fields of a person.
struct ExtendedFieldConfig {
  std::uint32_t slot = 0;  ///< 1..20: the rules see it as person.extended.<slot>
  std::string id;          ///< the key requests and exports use
  std::string label;
  FieldType type = FieldType::text;
  bool required = false;
  std::uint32_t max_length = 200;    ///< text: bytes
  std::vector<std::string> options;  ///< choice: the allowed values
};

/// An identification document type of a country, with its format mask
/// (seed 003 §6.3.8–6.3.9).
struct DocumentTypeConfig {
  std::string id;  ///< "CC"
  std::string name;
  std::vector<std::string> countries;  ///< empty: every country
  std::string mask;                    ///< "" = any letters and digits
};

/// How a country's phones and birth dates are displayed (seed 003 §6.3.8).
struct DisplayMasks {
  std::string country;
  std::string phone;       ///< over the national number: "### ### ## ##"
  std::string birth_date;  ///< "DD/MM/YYYY"
};

/// A kind of document a person attaches (seed 004 §6.3.1).
struct AttachmentTypeConfig {
  std::string id;
  std::string label;
  std::vector<std::string> extensions;  ///< lower case, without the dot
  bool mandatory = false;
  std::uint64_t max_bytes = 0;  ///< 0 = any size
};

/// One version of a contract (seed 004 §6.3.2, §7.1.2.3).
struct ContractConfig {
  std::string id;
  std::uint32_t version = 1;
  std::string title;
  std::string digest;                  ///< of the content the host shows: "sha256:<64 hex>"
  std::vector<std::string> countries;  ///< empty: every country
  std::vector<std::uint8_t> ranks;     ///< rank numbers; empty: every rank, and no rank
  bool active = true;
  bool mandatory = true;
};

/// Where an enrollment comes from (seed 004 §7.1).
enum class ChannelKind : std::uint8_t {
  corporate_site,
  replicated_site,  ///< a consultant's site: its slug names the sponsor
  chatbot,
  backoffice,  ///< a consultant enrolls; they are the sponsor unless another is given
  backend,     ///< the head office: staff only
  flat_file,   ///< staff only
  api,         ///< staff only
};

/// What an accepted enrollment leads to (seed 004 §7.1.1.1).
enum class Outcome : std::uint8_t {
  active,            ///< registered and active
  pending_approval,  ///< pre-registered, awaiting the registration workflow
  pending_kit,       ///< awaiting the starter kit's payment
};

/// A channel's form for one target type.
struct FormConfig {
  bool offered = true;
  /// Overrides enrollment.required_fields when set.
  std::optional<std::vector<std::string>> required_fields;
  Outcome outcome = Outcome::active;
};

struct ChannelConfig {
  std::string id;
  ChannelKind kind = ChannelKind::api;
  /// By CustomerType: guest, customer, consultant.
  std::array<FormConfig, 3> forms;
};

struct WorkflowStepConfig {
  std::string id;
  std::vector<std::string> roles;  ///< who may decide this step ("admin" always may)
};

struct WorkflowConfig {
  WorkItemKind kind = WorkItemKind::registration;
  std::vector<WorkflowStepConfig> steps;  ///< in order; at least one
};

/// A commercial state the close assigns by itself (seed 004 §6.3.3): after
/// this many campaigns in a row without a counted order.
struct CommercialStateRule {
  std::string id;
  std::uint8_t number = 0;   ///< 1 + position in the commercial states catalog
  std::uint32_t after = 0;   ///< campaigns without an order
  bool inactivates = false;  ///< reaching it inactivates the person (a VIP excepted)
};

/// How an order brings back a person the commercial states inactivated.
struct ReinstatementConfig {
  bool configured = false;
  std::uint32_t free_within = 0;  ///< campaigns without an order: back for free
  std::uint32_t fee_within = 0;   ///< ... back with a fee; beyond: re-appointment
};

/// What a rank asks of a person in one campaign (issue 6 §4); each set
/// requirement must hold. Volumes in micro-units.
struct RankRequirements {
  bool configured = false;  ///< false: the close never gives this rank
  std::optional<std::int64_t> personal_volume;
  std::optional<std::int64_t> group_volume;
  /// Counts at most this much of each first-level leg's group volume.
  std::optional<std::int64_t> max_per_leg;
  std::optional<std::uint32_t> active_recruits;
  std::uint8_t leg_rank = 0;  ///< legs: the rank number a leg must hold (0 = no such requirement)
  std::uint32_t legs = 0;     ///< legs: how many
  /// Campaigns in a row (this one included) in which the other requirements
  /// held; 0 = no such requirement.
  std::uint32_t consecutive = 0;
};

/// The career plan: where and how ranks are evaluated at the close.
struct CareerConfig {
  std::size_t network = 0;              ///< position in Config::networks
  std::vector<RankRequirements> ranks;  ///< by rank number - 1
  /// True when some rank has requirements (else the close evaluates none).
  bool configured() const {
    for (const auto& r : ranks)
      if (r.configured) return true;
    return false;
  }
};

/// One bound of a segmentation measure: value OP threshold.
struct SegmentBound {
  enum class Op : std::uint8_t { above, at_least, below, at_most };
  Op op = Op::above;
  std::int64_t value = 0;  ///< micro-units for the average order, a count of campaigns
};

/// A segment the close gives (seed 002 §7.3.1, "AA: average order above
/// 300,000 and 6 consecutive campaigns or more"): every bound must hold.
struct SegmentRule {
  std::string id;
  std::uint8_t number = 0;  ///< 1 + position in the segments catalog
  std::vector<SegmentBound> average_order;
  std::vector<SegmentBound> consecutive;
};

/// The traffic light of seed 002 §7.2.1.3: an active consultant's measure
/// in the campaign against two thresholds (green at least `green`, yellow
/// at least `yellow`, red below).
struct TrafficLightConfig {
  enum class Measure : std::uint8_t { personal_volume, amount, orders };
  bool configured = false;
  Measure measure = Measure::personal_volume;
  std::int64_t green = 0, yellow = 0;  ///< micro-units, or a count of orders
};

struct Config {
  std::string name;
  std::string currency = "USD";
  std::string time_zone = "UTC";
  /// The zone time_zone names, from the time zone database (never null).
  const date::time_zone* zone = nullptr;
  /// Orders count towards their campaign from this state on.
  OrderState counted_from = OrderState::placed;
  /// The automatic commercial states, by threshold (`after`, ascending).
  std::vector<CommercialStateRule> state_rules;
  ReinstatementConfig reinstatement;
  CareerConfig career;
  /// Checked in order at each close; empty: the close assigns no segment.
  std::vector<SegmentRule> segmentation;
  TrafficLightConfig traffic_light;
  /// The sponsor network first, the referral network second, then others.
  std::vector<NetworkConfig> networks;
  EnrollmentPolicy enrollment;
  std::vector<ExtendedFieldConfig> extended_fields;
  std::vector<DocumentTypeConfig> document_types;
  std::vector<DisplayMasks> display_masks;
  std::vector<AttachmentTypeConfig> attachment_types;
  /// Every version of every contract, in document order.
  std::vector<ContractConfig> contracts;
  /// The reasons a blacklist entry may give (seed 003 §6.3.5).
  std::vector<std::string> blacklist_reasons;
  /// Empty: any channel text is accepted and every form is offered.
  std::vector<ChannelConfig> channels;
  /// At most one per kind.
  std::vector<WorkflowConfig> workflows;
  /// Ranks, segments, commercial states and the compiled rules; never null.
  std::shared_ptr<const RuleBookData> rules;

  /// Position of a network in `networks`, or -1.
  int network_index(std::string_view name) const;
  /// The extended field with this id, or null.
  const ExtendedFieldConfig* extended_field(std::string_view id) const;
  /// The document type with this id, or null.
  const DocumentTypeConfig* document_type(std::string_view id) const;
  /// The display masks of a country, or null.
  const DisplayMasks* display_masks_of(std::string_view country) const;
  /// The attachment type with this id, or null.
  const AttachmentTypeConfig* attachment_type(std::string_view id) const;
  /// The version of a contract, or null.
  const ContractConfig* contract(std::string_view id, std::uint32_t version) const;
  /// The channel with this id, or null.
  const ChannelConfig* channel(std::string_view id) const;
  /// The workflow of a kind of item, or null.
  const WorkflowConfig* workflow(WorkItemKind kind) const;
};

/// Parses and checks the configuration JSON; throws InvalidArgument naming
/// the JSON path ("networks[2].structure") of the first problem.
Config parse_config(std::string_view json_text);

/// True when a contract of `config` applies to a person of this country
/// and rank (0 = none).
bool contract_applies(const ContractConfig& contract, std::string_view country, std::uint8_t rank);

/// The person fields a policy may require.
const std::vector<std::string>& person_field_names();

}  // namespace internal
DOWNLINE_END_NAMESPACE
