// RFM with the R `rfm` package's semantics (utils.R `bins`, rfm_table_order):
// the thresholds of n bins are the type-7 quantiles at k/n (k = 1..n-1) plus
// one; bin i is [lower_i, upper_i) with lower = (min, t_1..t_{n-1}) and
// upper = (t_1..t_{n-1}, max + 1); recency scores n + 1 - i, frequency and
// monetary i. Values are micro-units and thresholds exact rationals, so no
// boundary depends on floating point.
#include <downline/error.hpp>
#include <downline/segments.hpp>

#include <algorithm>
#include <chrono>
#include <limits>
#include <numeric>
#include <string_view>
#include <tuple>
#include <unordered_map>

DOWNLINE_BEGIN_NAMESPACE

namespace {

__extension__ typedef __int128 Wide;
constexpr std::int64_t kUnit = 1'000'000;  // one day, one transaction, one currency unit

// A threshold num / den.
struct Cut {
  Wide num = 0;
  std::int64_t den = 1;
};

// A decimal's micro-units; throws OutOfRange beyond ±9223372036854.775807.
std::int64_t micros_of(const Decimal& d, const std::string& field) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  if (d.micros() > kMax || d.micros() < -kMax)
    throw OutOfRange("at most 9223372036854.775807 in absolute value", field);
  return static_cast<std::int64_t>(d.micros());
}

std::int64_t day_number(const LocalDate& d) {
  namespace chr = std::chrono;
  const chr::year_month_day ymd{chr::year{d.year}, chr::month{d.month}, chr::day{d.day}};
  return chr::sys_days{ymd}.time_since_epoch().count();
}

Decimal rounded(const Cut& c) {
  // Half-even to the micro-unit.
  Wide q = c.num / c.den, r = c.num % c.den;
  if (r < 0) {
    r += c.den;
    --q;
  }
  const Wide twice = 2 * r;
  if (twice > c.den || (twice == c.den && (q & 1) != 0)) ++q;
  return Decimal::from_micros(static_cast<Decimal::Rep>(q));
}

// The scores of one measure: `values` by customer, in micro-units.
std::vector<std::uint8_t> score(const std::vector<std::int64_t>& values, std::uint32_t bins,
                                const std::vector<Decimal>& fixed, const char* fixed_field,
                                bool reversed, std::vector<RfmBin>& out) {
  std::vector<std::uint8_t> scores(values.size(), 0);
  if (values.empty()) return scores;
  // Only a few order statistics are needed (the quantiles' neighbours, min
  // and max): selections on a copy, each in the range the one before left,
  // instead of a sort.
  std::vector<std::int64_t> work = values;
  const std::int64_t n = static_cast<std::int64_t>(work.size());
  std::vector<std::int64_t> wanted{0, n - 1};
  if (fixed.empty())
    for (std::uint32_t k = 1; k < bins; ++k) {
      const std::int64_t lo = (n - 1) * k / bins;
      wanted.push_back(lo);
      wanted.push_back(std::min(lo + 1, n - 1));
    }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  std::vector<std::int64_t> at(static_cast<std::size_t>(n),
                               0);  // order statistic by rank, where wanted
  auto from = work.begin();
  for (const std::int64_t rank : wanted) {
    const auto nth = work.begin() + rank;
    std::nth_element(from, nth, work.end());
    at[static_cast<std::size_t>(rank)] = *nth;
    from = nth + 1;
  }
  std::vector<Cut> cuts;
  if (fixed.empty()) {
    for (std::uint32_t k = 1; k < bins; ++k) {
      // h = (n - 1) k / bins; q = x[floor h] + frac(h) (x[floor h + 1] - x[floor h]).
      const std::int64_t whole = (n - 1) * k;
      const std::int64_t lo = whole / bins, rem = whole % bins;
      const std::int64_t hi = std::min(lo + 1, n - 1);
      const Wide xl = at[static_cast<std::size_t>(lo)], xh = at[static_cast<std::size_t>(hi)];
      cuts.push_back(Cut{xl * bins + Wide{rem} * (xh - xl) + Wide{kUnit} * bins, bins});
    }
  } else {
    for (const Decimal& d : fixed) cuts.push_back(Cut{micros_of(d, fixed_field), 1});
  }
  std::vector<Cut> lower{Cut{at.front(), 1}}, upper;
  lower.insert(lower.end(), cuts.begin(), cuts.end());
  upper = cuts;
  upper.push_back(Cut{Wide{at[static_cast<std::size_t>(n - 1)]} + kUnit, 1});
  const std::size_t count = lower.size();
  out.clear();
  // For an integer v, v >= a/b and v < a/b both compare v with ceil(a/b).
  auto ceil_of = [](const Cut& c) {
    Wide q = c.num / c.den;
    if (q * c.den < c.num) ++q;
    return q;
  };
  std::vector<Wide> lo_at(count), hi_at(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto s = static_cast<std::uint8_t>(reversed ? count - i : i + 1);
    out.push_back(RfmBin{rounded(lower[i]), rounded(upper[i]), s});
    lo_at[i] = ceil_of(lower[i]);
    hi_at[i] = ceil_of(upper[i]);
  }
  // As the package does: bin after bin, a later bin overwriting.
  for (std::size_t v = 0; v < values.size(); ++v)
    for (std::size_t i = 0; i < count; ++i)
      if (values[v] >= lo_at[i] && values[v] < hi_at[i]) scores[v] = out[i].score;
  return scores;
}

void check_bins(std::uint32_t bins, const std::vector<Decimal>& fixed, const char* bins_field,
                const char* thresholds_field) {
  if (fixed.empty()) {
    if (bins < 1 || bins > 9) throw InvalidArgument("expected 1 to 9 bins", bins_field);
    return;
  }
  if (fixed.size() > 8) throw InvalidArgument("at most 8 thresholds (9 bins)", thresholds_field);
  for (std::size_t i = 1; i < fixed.size(); ++i)
    if (!(fixed[i - 1] < fixed[i]))
      throw InvalidArgument("thresholds are strictly ascending", thresholds_field);
}

}  // namespace

RfmResult rfm_table(std::span<const RfmTransaction> transactions, const RfmOptions& options) {
  check_bins(options.recency_bins, options.recency_thresholds, "recency_bins",
             "recency_thresholds");
  check_bins(options.frequency_bins, options.frequency_thresholds, "frequency_bins",
             "frequency_thresholds");
  check_bins(options.monetary_bins, options.monetary_thresholds, "monetary_bins",
             "monetary_thresholds");
  for (std::size_t i = 0; i < options.segments.size(); ++i) {
    const RfmSegment& s = options.segments[i];
    const std::string at = "segments[" + std::to_string(i) + "].";
    if (s.name.empty()) throw InvalidArgument("a segment has a name", at + "name");
    for (auto [lo, hi, what] : {std::tuple{s.recency_lower, s.recency_upper, "recency"},
                                std::tuple{s.frequency_lower, s.frequency_upper, "frequency"},
                                std::tuple{s.monetary_lower, s.monetary_upper, "monetary"}})
      if (lo > hi || hi > 9) throw InvalidArgument("expected scores lower ≤ upper ≤ 9", at + what);
  }
  // Customers in byte order, as dplyr's group_by sorts them.
  std::unordered_map<std::string_view, std::uint32_t> index;
  index.reserve(transactions.size() / 2 + 1);
  std::vector<std::string_view> names;
  std::vector<std::uint32_t> of(transactions.size());
  for (std::size_t i = 0; i < transactions.size(); ++i) {
    const std::string& c = transactions[i].customer;
    if (c.empty())
      throw InvalidArgument("a transaction names its customer",
                            "transactions[" + std::to_string(i) + "].customer");
    auto [it, fresh] = index.try_emplace(c, static_cast<std::uint32_t>(names.size()));
    if (fresh) names.push_back(c);
    of[i] = it->second;
  }
  std::vector<std::uint32_t> order(names.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&names](std::uint32_t a, std::uint32_t b) { return names[a] < names[b]; });
  std::vector<std::uint32_t> rank(names.size());
  for (std::uint32_t r = 0; r < order.size(); ++r) rank[order[r]] = r;

  const std::size_t n = names.size();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::vector<std::int64_t> last(n, INT64_MIN), count(n, 0);
  std::vector<Wide> amount(n, 0);
  for (std::size_t i = 0; i < transactions.size(); ++i) {
    const std::uint32_t c = rank[of[i]];
    last[c] = std::max(last[c], day_number(transactions[i].date));
    ++count[c];
    const auto& micros = transactions[i].revenue.micros();
    // The field is named only on a failure: a string per transaction costs
    // more than the rest of the row.
    if (micros > kMax || micros < -kMax)
      micros_of(transactions[i].revenue, "transactions[" + std::to_string(i) + "].revenue");
    amount[c] += static_cast<std::int64_t>(micros);
  }
  const std::int64_t today = day_number(options.analysis_date);
  std::vector<std::int64_t> recency(n), frequency(n), monetary(n);
  for (std::size_t c = 0; c < n; ++c) {
    recency[c] = (today - last[c]) * kUnit;
    frequency[c] = count[c] * kUnit;
    if (amount[c] > Wide{kMax} || amount[c] < -Wide{kMax})
      throw OutOfRange("a customer's revenue does not fit", "transactions");
    monetary[c] = static_cast<std::int64_t>(amount[c]);
  }
  RfmResult out;
  const auto r = score(recency, options.recency_bins, options.recency_thresholds,
                       "recency_thresholds", true, out.recency);
  const auto f = score(frequency, options.frequency_bins, options.frequency_thresholds,
                       "frequency_thresholds", false, out.frequency);
  const auto m = score(monetary, options.monetary_bins, options.monetary_thresholds,
                       "monetary_thresholds", false, out.monetary);
  out.rows.resize(n);
  for (std::size_t c = 0; c < n; ++c) {
    RfmRow& row = out.rows[c];
    row.customer = std::string(names[order[c]]);
    namespace chr = std::chrono;
    const chr::year_month_day ymd{chr::sys_days{chr::days{last[c]}}};
    row.most_recent = LocalDate{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                                static_cast<unsigned>(ymd.day())};
    row.recency_days = today - last[c];
    row.transactions = static_cast<std::uint64_t>(count[c]);
    row.amount = Decimal::from_micros(monetary[c]);
    row.recency_score = r[c];
    row.frequency_score = f[c];
    row.monetary_score = m[c];
    row.rfm_score = r[c] * 100u + f[c] * 10u + m[c];
    if (options.segments.empty()) continue;
    row.segment = "Others";
    for (const RfmSegment& s : options.segments)
      if (r[c] >= s.recency_lower && r[c] <= s.recency_upper && f[c] >= s.frequency_lower &&
          f[c] <= s.frequency_upper && m[c] >= s.monetary_lower && m[c] <= s.monetary_upper) {
        row.segment = s.name;
        break;
      }
  }
  return out;
}

DOWNLINE_END_NAMESPACE
