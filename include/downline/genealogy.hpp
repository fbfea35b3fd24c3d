// downline — questions about the sponsor and referral networks.
//
// Levels: the parent of a network (a person with no parent in it) is at
// absolute level 0, their direct recruits at level 1, and so on. The level of
// X relative to an upline U is level(X) - level(U): U's own recruits are at
// relative level 1.
#pragma once

#include <downline/export.hpp>
#include <downline/ids.hpp>
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

  friend bool operator==(const NetworkMember&, const NetworkMember&) = default;
};

/// Which part of a downline to list, and how.
struct DownlineQuery {
  std::string network = kSponsorNetwork;
  /// Deepest relative level listed (1 = direct recruits); none = all.
  std::optional<std::uint32_t> max_depth;
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
/// recruits in enrollment order (the genealogy tree read top to bottom).
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
  /// person's former parent (the first takes the freed position).
  bool with_downline = true;
  /// When the move takes effect (default: now); never before the network's
  /// latest change, so history is only appended.
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
