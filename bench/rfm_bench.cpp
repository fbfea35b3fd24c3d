// RFM segmentation (issue 6 §6) on a CDNOW-sized history: 69,659
// transactions of 23,570 customers over 18 months, and pandas doing the same
// in the same run.
//
// - BM_Rfm/69659: downline::rfm_table, 5 quantile bins per measure.
// - BM_Peer_Pandas_Rfm/69659: bench/peers/rfm_pandas.py, run by
//   /usr/bin/python3 (Debian's python3-pandas), on the same transactions
//   written as CSV; its computation time (read excluded: the median of warm
//   runs) is the iteration time, checked against downline's scores (sum and
//   a weighted checksum). Counters: pandas_ms, downline_ms (BM_Rfm's pass
//   measured just before), pandas/downline. Skipped when pandas is missing.
#include <downline/downline.hpp>

#include "bench_support.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#ifndef DOWNLINE_BENCH_PEERS_DIR
#error "DOWNLINE_BENCH_PEERS_DIR (the source directory bench/peers) must be defined"
#endif

namespace {

using namespace downline;
using Json = nlohmann::json;

constexpr std::size_t kTransactions = 69'659;
constexpr std::size_t kCustomers = 23'570;
constexpr int kDays = 546;                 // 1997-01-01 .. 1998-06-30
constexpr std::int64_t kFirstDay = 9'862;  // 1997-01-01, days since 1970-01-01
constexpr const char* kPython = "/usr/bin/python3";

struct History {
  std::vector<RfmTransaction> transactions;
  std::vector<std::int64_t> days, cents;  // for the CSV
  RfmOptions options;
  std::string csv;
};

LocalDate date_of(std::int64_t day) {
  return utc_date(Instant{day * 86'400LL * 1'000'000});
}

// Every customer buys once; the rest go to a skewed few (CDNOW's
// repeat-buyer shape), on days spread over the 18 months.
const History& history() {
  static const History h = [] {
    History out;
    std::mt19937_64 rng(1997);
    out.transactions.reserve(kTransactions);
    for (std::size_t i = 0; i < kTransactions; ++i) {
      const std::size_t c =
          i < kCustomers ? i : (rng() % kCustomers) * (rng() % 4 == 0) % kCustomers;
      const std::int64_t day = kFirstDay + static_cast<std::int64_t>(rng() % kDays);
      const std::int64_t cents = 500 + static_cast<std::int64_t>(rng() % 20'000);
      out.days.push_back(day);
      out.cents.push_back(cents);
      out.transactions.push_back(
          {"C" + std::to_string(100'000 + c), date_of(day), Decimal::from_micros(cents * 10'000)});
    }
    out.options.analysis_date = date_of(kFirstDay + kDays);
    return out;
  }();
  return h;
}

std::pair<std::int64_t, std::int64_t> checksums(const RfmResult& r) {
  std::int64_t sum = 0, check = 0;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    sum += r.rows[i].rfm_score;
    check +=
        static_cast<std::int64_t>(r.rows[i].rfm_score) * static_cast<std::int64_t>(i % 1000 + 1);
  }
  return {sum, check};
}

void BM_Rfm(benchmark::State& state) {
  const History& h = history();
  std::size_t customers = 0;
  for (auto _ : state) {
    const RfmResult r = rfm_table(h.transactions, h.options);
    customers = r.rows.size();
    benchmark::DoNotOptimize(r.rows.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kTransactions));
  state.counters["customers"] = static_cast<double>(customers);
}
BENCHMARK(BM_Rfm)->Arg(kTransactions)->Unit(benchmark::kMillisecond)->UseRealTime();

bool run_command(const std::string& command, std::string& output) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return false;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  return pclose(pipe) == 0;
}

void BM_Peer_Pandas_Rfm(benchmark::State& state) {
  std::string ignored;
  if (!run_command(std::string(kPython) + " -c 'import pandas' >/dev/null 2>&1", ignored)) {
    state.SkipWithError(
        "peer skipped: /usr/bin/python3 cannot import pandas; install Debian's "
        "python3-pandas (apt-get install python3-pandas)");
    return;
  }
  const History& h = history();
  const auto csv =
      downline_bench::work_dir() / ("downline-rfm-" + std::to_string(getpid()) + ".csv");
  {
    std::ofstream out(csv);
    out << "customer,day,revenue\n";
    for (std::size_t i = 0; i < kTransactions; ++i)
      out << h.transactions[i].customer << ',' << h.days[i] << ',' << h.cents[i] << '\n';
  }
  // Ours, measured now: the median of 9 warm passes.
  std::vector<double> ms;
  RfmResult ours = rfm_table(h.transactions, h.options);
  for (int i = 0; i < 9; ++i) {
    const auto start = std::chrono::steady_clock::now();
    ours = rfm_table(h.transactions, h.options);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  const double ours_ms = ms[ms.size() / 2];
  const auto [sum, check] = checksums(ours);
  Json result;
  for (auto _ : state) {
    std::string output;
    const std::string script = std::string(DOWNLINE_BENCH_PEERS_DIR) + "/rfm_pandas.py";
    const bool ok = run_command(std::string(kPython) + " '" + script + "' '" + csv.string() + "' " +
                                    std::to_string(kFirstDay + kDays) + " 5",
                                output);
    result = Json::parse(output, nullptr, false);
    if (!ok || result.is_discarded() || !result.contains("compute_seconds")) {
      state.SkipWithError(("peer failed: " + output).c_str());
      break;
    }
    if (result["score_sum"].get<std::int64_t>() != sum ||
        result["score_check"].get<std::int64_t>() != check) {
      state.SkipWithError(("the peer's scores differ: " + output).c_str());
      break;
    }
    state.SetIterationTime(result["compute_seconds"].get<double>());
  }
  std::filesystem::remove(csv);
  if (state.error_occurred()) return;
  const double pandas_ms = result["compute_seconds"].get<double>() * 1e3;
  state.counters["pandas_ms"] = pandas_ms;
  state.counters["downline_ms"] = ours_ms;
  state.counters["pandas/downline"] = pandas_ms / ours_ms;
  state.counters["cold_ms"] = result["cold_seconds"].get<double>() * 1e3;
  state.SetLabel("pandas " + result["pandas"].get<std::string>() + ", numpy " +
                 result["numpy"].get<std::string>());
}
BENCHMARK(BM_Peer_Pandas_Rfm)
    ->Arg(kTransactions)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
