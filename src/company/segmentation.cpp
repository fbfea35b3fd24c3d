// Segments at a campaign's close (seed 002 §7.3.1): "AA: an average order
// above 300,000 and 6 consecutive campaigns or more", rules checked in
// order over two measures of the campaign, kept as result columns.
#include "company/close.hpp"

#include "cycle/columns.hpp"
#include "rules/rule_book.hpp"

namespace downline {
inline namespace v0 {
namespace internal {

namespace {

__extension__ typedef __int128 Wide;

// Whether `n / d` (d > 0) holds every bound, exactly.
bool holds(const std::vector<SegmentBound>& bounds, Wide n, Wide d) {
  for (const SegmentBound& b : bounds) {
    const Wide t = Wide{b.value} * d;
    const bool ok = b.op == SegmentBound::Op::above      ? n > t
                    : b.op == SegmentBound::Op::at_least ? n >= t
                    : b.op == SegmentBound::Op::below    ? n < t
                                                         : n <= t;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

SegmentClose close_segments(const CompanyState& s, std::size_t k, const CampaignTotals* totals,
                            CampaignSummary& out) {
  SegmentClose result;
  const auto& rules = s.config.segmentation;
  if (rules.empty()) return result;
  const std::size_t n = s.index.size();
  std::vector<std::int64_t> before;
  if (k > 0)
    if (auto c = s.store->campaign_column(s.cycle.calendar.campaigns[k - 1].id, "segments.streak"))
      before = decode_column(*c);
  std::vector<std::uint32_t> streak(n, 0);
  result.assigned.assign(n, 0);
  const auto& catalog = s.config.rules->segments;
  std::vector<std::uint64_t> counts(catalog.size() + 1, 0);
  for (Node v = 0; v < n; ++v) {
    const std::uint32_t orders = totals && v < totals->orders.size() ? totals->orders[v] : 0;
    const std::int64_t amount = totals && v < totals->amount.size() ? totals->amount[v] : 0;
    if (orders > 0) streak[v] = 1 + static_cast<std::uint32_t>(v < before.size() ? before[v] : 0);
    for (const SegmentRule& rule : rules) {
      if (!rule.average_order.empty() &&
          (orders == 0 || !holds(rule.average_order, amount, orders)))
        continue;
      if (!holds(rule.consecutive, streak[v], 1)) continue;
      result.assigned[v] = rule.number;
      break;
    }
    ++counts[result.assigned[v]];
  }
  for (std::size_t i = 1; i < counts.size(); ++i)
    if (counts[i]) out.segments.emplace_back(catalog[i - 1].id, counts[i]);
  result.columns.emplace_back("segments.assigned", encode_column(result.assigned));
  result.columns.emplace_back("segments.streak", encode_column(streak));
  return result;
}

}  // namespace internal
}  // namespace v0
}  // namespace downline
