// Genealogy queries on the generated network of 1M persons (SQLite file
// cached by storage_bench / this program in DOWNLINE_BENCH_DIR, default /tmp;
// DOWNLINE_BENCH_PERSONS changes the size). The top leader (person 2) has
// about a tenth of the network in their downline.
//
// Targets: the downline of a ~100k-member subtree in at most 10 ms;
// is_in_downline inside one NetworkReader in at most 50 ns.
#include <benchmark/benchmark.h>

#include "bench_support.hpp"

#include <random>
#include <utility>
#include <vector>

namespace {

using namespace downline_bench;

/// The company, opened once per process, and pregenerated random persons.
struct Fixture {
  Company company;
  std::size_t size;
  PersonId leader;
  std::vector<PersonId> people;                      ///< random persons
  std::vector<std::pair<PersonId, PersonId>> pairs;  ///< random (person, of)
};

Fixture& fixture() {
  static Fixture f = [] {
    const std::size_t n = persons(1000000);
    auto company = Company::open("sqlite:" + cached_sqlite(n).string(), kConfig);
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<std::int64_t> id(1, static_cast<std::int64_t>(n));
    std::vector<PersonId> people(1 << 16);
    for (auto& p : people) p = PersonId{id(rng)};
    std::vector<std::pair<PersonId, PersonId>> pairs(1 << 16);
    for (auto& [x, y] : pairs) x = PersonId{id(rng)}, y = PersonId{id(rng)};
    return Fixture{std::move(company), n, PersonId{TreePlan::kLeader + 1}, std::move(people),
                   std::move(pairs)};
  }();
  return f;
}

void BM_Genealogy_Upline(benchmark::State& state) {
  Fixture& f = fixture();
  std::size_t i = 0, members = 0;
  for (auto _ : state) {
    auto up = f.company.upline(admin(), f.people[i++ & (f.people.size() - 1)]);
    members += up.size();
    benchmark::DoNotOptimize(up.data());
  }
  state.counters["persons"] = static_cast<double>(f.size);
  state.counters["upline_len"] =
      benchmark::Counter(static_cast<double>(members), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_Genealogy_Upline)->Unit(benchmark::kNanosecond);

void BM_Genealogy_DownlineLargeSubtree(benchmark::State& state) {
  Fixture& f = fixture();
  std::uint64_t size = 0;
  for (auto _ : state) {
    auto page = f.company.downline(admin(), f.leader);
    size = page.total;
    benchmark::DoNotOptimize(page.members.data());
  }
  state.counters["persons"] = static_cast<double>(f.size);
  state.counters["downline_size"] = static_cast<double>(size);
}
BENCHMARK(BM_Genealogy_DownlineLargeSubtree)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Genealogy_IsInDownline(benchmark::State& state) {
  Fixture& f = fixture();
  const auto reader = f.company.reader(admin());
  std::size_t i = 0, hits = 0;
  for (auto _ : state) {
    const auto& [x, y] = f.pairs[i++ & (f.pairs.size() - 1)];
    hits += reader.is_in_downline(x, y);
  }
  benchmark::DoNotOptimize(hits);
  state.counters["persons"] = static_cast<double>(f.size);
}
BENCHMARK(BM_Genealogy_IsInDownline)->Unit(benchmark::kNanosecond);

void BM_Genealogy_IsInDownlineOneShot(benchmark::State& state) {
  Fixture& f = fixture();
  std::size_t i = 0, hits = 0;
  for (auto _ : state) {
    const auto& [x, y] = f.pairs[i++ & (f.pairs.size() - 1)];
    hits += f.company.is_in_downline(admin(), x, y);
  }
  benchmark::DoNotOptimize(hits);
  state.counters["persons"] = static_cast<double>(f.size);
}
BENCHMARK(BM_Genealogy_IsInDownlineOneShot)->Unit(benchmark::kNanosecond);

// Where a one-shot query's time goes: the cross-process check alone
// (Company::refresh: SQLite's PRAGMA data_version, nothing to apply), and
// taking a NetworkReader (which includes that check).
void BM_Genealogy_RefreshCheck(benchmark::State& state) {
  Fixture& f = fixture();
  for (auto _ : state) f.company.refresh();
}
BENCHMARK(BM_Genealogy_RefreshCheck)->Unit(benchmark::kNanosecond);

void BM_Genealogy_ReaderOpen(benchmark::State& state) {
  Fixture& f = fixture();
  for (auto _ : state) {
    auto reader = f.company.reader(admin());
    benchmark::DoNotOptimize(&reader);
  }
}
BENCHMARK(BM_Genealogy_ReaderOpen)->Unit(benchmark::kNanosecond);

}  // namespace

BENCHMARK_MAIN();
