// downline — questions about the sponsor and referral networks.
//
// Levels: the parent of a network (a person with no parent in it) is at
// absolute level 0, their direct recruits at level 1, and so on. The level of
// X relative to an upline U is level(X) - level(U): U's own recruits are at
// relative level 1.
//
// Generations (seed 002 §7.1.1.2.3): a network may name a rank
// (`generations.rank`). Below an upline U, a generation ends at each person
// of that rank or above, who still belongs to it: the generation of X below U
// is 1 + the number of such persons strictly between U and X. Without a rank
// every person ends one, so generations are the relative levels.
#pragma once

#include <downline/export.hpp>
#include <downline/ids.hpp>
#include <downline/money.hpp>
#include <downline/person.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE

/// The network every query uses unless told otherwise.
inline constexpr const char* kSponsorNetwork = "sponsor";
/// The network of who invited whom.
inline constexpr const char* kReferralNetwork = "referral";

/// A person's place in one network.
struct NetworkMember {
  PersonId id;
  PersonId parent;                   ///< unset for a parent of the network
  std::uint32_t level = 0;           ///< absolute level (0 for a network parent)
  std::uint32_t relative_level = 0;  ///< level below the queried person
  CustomerType type = CustomerType::customer;
  Status status = Status::active;
  /// Slot under the parent: the leg in a binary network (0 left, 1 right),
  /// the column in a matrix, the order of arrival in a unilevel network.
  std::uint32_t position = 0;
  /// Generation below the queried person (see generations below): 1 up to
  /// and including the first person of the network's generation rank on
  /// each path, 2 from there to the next, and so on; the relative level when
  /// no rank is configured. In an upline: the generation the queried person
  /// is in for that upline.
  std::uint32_t generation = 0;

  friend bool operator==(const NetworkMember&, const NetworkMember&) = default;
};

/// Which part of a downline to list, and how.
struct DownlineQuery {
  std::string network = kSponsorNetwork;
  /// Deepest relative level listed (1 = direct recruits); none = all.
  std::optional<std::uint32_t> max_depth;
  /// Deepest generation listed (1 = the first); none = all.
  std::optional<std::uint32_t> max_generation;
  /// Only these customer types (empty = all).
  std::vector<CustomerType> types;
  /// Only these statuses (empty = all).
  std::vector<Status> statuses;
  /// Members skipped before the page starts.
  std::uint64_t offset = 0;
  /// Most members returned.
  std::uint64_t limit = std::numeric_limits<std::uint64_t>::max();
  /// Answer for the tree as it was at this instant (none = now).
  std::optional<Instant> as_of;
};

/// One page of a downline, in a stable order: depth-first, each person's
/// recruits in position order: slot order in a width-limited network,
/// arrival (enrollment) order otherwise (the genealogy tree read top to
/// bottom).
struct DownlinePage {
  std::vector<NetworkMember> members;
  std::uint64_t total = 0;  ///< members matching the query before paging
};

/// A person and the size of their whole downline (themselves excluded).
struct DownlineSize {
  PersonId id;
  std::uint64_t size = 0;

  friend bool operator==(const DownlineSize&, const DownlineSize&) = default;
};

/// One leg of a person: a direct child and everyone below them.
struct LegTotals {
  PersonId leg;  ///< the direct child the leg starts with
  /// The child's slot: 0 left and 1 right in a binary network.
  std::uint32_t position = 0;
  std::uint64_t persons = 0;  ///< the child and their downline
  std::uint64_t active = 0;   ///< of them, those whose status is active

  friend bool operator==(const LegTotals&, const LegTotals&) = default;
};

/// Figures of the part of a network an actor sees.
struct NetworkSummary {
  std::uint64_t persons = 0;  ///< persons visible in the network
  std::uint64_t parents = 0;  ///< visible persons whose parent is not visible
  std::uint32_t depth = 0;    ///< deepest absolute level seen
  /// Persons per absolute level, index = level.
  std::vector<std::uint64_t> per_level;
};

/// Moves a person, with or without their downline, to a new parent.
struct TransferRequest {
  PersonId person;
  std::string network = kSponsorNetwork;
  /// The new parent; unset makes the person a network parent.
  PersonId new_parent;
  /// The slot under the new parent (width-limited networks); none = the first free.
  std::optional<std::uint32_t> position;
  /// False: the person moves alone and their children move up to the
  /// person's former parent (in a width-limited network the first takes the
  /// freed slot; otherwise they come after the parent's other children).
  bool with_downline = true;
  /// When the move takes effect (default: now); never after now (the tree
  /// changes at once) nor before the network's latest change, so history is
  /// only appended.
  std::optional<Instant> effective_at;
  std::string reason;
};

/// Takes persons out of a network (dropouts) and moves their children up
/// to the nearest remaining upline.
struct CompressionRequest {
  std::string network;
  /// Who is removed; empty = every placed person whose status is one of the
  /// network's configured compression statuses.
  std::vector<PersonId> persons;
  std::optional<Instant> effective_at;
  std::string reason;
};

/// What an adjustment did, one event per person.
struct AdjustmentOutcome {
  std::vector<PersonId> moved;    ///< persons given a new parent, in event order
  std::vector<PersonId> removed;  ///< persons taken out (dropouts)
  EventSeq last_event;            ///< unset when nothing changed
};

/// A free position in a network: under `parent`, at slot `position`.
struct OpenSlot {
  PersonId parent;
  std::uint32_t position = 0;
  std::uint32_t level = 0;  ///< absolute level the newcomer would have

  friend bool operator==(const OpenSlot&, const OpenSlot&) = default;
};

/// How a subtree is written out.
enum class TreeFormat : std::uint8_t {
  json,  ///< nested objects: {"id", "parent", "level", ..., "children": [...]}
  csv,   ///< one row per person: id, parent, level, relative level, position, path, ...
  dot,   ///< Graphviz DOT, one node per person, edges parent -> child
};

/// Which subtree to export, and how.
struct TreeExportOptions {
  std::string network = kSponsorNetwork;
  /// Deepest relative level written (1 = direct recruits); none = all.
  std::optional<std::uint32_t> max_depth;
  TreeFormat format = TreeFormat::json;
};

/// A person's personal volume (PV) for a recalculation.
struct PersonalVolume {
  PersonId person;
  Decimal volume;  ///< zero or more
};

/// One recalculation of a network (seed 002 §7.1.1.4).
struct RecalculationRequest {
  std::string network = kSponsorNetwork;
  /// Each person's PV; persons not listed have none. Persons without a place
  /// in the network (lobby, dropouts) pass nothing up.
  std::vector<PersonalVolume> personal_volumes;
  /// Per-level counts are kept for relative levels 1..levels (at most 64).
  std::uint32_t levels = 3;
};

/// What a recalculation covered.
struct RecalculationSummary {
  std::string network;
  std::uint64_t persons = 0;  ///< persons placed in the network
  Decimal total_volume;       ///< their PV summed
  Instant at;                 ///< when it ran; the figures are of the tree then
};

/// One leg of a person as the last recalculation saw it.
struct LegVolume {
  PersonId leg;  ///< the direct child the leg starts with; unset when the actor may not see them
  std::uint32_t position = 0;  ///< the child's slot (0 left, 1 right in a binary network)
  std::uint64_t persons = 0;   ///< the child and their downline
  Decimal group_volume;        ///< the child's PV and their downline's

  friend bool operator==(const LegVolume&, const LegVolume&) = default;
};

/// A person's figures from the last recalculation of a network: the base of
/// KPIs and ranks. They describe the tree as it was when it ran: a person
/// moved or removed since still counts where they were until the next one.
/// They are the person's own figures, so they count everyone below them,
/// seen by the actor or not.
struct PersonFigures {
  PersonId person;
  Decimal personal_volume;
  Decimal group_volume;               ///< own PV plus the whole downline's
  std::uint64_t downline = 0;         ///< persons below
  std::uint64_t active_downline = 0;  ///< of them, with the status active
  /// Persons per relative level (index 0 = level 1), as many as the
  /// recalculation's `levels`.
  std::vector<std::uint64_t> level_counts;
  /// As level_counts, counting persons with the status active.
  std::vector<std::uint64_t> active_level_counts;
  /// One per direct child, in slot order.
  std::vector<LegVolume> legs;
  Instant recalculated_at;
};

/// A change of a person's rank: what the commercial cycle records at a
/// campaign close, or staff importing a history kept elsewhere.
struct RankChange {
  PersonId person;
  std::string rank;      ///< the new rank's id in the ranks catalog; "" = none
  std::string campaign;  ///< the campaign it was reached in (free text, e.g. "2026-11")
  /// When it takes effect (default: now); never before the person's latest
  /// rank change, so the history is only appended.
  std::optional<Instant> effective_at;
  std::string reason;
};

/// One period of a person's rank history (seed 002 §7.1.1.2.4).
struct RankPeriod {
  std::string rank;           ///< the rank held; "" = none
  std::string previous_rank;  ///< the rank held before; "" = none
  std::string campaign;       ///< the campaign it was reached in
  Instant from;               ///< when the change took effect
  /// When the next change took effect; unset while the rank is held.
  std::optional<Instant> until;
  /// Whole days held: from `from` to `until`, or to now while held.
  std::uint32_t held_days = 0;
  EventSeq event;  ///< the event that recorded the change

  friend bool operator==(const RankPeriod&, const RankPeriod&) = default;
};

/// One broken invariant found by Company::verify.
struct InvariantViolation {
  /// A stable short name: "second_parent", "cycle", "stale_depth",
  /// "index_storage_mismatch", ... (docs/getting-started.md lists them).
  std::string rule;
  std::string network;  ///< the network's name; empty for a person's own columns
  PersonId person;      ///< unset when the fault is not one person's
  std::string message;  ///< what is wrong, in English

  friend bool operator==(const InvariantViolation&, const InvariantViolation&) = default;
};

/// What Company::verify found. It checks every invariant of the in-memory
/// genealogy index (one parent per person, no cycle, levels, widths, depths,
/// slots, counts, pre-order intervals, ...), then reads the store in one
/// snapshot under the company's read lock (writers wait) and compares the
/// index with it person by person: place, slot and state in every network;
/// type, status, zone and rank. Throws PermissionDenied for an actor who is
/// not staff, Unavailable when other processes keep writing meanwhile.
/// Thread-safe.
struct VerifyReport {
  bool ok = true;             ///< true when no violation was found
  std::uint64_t persons = 0;  ///< persons in the index
  /// The violations found, at most the first 100.
  std::vector<InvariantViolation> violations;
};

DOWNLINE_END_NAMESPACE
