#include <downline/error.hpp>

#include <gtest/gtest.h>

namespace downline {
namespace {

template <class E>
void expect_thrown_as(Code code, const char* name) {
  try {
    throw_error(code, "message", "field.path");
  } catch (const E& e) {
    EXPECT_EQ(e.code(), code);
    EXPECT_EQ(e.field(), "field.path");
    EXPECT_STREQ(e.what(), "message");
    EXPECT_EQ(code_name(code), name);
    return;
  }
  ADD_FAILURE() << name << " was not thrown as its class";
}

TEST(Error, EveryCodeIsThrownAsItsOwnClassWithItsName) {
  expect_thrown_as<InvalidArgument>(Code::invalid_argument, "INVALID_ARGUMENT");
  expect_thrown_as<NotFound>(Code::not_found, "NOT_FOUND");
  expect_thrown_as<AlreadyExists>(Code::already_exists, "ALREADY_EXISTS");
  expect_thrown_as<PermissionDenied>(Code::permission_denied, "PERMISSION_DENIED");
  expect_thrown_as<ResourceExhausted>(Code::resource_exhausted, "RESOURCE_EXHAUSTED");
  expect_thrown_as<FailedPrecondition>(Code::failed_precondition, "FAILED_PRECONDITION");
  expect_thrown_as<Aborted>(Code::aborted, "ABORTED");
  expect_thrown_as<OutOfRange>(Code::out_of_range, "OUT_OF_RANGE");
  expect_thrown_as<Unimplemented>(Code::unimplemented, "UNIMPLEMENTED");
  expect_thrown_as<Internal>(Code::internal, "INTERNAL");
  expect_thrown_as<Unavailable>(Code::unavailable, "UNAVAILABLE");
  expect_thrown_as<DataLoss>(Code::data_loss, "DATA_LOSS");
}

TEST(Error, CodesKeepTheirCanonicalNumbers) {
  EXPECT_EQ(static_cast<int>(Code::invalid_argument), 3);
  EXPECT_EQ(static_cast<int>(Code::resource_exhausted), 8);
  EXPECT_EQ(static_cast<int>(Code::data_loss), 15);
  EXPECT_EQ(code_name(static_cast<Code>(99)), "UNKNOWN");
  // OK and unknown codes are not errors to throw: they become INTERNAL.
  EXPECT_THROW(throw_error(Code::ok, "x"), Internal);
}

}  // namespace
}  // namespace downline
