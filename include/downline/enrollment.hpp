// downline — enrolling persons into the company's networks.
#pragma once

#include <downline/error.hpp>
#include <downline/export.hpp>
#include <downline/ids.hpp>
#include <downline/person.hpp>
#include <downline/rules.hpp>
#include <downline/time.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE

/// An explicit place in a width-limited or lobby network, instead of the
/// network's placement policy: a leader's or the head office's choice.
struct PlacementChoice {
  std::string network;
  /// The parent; unset to let the policy search from the sponsor (then only
  /// `position` is chosen: the sponsor's leg).
  PersonId parent;
  /// The slot under the parent (binary: 0 left, 1 right); none = the first free.
  std::optional<std::uint32_t> position;
};

/// One person to enroll.
///
/// The sponsor is given by id or by external id (the latter may name a person
/// enrolled earlier in the same bulk call). The referrer defaults to the
/// sponsor. A request without a sponsor makes the person a parent of the
/// sponsor network; only actors that see everyone may do that.
struct EnrollmentRequest {
  CustomerType type = CustomerType::consultant;
  PersonData person;
  PersonId sponsor;
  std::string sponsor_external_id;
  PersonId referrer;
  std::string referrer_external_id;
  std::string channel;                  ///< free text: "backoffice", "web", ...
  std::optional<Instant> effective_at;  ///< defaults to the clock's now
  std::string reason;                   ///< recorded in the event log
  /// Explicit places in placement networks (at most one per network).
  std::vector<PlacementChoice> placements;
};

/// The result of one enrollment: accepted with the new person's id and the
/// event that recorded it, or rejected with every finding.
struct EnrollmentOutcome {
  bool accepted = false;
  PersonId person;
  EventSeq event;
  std::vector<Finding> findings;
  /// What the configuration's enrollment rules decided for the person, as
  /// also recorded in the "enrolled" event (benefits, reviews and kits are
  /// for the host to act on).
  std::vector<Decision> decisions;
};

/// The result of a bulk enrollment, all or nothing: when any request is
/// rejected nothing is written and `findings` lists every problem, with
/// fields prefixed by the request's index ("[3].email").
struct BulkEnrollmentOutcome {
  bool accepted = false;
  std::vector<PersonId> persons;  ///< in request order when accepted
  EventSeq last_event;
  std::vector<Finding> findings;
  /// Per accepted request, in request order: what the enrollment rules
  /// decided (see EnrollmentOutcome::decisions); empty when the
  /// configuration has no enrollment rules.
  std::vector<std::vector<Decision>> decisions;
};

/// Called during long bulk work with the number of items done and the total.
/// Runs on the calling thread; must not call back into the Company.
using ProgressFn = std::function<void(std::size_t done, std::size_t total)>;

DOWNLINE_END_NAMESPACE
