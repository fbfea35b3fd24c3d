// The bulk enrollment path shared by Company::enroll_many (all or nothing)
// and the flat-file import (row by row).
#pragma once

#include <downline/enrollment.hpp>

#include "enrollment/validation.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

class CompanyState;
class Store;
struct Config;

/// What validate_request found for each request of a batch, and their
/// normalised values: the part of an enrollment that reads nothing but the
/// configuration, so it runs outside the writer's lock and on every core.
struct Prevalidated {
  std::vector<std::vector<Finding>> findings;
  std::vector<NormalizedPerson> norms;
};

/// Validates `requests` on up to `threads` threads (fields prefixed by the
/// request's index); never throws for bad input.
Prevalidated prevalidate(const Config& config, std::span<const EnrollmentRequest> requests,
                         unsigned threads);

/// Keys of a request that the batch written before it may hold (bits of
/// StoreFacts::suspect).
enum Suspect : std::uint8_t {
  suspect_external_id = 1,
  suspect_sponsor = 2,
  suspect_referrer = 4,
  suspect_email = 8,
  suspect_document = 16,
};

/// What the store held for each request of a batch, all read from one
/// committed state outside the writer's lock. The writer trusts them when
/// nothing committed since `as_of`, or nothing but the batch written just
/// before (BatchOptions::previous), whose keys it then asks the store for
/// where `suspect` says that batch may hold them: every committed write
/// appends an event, so the event sequence tells.
struct StoreFacts {
  EventSeq as_of;
  /// By request: the owner of its external id, of its sponsor's and
  /// referrer's external ids (unset when none, or not asked).
  std::vector<PersonId> existing, sponsors, referrers;
  std::vector<std::uint8_t> email_taken, document_taken;
  /// By request and BlacklistKind (document, email, phone): the reason.
  std::vector<std::array<std::optional<std::string>, 3>> barred;
  /// By request, Suspect bits; set by the caller when it names `previous`.
  std::vector<std::uint8_t> suspect;
};

/// Looks up, in one read of `store`, every key the requests' enrollment
/// checks against the store (`pre` gives their normalised values). Throws
/// what the store throws.
StoreFacts look_up_facts(const Store& store, const Config& config,
                         std::span<const EnrollmentRequest> requests, const Prevalidated& pre);

/// The last event before a batch was written and the last after it.
struct EventSpan {
  EventSeq before, after;
};

/// What a row-by-row batch did with a request.
enum class RowFate : std::uint8_t { enrolled, rejected, existing };

struct BatchOptions {
  /// Rejected requests are left out and the others written (an import);
  /// false: any finding rejects the whole batch (enroll_many).
  bool partial = false;
  /// Partial: a request whose external id is already enrolled is left as it
  /// is (RowFate::existing), so that re-running a file adds nothing.
  bool skip_existing = false;
  /// Computed by prevalidate for these requests; null: computed here.
  Prevalidated* pre = nullptr;
  /// Partial: external ids whose rows an earlier batch rejected; a request
  /// naming one as sponsor or referrer says so instead of "not found".
  const std::unordered_set<std::string>* rejected_before = nullptr;
  /// Looked up by look_up_facts for these requests (with `pre`); null:
  /// looked up here, before the writer's lock.
  const StoreFacts* facts = nullptr;
  /// The events of the batch written before this one, when `facts` may
  /// predate it (and say which keys it may hold).
  std::optional<EventSpan> previous;
};

/// Partial batches: per request, what happened and the person it is now.
struct BatchRows {
  std::vector<RowFate> fates;
  std::vector<PersonId> persons;  ///< enrolled or existing; unset when rejected
  EventSpan events;               ///< for the next batch's facts
};

/// Enrolls `requests` in one storage transaction. With `options.partial`
/// the outcome is accepted with findings for the rejected requests only and
/// `rows` (not null) says what happened to each; otherwise as enroll_many.
BulkEnrollmentOutcome enroll_batch(CompanyState& state, const Actor& actor,
                                   std::span<const EnrollmentRequest> requests,
                                   const ProgressFn& progress, const BatchOptions& options,
                                   BatchRows* rows);

}  // namespace internal
DOWNLINE_END_NAMESPACE
