// downline — segmentation (issue 6 §6): RFM scores over a window of
// transactions, by quantile bins with the semantics of the R `rfm` package
// (R's type-7 quantiles, each threshold the quantile plus one, bins
// [lower, upper)) or by fixed thresholds, and segments as score ranges
// checked in order. Needs no store: a host or notebook can score any
// transactions; docs/segments.md is the reference.
#pragma once

#include <downline/export.hpp>
#include <downline/money.hpp>
#include <downline/time.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE

/// One transaction (an order) of a customer.
struct RfmTransaction {
  std::string customer;  ///< any non-empty id
  LocalDate date;
  Decimal revenue;
};

/// A segment: the customers whose three scores lie in these inclusive ranges.
struct RfmSegment {
  std::string name;
  std::uint8_t recency_lower = 1, recency_upper = 9;
  std::uint8_t frequency_lower = 1, frequency_upper = 9;
  std::uint8_t monetary_lower = 1, monetary_upper = 9;
};

/// How to score.
struct RfmOptions {
  /// Recency is counted in days from the last transaction to this date.
  LocalDate analysis_date;
  /// Quantile bins per measure (1–9) when no thresholds are given.
  std::uint32_t recency_bins = 5, frequency_bins = 5, monetary_bins = 5;
  /// Fixed thresholds, strictly ascending (k thresholds make k + 1 bins);
  /// empty: quantile bins. Recency in days, frequency in transactions.
  std::vector<Decimal> recency_thresholds, frequency_thresholds, monetary_thresholds;
  /// Checked in order: a customer gets the first segment whose ranges hold
  /// their scores, "Others" when none does.
  std::vector<RfmSegment> segments;
};

/// One customer's figures and scores.
struct RfmRow {
  std::string customer;
  LocalDate most_recent;
  std::int64_t recency_days = 0;
  std::uint64_t transactions = 0;
  Decimal amount;  ///< the sum of their revenue
  /// 1 (worst) to the number of bins (best): a recent, frequent, big
  /// spender scores high on all three.
  std::uint8_t recency_score = 0, frequency_score = 0, monetary_score = 0;
  std::uint32_t rfm_score = 0;  ///< recency × 100 + frequency × 10 + monetary
  std::string segment;          ///< "" when no segment is configured
};

/// One bin of a measure: values in [lower, upper) get `score`.
struct RfmBin {
  Decimal lower, upper;  ///< the quantile thresholds rounded to 6 decimals
  std::uint8_t score = 0;
};

/// The scores of every customer, by customer id (byte order), and the bins.
struct RfmResult {
  std::vector<RfmRow> rows;
  std::vector<RfmBin> recency, frequency, monetary;
};

/// Scores `transactions` (issue 6 §6). Thresholds are compared exactly (no
/// floating point): a value on a quantile's boundary lands where the exact
/// arithmetic puts it. Throws InvalidArgument naming the field
/// ("transactions[3].customer", "recency_bins", "monetary_thresholds",
/// "segments[1].recency") of a bad input.
DOWNLINE_API RfmResult rfm_table(std::span<const RfmTransaction> transactions,
                                 const RfmOptions& options);

DOWNLINE_END_NAMESPACE
