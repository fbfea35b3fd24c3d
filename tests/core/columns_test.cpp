// The per-person result columns of a close: exact round trips, one byte per
// small value, and a clear DataLoss for anything that is not a column.
#include "cycle/columns.hpp"

#include <downline/error.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace downline::internal {
namespace {

TEST(Columns, RoundTripEveryWidthAndSign) {
  const std::vector<std::int64_t> values = {0,
                                            1,
                                            -1,
                                            63,
                                            -64,
                                            64,
                                            1'000'000'000'000,
                                            std::numeric_limits<std::int64_t>::max(),
                                            std::numeric_limits<std::int64_t>::min()};
  EXPECT_EQ(decode_column(encode_column(values)), values);
  const std::vector<std::uint8_t> bytes = {0, 3, 255};
  EXPECT_EQ(decode_column(encode_column(bytes)), (std::vector<std::int64_t>{0, 3, 255}));
  const std::vector<std::uint32_t> counts = {0, 4'000'000'000u};
  EXPECT_EQ(decode_column(encode_column(counts)), (std::vector<std::int64_t>{0, 4'000'000'000}));
  EXPECT_TRUE(decode_column(encode_column(std::vector<std::int64_t>{})).empty());
}

TEST(Columns, SmallValuesTakeOneByte) {
  const std::vector<std::int64_t> small(1000, -5);
  EXPECT_EQ(encode_column(small).size(), 1000u + 1 + 2);  // format, count (2 bytes), values
}

TEST(Columns, RefuseWhatIsNotAColumn) {
  std::string good = encode_column(std::vector<std::int64_t>{1, 200, 3});
  EXPECT_THROW(decode_column(""), DataLoss);
  EXPECT_THROW(decode_column("\x02\x00"), DataLoss);                       // unknown format
  EXPECT_THROW(decode_column(good.substr(0, good.size() - 1)), DataLoss);  // truncated
  EXPECT_THROW(decode_column(good + "x"), DataLoss);                       // trailing bytes
  EXPECT_THROW(decode_column(std::string("\x01\x05\x80", 3)), DataLoss);   // a cut varint
}

}  // namespace
}  // namespace downline::internal
