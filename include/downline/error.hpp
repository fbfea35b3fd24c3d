// downline — the error model shared by C++, C and Python.
//
// Failures throw a subclass of downline::Error carrying a canonical Code (the
// same numbers as the C `downline_status` and the Python exception classes),
// a message, and the path of the offending field when there is one.
// Expected negative outcomes (a rejected enrollment, ...) are not errors:
// they come back as data listing every Finding.
#pragma once

#include <downline/export.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE

/// Canonical status codes, numbered like abseil's; identical in C and Python.
enum class Code : int {
  ok = 0,
  invalid_argument = 3,
  not_found = 5,
  already_exists = 6,
  permission_denied = 7,
  resource_exhausted = 8,
  failed_precondition = 9,
  aborted = 10,
  out_of_range = 11,
  unimplemented = 12,
  internal = 13,
  unavailable = 14,
  data_loss = 15,
};

/// Returns the upper-case name of a code ("INVALID_ARGUMENT"); "UNKNOWN" for
/// a value outside the enum.
DOWNLINE_API std::string_view code_name(Code code) noexcept;

/// Base of every exception downline throws. Thread-safe to copy and read.
class DOWNLINE_API Error : public std::runtime_error {
 public:
  /// Builds an error; `field` is the path of the offending input ("" if none).
  Error(Code code, std::string message, std::string field = {});
  /// The canonical code.
  Code code() const noexcept { return code_; }
  /// The path of the offending field ("sponsor", "persons[3].email"), or "".
  const std::string& field() const noexcept { return field_; }

 private:
  Code code_;
  std::string field_;
};

#define DOWNLINE_DECLARE_ERROR(Name, code_value)                     \
  class DOWNLINE_API Name : public Error {                           \
   public:                                                           \
    explicit Name(std::string message, std::string field = {})       \
        : Error(code_value, std::move(message), std::move(field)) {} \
  }

/// The caller passed something malformed (bad JSON, bad e-mail, NULL, ...).
DOWNLINE_DECLARE_ERROR(InvalidArgument, Code::invalid_argument);
/// A referenced entity (person, network, ...) does not exist.
DOWNLINE_DECLARE_ERROR(NotFound, Code::not_found);
/// The entity to create exists already.
DOWNLINE_DECLARE_ERROR(AlreadyExists, Code::already_exists);
/// The actor may not see or do this.
DOWNLINE_DECLARE_ERROR(PermissionDenied, Code::permission_denied);
/// A bounded computation (e.g. a rule's evaluation) exceeded its budget.
DOWNLINE_DECLARE_ERROR(ResourceExhausted, Code::resource_exhausted);
/// A business rule forbids the operation in the current state.
DOWNLINE_DECLARE_ERROR(FailedPrecondition, Code::failed_precondition);
/// A conflict with another writer: retry the whole operation.
DOWNLINE_DECLARE_ERROR(Aborted, Code::aborted);
/// A value does not fit (decimal overflow, depth beyond limits, ...).
DOWNLINE_DECLARE_ERROR(OutOfRange, Code::out_of_range);
/// The operation is not supported (yet, or by this store).
DOWNLINE_DECLARE_ERROR(Unimplemented, Code::unimplemented);
/// A bug in downline: please report it.
DOWNLINE_DECLARE_ERROR(Internal, Code::internal);
/// The store is busy or unreachable: retry the call.
DOWNLINE_DECLARE_ERROR(Unavailable, Code::unavailable);
/// The store is corrupt or from an unknown future schema.
DOWNLINE_DECLARE_ERROR(DataLoss, Code::data_loss);

#undef DOWNLINE_DECLARE_ERROR

/// Throws the Error subclass that matches `code` (Internal for unknown codes).
[[noreturn]] DOWNLINE_API void throw_error(Code code, std::string message, std::string field = {});

/// One reason an expected operation did not go through: a machine-readable
/// `reason` ("sponsor_inactive"), the canonical code, the field path, a
/// human message, and the actual vs required values when they make sense.
struct Finding {
  Code code = Code::invalid_argument;
  std::string reason;
  std::string field;
  std::string message;
  std::string actual;
  std::string required;

  friend bool operator==(const Finding&, const Finding&) = default;
};

DOWNLINE_END_NAMESPACE
