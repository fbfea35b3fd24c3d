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

DOWNLINE_END_NAMESPACE
