// The bulk enrollment path shared by Company::enroll_many (all or nothing)
// and the flat-file import (row by row).
#pragma once

#include <downline/enrollment.hpp>

#include "enrollment/validation.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

class CompanyState;
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
};

/// Partial batches: per request, what happened and the person it is now.
struct BatchRows {
  std::vector<RowFate> fates;
  std::vector<PersonId> persons;  ///< enrolled or existing; unset when rejected
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
