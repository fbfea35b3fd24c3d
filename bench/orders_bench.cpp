// Bulk order ingestion (issue 6): Company::report_orders of generated paid
// orders, one line each, into a SQLite company of DOWNLINE_BENCH_PERSONS
// persons (default 100,000) with a calendar of three monthly campaigns,
// DOWNLINE_BENCH_ORDERS orders (default 1,000,000) in calls of 50,000 — each
// checked against its stored state, its campaign and its owner, written with
// its state history and the owner's first purchase, applied to the
// campaign totals. Next to it, the raw SQLite ceiling: the same order and
// state rows into the same schema by prepared statements, one event per
// 50,000, no checks.
#include <benchmark/benchmark.h>

#include "bench_support.hpp"

#include <downline/cycle.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using namespace downline_bench;
using downline::CampaignSpec;
using downline::Decimal;
using downline::Instant;
using downline::OrderLine;
using downline::OrderReport;
using downline::OrderState;

constexpr std::size_t kCall = 50'000;

std::size_t order_count() {
  const char* text = std::getenv("DOWNLINE_BENCH_ORDERS");
  const long long n = text != nullptr ? std::atoll(text) : 0;
  return n > 0 ? static_cast<std::size_t>(n) : 1'000'000;
}

std::size_t person_count() {
  return persons(100'000);
}

// Orders spread over September to November 2026, owners cycling through
// every person.
const std::vector<OrderReport>& generated_orders() {
  static const std::vector<OrderReport> orders = [] {
    const std::size_t n = order_count(), people = person_count();
    const std::int64_t start = Instant::parse_rfc3339("2026-09-01T00:00:00Z").micros_since_epoch;
    const std::int64_t span = 91LL * 24 * 3600 * 1'000'000;  // Sep 1 .. Nov 30
    std::vector<OrderReport> out(n);
    for (std::size_t i = 0; i < n; ++i) {
      OrderReport& r = out[i];
      r.id = "O-" + std::to_string(i);
      r.owner = PersonId{static_cast<std::int64_t>(1 + (i * 7919) % people)};
      r.state = OrderState::paid;
      r.at = Instant{start + static_cast<std::int64_t>(i) * (span / static_cast<std::int64_t>(n))};
      const std::int64_t units = 20 + static_cast<std::int64_t>(i % 80);
      r.lines.push_back(OrderLine{"SKU-" + std::to_string(i % 50),
                                  1,
                                  Decimal::from_integer(units * 1000),
                                  Decimal::from_integer(units),
                                  {}});
    }
    return out;
  }();
  return orders;
}

// A fresh copy of the cached network, with the calendar added.
std::filesystem::path fresh_company(const char* name) {
  const auto source = cached_sqlite(person_count());
  const auto path = work_dir() / name;
  remove_sqlite(path);
  std::filesystem::copy_file(source, path);
  auto company = Company::open("sqlite:" + path.string(), kConfig);
  const CampaignSpec months[] = {{"2026-09", {2026, 9, 1}, {2026, 9, 30}},
                                 {"2026-10", {2026, 10, 1}, {2026, 10, 31}},
                                 {"2026-11", {2026, 11, 1}, {2026, 11, 30}}};
  company.add_campaigns(admin(), months);
  return path;
}

void BM_Orders_ReportOrders(benchmark::State& state) {
  const auto& orders = generated_orders();
  std::uint64_t created = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto path = fresh_company("downline-bench-orders.sqlite");
    auto company = Company::open("sqlite:" + path.string(), kConfig);
    state.ResumeTiming();
    created = 0;
    for (std::size_t at = 0; at < orders.size(); at += kCall) {
      const std::size_t n = std::min(kCall, orders.size() - at);
      const auto report = company.report_orders(admin(), std::span(orders.data() + at, n));
      if (!report.rejected.empty()) {
        state.SkipWithError("a generated order was rejected");
        return;
      }
      created += report.created;
    }
    state.PauseTiming();
    if (company.activity(admin(), PersonId{1}, "2026-11").orders == 0)
      state.SkipWithError("person 1 has no November order");
    state.ResumeTiming();
  }
  state.counters["orders_per_s"] =
      benchmark::Counter(static_cast<double>(created), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Orders_ReportOrders)->Unit(benchmark::kMillisecond)->UseRealTime();

// What ~1,000,000 lines_to_json calls would write, by hand here.
std::string line_json(const OrderReport& r) {
  const OrderLine& l = r.lines.front();
  return "[{\"sku\":\"" + l.sku + "\",\"quantity\":1,\"amount\":\"" + l.amount.to_string() +
         "\",\"volume\":\"" + l.volume.to_string() + "\"}]";
}

void BM_Orders_RawSqliteCeiling(benchmark::State& state) {
  const auto& orders = generated_orders();
  std::uint64_t written = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto path = fresh_company("downline-bench-orders-raw.sqlite");
    state.ResumeTiming();
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=NORMAL");
    db.exec("PRAGMA foreign_keys=OFF");
    db.exec("PRAGMA cache_size=-32768");
    SQLite::Statement order(db,
                            "INSERT INTO orders (id, owner_id, created_by_id, campaign, state, "
                            "amount_micros, volume_micros, created_at_us, state_at_us, lines, "
                            "comments, seq) VALUES (?,?,?,?,?,?,?,?,?,?,'[]',?)");
    SQLite::Statement history(db,
                              "INSERT INTO order_states (oid, seq, state, at_us) VALUES (?,?,?,?)");
    SQLite::Statement event(db,
                            "INSERT INTO events (kind, person_id, effective_at_us, recorded_at_us, "
                            "actor, reason, payload) VALUES ('orders_reported', NULL, 0, 0, "
                            "'bench', '', '{}')");
    const std::int64_t oct = Instant::parse_rfc3339("2026-10-01T00:00:00Z").micros_since_epoch;
    const std::int64_t nov = Instant::parse_rfc3339("2026-11-01T00:00:00Z").micros_since_epoch;
    written = 0;
    for (std::size_t at = 0; at < orders.size(); at += kCall) {
      db.exec("BEGIN IMMEDIATE");
      event.exec();
      event.reset();
      const std::int64_t seq = db.getLastInsertRowid();
      for (std::size_t i = at; i < std::min(orders.size(), at + kCall); ++i) {
        const OrderReport& r = orders[i];
        const std::int64_t when = r.at->micros_since_epoch;
        const std::string lines = line_json(r);
        order.bind(1, r.id);
        order.bind(2, r.owner.value());
        order.bind(3, r.owner.value());
        order.bind(4, when < oct ? "2026-09" : when < nov ? "2026-10" : "2026-11");
        order.bind(5, 2);
        order.bind(6, static_cast<std::int64_t>(r.lines[0].amount.micros()));
        order.bind(7, static_cast<std::int64_t>(r.lines[0].volume.micros()));
        order.bind(8, when);
        order.bind(9, when);
        order.bind(10, lines);
        order.bind(11, seq);
        order.exec();
        order.reset();
        history.bind(1, db.getLastInsertRowid());
        history.bind(2, seq);
        history.bind(3, 2);
        history.bind(4, when);
        history.exec();
        history.reset();
        ++written;
      }
      db.exec("COMMIT");
    }
  }
  state.counters["orders_per_s"] =
      benchmark::Counter(static_cast<double>(written), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Orders_RawSqliteCeiling)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
