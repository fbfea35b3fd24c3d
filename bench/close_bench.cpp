// The close of a campaign (issue 6): Company::close_campaign of the third of
// three monthly campaigns in a SQLite company of DOWNLINE_BENCH_PERSONS
// persons (default 1,000,000, the cached generated network), whose first two
// campaigns are closed and each of whose campaigns holds orders of about
// seven persons in ten. The configuration has every stage the close runs:
// commercial states after 1 and 2 campaigns without an order (the second
// inactivates), a three-rank career plan (personal and capped group volume,
// active recruits, legs, a streak) with its explanation columns, segments
// by average order and streak, and the summary, digest and events
// persisted in the one transaction. Each iteration closes a fresh copy of
// the prepared file; opening it is not timed.
#include <benchmark/benchmark.h>

#include "bench_support.hpp"

#include <downline/cycle.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace downline_bench;
using downline::CampaignSpec;
using downline::CampaignSummary;
using downline::Decimal;
using downline::Instant;
using downline::OrderLine;
using downline::OrderReport;
using downline::OrderState;

constexpr const char* kCloseConfig = R"({
  "company": {"name": "Bench", "currency": "USD"},
  "commercial_states": [
    {"id": "ordering", "after_campaigns_without_order": 0},
    {"id": "watch", "after_campaigns_without_order": 1},
    {"id": "dropped", "after_campaigns_without_order": 2, "inactivates": true}],
  "reinstatement": {"free_within": 5, "fee_within": 13},
  "career": {"network": "sponsor"},
  "ranks": [
    {"id": "consultant", "requirements": {"personal_volume": "40"}},
    {"id": "leader", "requirements": {"personal_volume": "40", "group_volume": "2000",
                                      "active_recruits": 3}},
    {"id": "director", "requirements": {"personal_volume": "40", "group_volume": "20000",
                                        "max_per_leg": "10000",
                                        "legs": {"rank": "leader", "count": 2},
                                        "consecutive_campaigns": 2}}],
  "segments": [{"id": "AA"}, {"id": "A"}, {"id": "B"}],
  "segmentation": [
    {"segment": "AA", "average_order": {"above": "70000"}, "consecutive_campaigns": {"at_least": 3}},
    {"segment": "A", "average_order": {"above": "50000"}, "consecutive_campaigns": {"at_least": 2}},
    {"segment": "B", "consecutive_campaigns": {"at_least": 1}}]
})";

constexpr std::size_t kCall = 50'000;
// In 2030, after the cached network's enrollment (the real time it was
// built), so that every consultant counts the campaigns without an order;
// the company's clock stands after the third.
const CampaignSpec kMonths[] = {{"2030-01", {2030, 1, 1}, {2030, 1, 31}},
                                {"2030-02", {2030, 2, 1}, {2030, 2, 28}},
                                {"2030-03", {2030, 3, 1}, {2030, 3, 31}}};

downline::OpenOptions with_clock() {
  downline::OpenOptions options;
  options.clock =
      std::make_shared<downline::ManualClock>(Instant::parse_rfc3339("2030-04-02T00:00:00Z"));
  return options;
}

std::size_t person_count() {
  return persons(1'000'000);
}

// Whether person `i` orders in campaign `k`: about seven in ten, a different
// seven each campaign (a cheap hash, so the file is the same on every run).
bool orders_in(std::size_t i, std::size_t k) {
  std::uint64_t h = (i + 1) * 0x9E3779B97F4A7C15ULL + (k + 1) * 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 31;
  h *= 0x94D049BB133111EBULL;
  h ^= h >> 29;
  return h % 10 < 7;
}

// The 1M network with its calendar, three campaigns of orders and the first
// two closed: built once and cached next to the network.
std::filesystem::path prepared_company() {
  const std::size_t n = person_count();
  const auto path = work_dir() / ("downline-bench-close-v1-" + std::to_string(n) + ".sqlite");
  if (std::filesystem::exists(path)) return path;
  const auto tmp =
      work_dir() / ("downline-bench-close-v1-" + std::to_string(n) + ".building.sqlite");
  remove_sqlite(tmp);
  std::filesystem::copy_file(cached_sqlite(n), tmp);
  std::fprintf(stderr, "bench: preparing %s (orders of three campaigns)...\n", path.c_str());
  {
    auto company = Company::open("sqlite:" + tmp.string(), kCloseConfig, with_clock());
    company.add_campaigns(admin(), kMonths);
    std::vector<OrderReport> call;
    std::size_t serial = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      static constexpr const char* kFirstDay[] = {"2030-01-02T12:00:00Z", "2030-02-02T12:00:00Z",
                                                  "2030-03-02T12:00:00Z"};
      const std::int64_t day0 = Instant::parse_rfc3339(kFirstDay[k]).micros_since_epoch;
      for (std::size_t i = 0; i < n; ++i) {
        if (!orders_in(i, k)) continue;
        OrderReport r;
        r.id = "O-" + std::to_string(serial++);
        r.owner = PersonId{static_cast<std::int64_t>(i + 1)};
        r.state = OrderState::paid;
        r.at = Instant{day0 + static_cast<std::int64_t>(i % 25) * 24 * 3600 * 1'000'000LL};
        const std::int64_t units = 20 + static_cast<std::int64_t>((i * 31 + k * 7) % 80);
        r.lines.push_back(OrderLine{"SKU-" + std::to_string(i % 50),
                                    1,
                                    Decimal::from_integer(units * 1000),
                                    Decimal::from_integer(units),
                                    {}});
        call.push_back(std::move(r));
        if (call.size() == kCall) {
          company.report_orders(admin(), call);
          call.clear();
        }
      }
      if (!call.empty()) company.report_orders(admin(), call);
      call.clear();
    }
    company.close_campaign(admin(), "2030-01");
    company.close_campaign(admin(), "2030-02");
  }
  remove_sqlite(path);
  std::filesystem::rename(tmp, path);
  return path;
}

void BM_Close_Campaign(benchmark::State& state) {
  const auto source = prepared_company();
  const auto path = work_dir() / "downline-bench-close.sqlite";
  CampaignSummary summary;
  for (auto _ : state) {
    state.PauseTiming();
    remove_sqlite(path);
    std::filesystem::copy_file(source, path);
    auto company = Company::open("sqlite:" + path.string(), kCloseConfig, with_clock());
    state.ResumeTiming();
    summary = company.close_campaign(admin(), "2030-03");
    // Committed: what follows (closing the file, SQLite's checkpoint of its
    // log into the database) is not the close's.
    state.PauseTiming();
    if (summary.already_closed || summary.persons_with_orders == 0)
      state.SkipWithError("the close did nothing");
    { auto closing = std::move(company); }
    state.ResumeTiming();
  }
  remove_sqlite(path);
  state.counters["persons"] = static_cast<double>(person_count());
  state.counters["orders"] = static_cast<double>(summary.orders);
  state.counters["state_changes"] = static_cast<double>(summary.state_changes);
  state.counters["inactivated"] = static_cast<double>(summary.inactivated);
  state.counters["promotions"] = static_cast<double>(summary.promotions);
}
BENCHMARK(BM_Close_Campaign)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
