#include <downline/error.hpp>

DOWNLINE_BEGIN_NAMESPACE

std::string_view code_name(Code code) noexcept {
  switch (code) {
    case Code::ok: return "OK";
    case Code::invalid_argument: return "INVALID_ARGUMENT";
    case Code::not_found: return "NOT_FOUND";
    case Code::already_exists: return "ALREADY_EXISTS";
    case Code::permission_denied: return "PERMISSION_DENIED";
    case Code::resource_exhausted: return "RESOURCE_EXHAUSTED";
    case Code::failed_precondition: return "FAILED_PRECONDITION";
    case Code::aborted: return "ABORTED";
    case Code::out_of_range: return "OUT_OF_RANGE";
    case Code::unimplemented: return "UNIMPLEMENTED";
    case Code::internal: return "INTERNAL";
    case Code::unavailable: return "UNAVAILABLE";
    case Code::data_loss: return "DATA_LOSS";
  }
  return "UNKNOWN";
}

Error::Error(Code code, std::string message, std::string field)
    : std::runtime_error(std::move(message)), code_(code), field_(std::move(field)) {}

void throw_error(Code code, std::string message, std::string field) {
  switch (code) {
    case Code::invalid_argument: throw InvalidArgument(std::move(message), std::move(field));
    case Code::not_found: throw NotFound(std::move(message), std::move(field));
    case Code::already_exists: throw AlreadyExists(std::move(message), std::move(field));
    case Code::permission_denied: throw PermissionDenied(std::move(message), std::move(field));
    case Code::resource_exhausted: throw ResourceExhausted(std::move(message), std::move(field));
    case Code::failed_precondition: throw FailedPrecondition(std::move(message), std::move(field));
    case Code::aborted: throw Aborted(std::move(message), std::move(field));
    case Code::out_of_range: throw OutOfRange(std::move(message), std::move(field));
    case Code::unimplemented: throw Unimplemented(std::move(message), std::move(field));
    case Code::unavailable: throw Unavailable(std::move(message), std::move(field));
    case Code::data_loss: throw DataLoss(std::move(message), std::move(field));
    case Code::ok:
    case Code::internal: break;
  }
  throw Internal(std::move(message), std::move(field));
}

DOWNLINE_END_NAMESPACE
