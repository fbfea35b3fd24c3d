// Placement, transfer and compression (issue 5).
//
// BM_Place_*/N: the in-memory index alone. N persons placed one by one, each
//   under a uniformly random earlier person, by the network's policy: the
//   time per person stays flat from 10k to 1M (amortised O(1)). A sponsor
//   whose 3x7 matrix is full places the newcomer as a new network parent.
// BM_Transfer_Subtree: a Company on a copy of the cached 1M-person SQLite
//   network (bench_support.hpp); the top leader (~100k downline) moves back
//   and forth between two parents, one transaction and one event each.
//   Target: <= 50 ms; measured 6-12 ms (README.md).
// BM_Compress_TenPercent: a Company on a copy of a 1M-person network with a
//   placement network "comp" (parents = sponsors); 10% of the persons, drawn
//   at random, compressed in one transaction with one event per person moved
//   or removed (~200k events, node updates and history rows). Target: <= 1 s;
//   measured ~0.9 s (was ~3.5-4 s). Timed: the index work and the committed
//   transaction; the checkpoint of its ~60 MB of WAL into the database runs
//   after, on the store's checkpoint thread (README.md).
//
// DOWNLINE_BENCH_PERSONS changes the size of the Company benchmarks.
#include <benchmark/benchmark.h>

#include "bench_support.hpp"
#include "genealogy/network_index.hpp"

#include <chrono>
#include <filesystem>
#include <random>

namespace {

using namespace downline_bench;
using downline::internal::kNoNode;
using downline::internal::NetworkTree;
using downline::internal::Node;
using downline::internal::OpenPosition;
using downline::internal::TreeShape;

enum class How { spillover, extreme_left };

void place_all(benchmark::State& state, TreeShape shape, std::uint32_t window, How how) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::mt19937_64 rng(7);
  std::vector<Node> sponsor(n, kNoNode);
  for (std::size_t i = 1; i < n; ++i) sponsor[i] = static_cast<Node>(rng() % i);
  std::size_t roots = 0;
  for (auto _ : state) {
    NetworkTree t(shape);
    roots = 0;
    for (std::size_t i = 0; i < n; ++i) {
      OpenPosition at;
      if (sponsor[i] != kNoNode)
        at = how == How::spillover ? t.first_open(sponsor[i], window) : t.extreme(sponsor[i], 0);
      if (!at) ++roots;
      t.append(static_cast<Node>(i), at.parent, at.position);
    }
    benchmark::DoNotOptimize(t.size());
  }
  state.counters["persons"] = static_cast<double>(n);
  state.counters["new_parents"] = static_cast<double>(roots);
  state.counters["ns_per_person"] = benchmark::Counter(
      static_cast<double>(n) * 1e-9,
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_Place_Matrix3x7_Spillover(benchmark::State& state) {
  place_all(state, TreeShape{3, 0, false}, 7, How::spillover);
}
BENCHMARK(BM_Place_Matrix3x7_Spillover)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);

void BM_Place_Binary_Spillover(benchmark::State& state) {
  place_all(state, TreeShape{2, 0, false}, 0, How::spillover);
}
BENCHMARK(BM_Place_Binary_Spillover)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);

void BM_Place_Binary_ExtremeLeft(benchmark::State& state) {
  place_all(state, TreeShape{2, 0, false}, 0, How::extreme_left);
}
BENCHMARK(BM_Place_Binary_ExtremeLeft)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);

/// A scratch copy of a SQLite file, so that the benchmarks never change the
/// cached networks.
std::filesystem::path scratch_copy(const std::filesystem::path& from, const std::string& name) {
  const auto to = work_dir() / name;
  remove_sqlite(to);
  std::filesystem::copy_file(from, to);
  return to;
}

void BM_Transfer_Subtree(benchmark::State& state) {
  const std::size_t n = persons(1'000'000);
  const auto path = scratch_copy(cached_sqlite(n), "downline-bench-transfer.sqlite");
  auto company = Company::open("sqlite:" + path.string(), kConfig);
  const PersonId leader{TreePlan::kLeader + 1};
  const PersonId parents[2] = {PersonId{3}, PersonId{1}};  // away, and home again
  std::size_t i = 0;
  std::uint64_t moved = 0;
  for (auto _ : state) {
    downline::TransferRequest r;
    r.person = leader;
    r.new_parent = parents[i++ % 2];
    company.transfer(admin(), r);
  }
  moved = company.downline(admin(), leader).total;
  state.counters["persons"] = static_cast<double>(n);
  state.counters["subtree"] = static_cast<double>(moved + 1);
  remove_sqlite(path);
}
BENCHMARK(BM_Transfer_Subtree)->Unit(benchmark::kMillisecond)->UseRealTime();

constexpr const char* kCompressConfig =
    R"({"company": {"name": "Bench", "currency": "USD"}, "networks": [{"name": "comp"}]})";

std::filesystem::path cached_compress_network(std::size_t n) {
  const auto path = work_dir() / ("downline-bench-comp-v1-" + std::to_string(n) + ".sqlite");
  if (std::filesystem::exists(path)) return path;
  const auto tmp =
      work_dir() / ("downline-bench-comp-v1-" + std::to_string(n) + ".building.sqlite");
  remove_sqlite(tmp);
  std::fprintf(stderr, "bench: building %s (%zu persons)...\n", path.c_str(), n);
  {
    auto company = Company::open("sqlite:" + tmp.string(), kCompressConfig);
    enroll_plan(company, plan_tree(n));
  }
  remove_sqlite(path);
  std::filesystem::rename(tmp, path);
  return path;
}

void BM_Compress_TenPercent(benchmark::State& state) {
  const std::size_t n = persons(1'000'000);
  const auto cached = cached_compress_network(n);
  std::mt19937_64 rng(11);
  std::size_t removed = 0, moved = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto path = scratch_copy(cached, "downline-bench-compress.sqlite");
    std::optional<Company> company(Company::open("sqlite:" + path.string(), kCompressConfig));
    downline::CompressionRequest r;
    r.network = "comp";
    std::vector<bool> chosen(n, false);
    while (r.persons.size() < n / 10) {
      const std::size_t i = 1 + rng() % (n - 1);  // the first person stays
      if (!chosen[i])
        chosen[i] = true, r.persons.push_back(PersonId{static_cast<std::int64_t>(i) + 1});
    }
    state.ResumeTiming();
    const auto out = company->compress(admin(), r);
    state.PauseTiming();
    removed = out.removed.size();
    moved = out.moved.size();
    company.reset();
    remove_sqlite(path);
    state.ResumeTiming();
  }
  state.counters["persons"] = static_cast<double>(n);
  state.counters["removed"] = static_cast<double>(removed);
  state.counters["moved"] = static_cast<double>(moved);
  state.counters["events"] = static_cast<double>(removed + moved);
}
BENCHMARK(BM_Compress_TenPercent)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
