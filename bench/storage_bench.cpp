// Opening a company stored in SQLite: time to rebuild the in-memory index and
// the resident memory it takes.
//
// Targets: open 1M persons in at most 2 s, holding at most
// 300 MB. The files are built once and cached in DOWNLINE_BENCH_DIR (default
// /tmp); DOWNLINE_BENCH_PERSONS replaces both sizes by one.
#include <benchmark/benchmark.h>

#include "bench_support.hpp"

#include <algorithm>
#include <optional>

namespace {

using namespace downline_bench;

/// Company::open on a cached file of state.range(0) persons (warm OS page
/// cache: the file was just built or read). rss_MB is the growth of this
/// process's resident memory from before the open to after it, with the
/// Company alive and the heap trimmed (the largest over the iterations);
/// peak_rss_MB the growth of the peak during the open (temporary buffers
/// included).
void BM_Company_OpenSqlite(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::string uri = "sqlite:" + cached_sqlite(n).string();
  double rss_delta = 0, peak_delta = 0;
  std::uint64_t persons = 0;
  for (auto _ : state) {
    state.PauseTiming();
    trim_heap();
    reset_peak_rss();
    const double before = rss_mb();
    state.ResumeTiming();
    std::optional<Company> company(Company::open(uri, kConfig));
    state.PauseTiming();
    trim_heap();  // what the open freed is not the company's
    rss_delta = std::max(rss_delta, rss_mb() - before);
    peak_delta = std::max(peak_delta, peak_rss_mb() - before);
    persons = company->person_count(admin());
    company.reset();
    state.ResumeTiming();
  }
  if (persons != n) state.SkipWithError("the cached file does not hold the expected persons");
  state.counters["persons"] = static_cast<double>(persons);
  state.counters["rss_MB"] = rss_delta;
  state.counters["peak_rss_MB"] = peak_delta;
}

void sizes(benchmark::internal::Benchmark* b) {
  const std::size_t one = persons(0);
  if (one != 0)
    b->Arg(static_cast<std::int64_t>(one));
  else
    b->Arg(100000)->Arg(1000000);
}
BENCHMARK(BM_Company_OpenSqlite)
    ->Apply(sizes)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
