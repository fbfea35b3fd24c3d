// RFM segmentation (issue 6 §6) against the R `rfm` package: its own test of
// the quantile bins (mtcars' mpg), the rows its README prints for the
// package's sample orders (the fixture), fixed thresholds and segments
// checked in order.
#include <downline/downline.hpp>

#include "enrollment/csv.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace downline::testing {
namespace {

std::vector<RfmTransaction> one_each(const std::vector<const char*>& revenues) {
  std::vector<RfmTransaction> out;
  for (std::size_t i = 0; i < revenues.size(); ++i)
    out.push_back(
        {"c" + std::to_string(100 + i), LocalDate{2026, 1, 1}, Decimal::parse(revenues[i])});
  return out;
}

TEST(Rfm, QuantileBinsMatchThePackagesOwnTest) {
  // tests/testthat/test-utils.R: bins(mtcars, mpg, 5) is 16.20, 18.92, 22.00, 25.08.
  const auto mpg = one_each({"21.0", "21.0", "22.8", "21.4", "18.7", "18.1", "14.3", "24.4",
                             "22.8", "19.2", "17.8", "16.4", "17.3", "15.2", "10.4", "10.4",
                             "14.7", "32.4", "30.4", "33.9", "21.5", "15.5", "15.2", "13.3",
                             "19.2", "27.3", "26.0", "30.4", "15.8", "19.7", "15.0", "21.4"});
  RfmOptions o;
  o.analysis_date = LocalDate{2026, 1, 31};
  const RfmResult r = rfm_table(mpg, o);
  ASSERT_EQ(r.monetary.size(), 5u);
  const char* lower[] = {"10.4", "16.2", "18.92", "22", "25.08"};
  const char* upper[] = {"16.2", "18.92", "22", "25.08", "34.9"};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(r.monetary[i].lower, Decimal::parse(lower[i])) << i;
    EXPECT_EQ(r.monetary[i].upper, Decimal::parse(upper[i])) << i;
    EXPECT_EQ(r.monetary[i].score, i + 1);
  }
  // [10.4, 16.2) scores 1, [16.2, 18.92) 2, and so on.
  std::map<std::string, int> by_amount;
  for (const RfmRow& row : r.rows) by_amount[row.amount.to_string()] = row.monetary_score;
  EXPECT_EQ(by_amount["15.8"], 1);
  EXPECT_EQ(by_amount["16.4"], 2);
  EXPECT_EQ(by_amount["22.8"], 4);
  EXPECT_EQ(by_amount["21.5"], 3);
  EXPECT_EQ(by_amount["33.9"], 5);
  // Everyone bought on the same day: one recency, every score the top one.
  for (const RfmRow& row : r.rows) EXPECT_EQ(row.recency_score, 5);
}

// The segments of the package's README, checked in this order.
constexpr const char* kNames[] = {"Champions", "Potential Loyalist", "Loyal Customers",
                                  "Promising", "New Customers",      "Can't Lose Them",
                                  "At Risk",   "Need Attention",     "About To Sleep",
                                  "Lost"};
constexpr std::uint8_t kRl[] = {5, 3, 2, 3, 4, 1, 1, 1, 2, 1},
                       kRu[] = {5, 5, 4, 4, 5, 2, 2, 3, 3, 1},
                       kFl[] = {5, 3, 2, 1, 1, 3, 2, 3, 1, 1},
                       kFu[] = {5, 5, 4, 3, 3, 4, 5, 5, 3, 5},
                       kMl[] = {5, 2, 2, 3, 1, 4, 4, 3, 1, 1},
                       kMu[] = {5, 5, 4, 5, 5, 5, 5, 5, 4, 5};

std::vector<RfmSegment> readme_segments() {
  std::vector<RfmSegment> out;
  for (int i = 0; i < 10; ++i)
    out.push_back({kNames[i], kRl[i], kRu[i], kFl[i], kFu[i], kMl[i], kMu[i]});
  return out;
}

std::vector<RfmTransaction> fixture_orders() {
  std::ifstream in(DOWNLINE_FIXTURES "/rfm/orders.csv");
  EXPECT_TRUE(in) << "cannot read the fixture";
  internal::CsvReader csv(in);
  std::vector<std::string> cells;
  csv.next(cells);  // header: customer_id, order_date, revenue, ...
  std::vector<RfmTransaction> out;
  while (csv.next(cells))
    out.push_back({cells[0], LocalDate::parse(cells[1]), Decimal::parse(cells[2])});
  return out;
}

TEST(Rfm, ThePackagesSampleOrdersScoreAsItsReadmePrints) {
  const auto orders = fixture_orders();
  ASSERT_EQ(orders.size(), 4906u);
  RfmOptions o;
  o.analysis_date = LocalDate{2006, 12, 31};
  const RfmResult r = rfm_table(orders, o);
  ASSERT_EQ(r.rows.size(), 995u);
  std::uint64_t transactions = 0;
  for (const RfmRow& row : r.rows) transactions += row.transactions;
  EXPECT_EQ(transactions, 4906u);  // the package's own check
  o.segments = readme_segments();
  const RfmResult segmented = rfm_table(orders, o);
  struct Expected {
    const char* customer;
    std::int64_t recency;
    std::uint64_t count;
    const char* amount;
    std::uint32_t score;
    const char* segment;
  };
  // The first rows the package's README prints (analysis date 2006-12-31),
  // with the README's segments.
  const Expected rows[] = {{"Abbey O'Reilly", 205, 6, "472", 343, "Potential Loyalist"},
                           {"Add Senger", 140, 3, "340", 412, "New Customers"},
                           {"Aden Lesch", 194, 4, "405", 323, "Loyal Customers"},
                           {"Aden Murphy", 98, 7, "596", 544, "Potential Loyalist"},
                           {"Admiral Senger", 132, 5, "448", 433, "Potential Loyalist"}};
  for (std::size_t i = 0; i < 5; ++i) {
    SCOPED_TRACE(rows[i].customer);
    const RfmRow& row = segmented.rows[i];
    EXPECT_EQ(row.customer, rows[i].customer);
    EXPECT_EQ(row.recency_days, rows[i].recency);
    EXPECT_EQ(row.transactions, rows[i].count);
    EXPECT_EQ(row.amount, Decimal::parse(rows[i].amount));
    EXPECT_EQ(row.rfm_score, rows[i].score);
    EXPECT_EQ(row.segment, rows[i].segment);
    EXPECT_EQ(r.rows[i].segment, "");  // no segments configured
  }
  EXPECT_EQ(segmented.rows[3].most_recent, (LocalDate{2006, 9, 24}));
}

TEST(Rfm, FixedThresholdsAndSegmentsCheckedInOrder) {
  const auto orders = fixture_orders();
  RfmOptions o;
  o.analysis_date = LocalDate{2006, 12, 31};
  // The package's example thresholds (its tests) and the README's segments.
  for (const char* t : {"115", "181", "297", "482"})
    o.recency_thresholds.push_back(Decimal::parse(t));
  for (const char* t : {"4", "5", "6", "8"}) o.frequency_thresholds.push_back(Decimal::parse(t));
  for (const char* t : {"256", "382", "506", "666"})
    o.monetary_thresholds.push_back(Decimal::parse(t));
  o.segments = readme_segments();
  const RfmResult r = rfm_table(orders, o);
  ASSERT_EQ(r.recency.size(), 5u);
  EXPECT_EQ(r.recency[1].lower, Decimal::parse("115"));
  EXPECT_EQ(r.recency[1].score, 4);
  std::map<std::string, std::size_t> sizes;
  for (const RfmRow& row : r.rows) {
    ++sizes[row.segment];
    // Every row obeys the bins it was given, and its segment is the first that holds it.
    const std::int64_t d = row.recency_days;
    const int expect_r = d < 115 ? 5 : d < 181 ? 4 : d < 297 ? 3 : d < 482 ? 2 : 1;
    EXPECT_EQ(row.recency_score, expect_r) << row.customer;
    const auto t = row.transactions;
    EXPECT_EQ(row.frequency_score, t < 4 ? 1 : t < 5 ? 2 : t < 6 ? 3 : t < 8 ? 4 : 5);
    std::string first = "Others";
    for (int i = 0; i < 10; ++i)
      if (row.recency_score >= kRl[i] && row.recency_score <= kRu[i] &&
          row.frequency_score >= kFl[i] && row.frequency_score <= kFu[i] &&
          row.monetary_score >= kMl[i] && row.monetary_score <= kMu[i]) {
        first = kNames[i];
        break;
      }
    EXPECT_EQ(row.segment, first) << row.customer;
  }
  EXPECT_GT(sizes["Champions"], 0u);
  EXPECT_GT(sizes["Lost"], 0u);
  EXPECT_GT(sizes.size(), 5u);
}

TEST(Rfm, RefuseBadInputNamingTheField) {
  auto expect = [](const RfmOptions& o, std::vector<RfmTransaction> t, const std::string& field) {
    try {
      rfm_table(t, o);
      ADD_FAILURE() << "accepted; expected " << field;
    } catch (const InvalidArgument& e) {
      EXPECT_EQ(e.field(), field) << e.what();
    }
  };
  const auto some = one_each({"1", "2"});
  RfmOptions o;
  o.recency_bins = 0;
  expect(o, some, "recency_bins");
  o = {};
  o.monetary_bins = 10;
  expect(o, some, "monetary_bins");
  o = {};
  o.frequency_thresholds = {Decimal::parse("5"), Decimal::parse("5")};
  expect(o, some, "frequency_thresholds");
  o = {};
  o.segments.push_back({"", 1, 5, 1, 5, 1, 5});
  expect(o, some, "segments[0].name");
  o = {};
  o.segments.push_back({"x", 4, 2, 1, 5, 1, 5});
  expect(o, some, "segments[0].recency");
  o = {};
  auto bad = some;
  bad[1].customer.clear();
  expect(o, bad, "transactions[1].customer");
  EXPECT_TRUE(rfm_table({}, RfmOptions{}).rows.empty());
}

}  // namespace
}  // namespace downline::testing
