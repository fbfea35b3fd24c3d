// The network recalculation pass (src/genealogy/recalc.hpp): group volume,
// downline and active downline, and the persons and active persons at
// relative levels 1..3 of every person, on a uniform random tree (the parent
// of person i uniform among persons 0..i-1; seeded), PV a random integer
// number of micro-units below 2,000 units, about 70% of persons active.
// Every benchmark checks its figures against a naive walk up each person's
// parent chain (sums weighted by person, so a figure on the wrong person
// shows) and stops with an error if they differ.
//
// - BM_Recalc/<persons>: warm passes: the tree and its intervals built and
//   the figures' buffers allocated before timing (the figures reused from
//   pass to pass, as a recalculation at each campaign close would); two
//   threads (the default above 65,536 persons). Wall-clock time;
//   items_per_second is persons/s, ms/pass the time of one pass.
// - BM_Recalc_OneThread/<persons>: the same on one thread.
// - BM_Recalc_FreshFigures/<persons>: the returning form, new figures every
//   pass: what fresh memory costs (page faults are slow on a VM).
// - BM_Peer_Pandas/<persons>: the peer. The tree (node, parent, pv) is
//   written as CSV to DOWNLINE_BENCH_DIR (default /tmp) and
//   bench/peers/recalc_pandas.py, run by /usr/bin/python3 (Debian's
//   python3-pandas, never the python3 on the PATH), reads it and computes the
//   same group volumes and level 1..3 counts, vectorised; it times the read
//   and the computation apart (once cold, then DOWNLINE_BENCH_PEER_RUNS warm
//   runs, default 3, whose median is this benchmark's manual time) and prints
//   checksums that must equal downline's. Counters: pandas_ms, cold_ms,
//   read_s, downline_ms (BM_Recalc's pass measured just before python
//   starts, so both see the same load) and pandas/downline, their ratio.
//   Without pandas the peer is skipped with a message.
//
// - BM_Company_Recalculate/<persons>: the same through the public
//   Company::recalculate on the sponsor network of a Company opened on the
//   cached 1M-person SQLite file of bench_support.hpp: the PV of every
//   person checked and mapped, the actives read, the pass, and the children
//   lists the figures keep (so that they describe the tree of that instant);
//   warm, as BM_Recalc: two recalculations before timing.
//
// Sizes: DOWNLINE_BENCH_PERSONS persons (default 1,000,000); with
// DOWNLINE_BENCH_LARGE=1 every benchmark also runs at 10,000,000.
#include <benchmark/benchmark.h>

#include "bench_support.hpp"

#include "genealogy/network_index.hpp"
#include "genealogy/recalc.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#ifndef DOWNLINE_BENCH_PEERS_DIR
#error "DOWNLINE_BENCH_PEERS_DIR (the source directory bench/peers) must be defined"
#endif

namespace {

using downline::internal::kNoNode;
using downline::internal::NetworkFigures;
using downline::internal::NetworkTree;
using downline::internal::Node;
using downline::internal::RecalcInput;
using downline::internal::recalculate;
using Json = nlohmann::json;

constexpr std::uint32_t kLevels = 3;
constexpr const char* kPython = "/usr/bin/python3";

/// Registers the sizes: DOWNLINE_BENCH_PERSONS, and 10M with DOWNLINE_BENCH_LARGE=1.
void sizes(benchmark::internal::Benchmark* b) {
  b->Arg(static_cast<std::int64_t>(downline_bench::persons(1'000'000)));
  if (const char* large = std::getenv("DOWNLINE_BENCH_LARGE");
      large != nullptr && std::string(large) == "1")
    b->Arg(10'000'000);
}

/// What both sides compare: sums, and sums weighted by person (i % 1000 + 1)
/// so that a figure given to the wrong person shows; own_check covers the
/// figures only downline computes (downline, active downline, active level
/// counts), checked against the naive walk but not the peer.
struct Checksums {
  std::int64_t gv_sum = 0;
  std::int64_t gv_check = 0;
  std::array<std::int64_t, kLevels> level_sums{};
  std::int64_t level_check = 0;
  std::int64_t own_check = 0;

  friend bool operator==(const Checksums&, const Checksums&) = default;

  std::string text() const {
    return "gv_sum " + std::to_string(gv_sum) + ", gv_check " + std::to_string(gv_check) +
           ", level_sums " + std::to_string(level_sums[0]) + "/" + std::to_string(level_sums[1]) +
           "/" + std::to_string(level_sums[2]) + ", level_check " + std::to_string(level_check) +
           ", own_check " + std::to_string(own_check);
  }
};

/// The checksums of figures laid out like NetworkFigures with kLevels levels
/// (group volumes non-negative here).
Checksums checksums(std::span<const std::int64_t> gv, std::span<const std::uint32_t> downline,
                    std::span<const std::uint32_t> active_downline,
                    std::span<const std::uint32_t> levels,
                    std::span<const std::uint32_t> active_levels) {
  Checksums c;
  for (std::size_t i = 0; i < gv.size(); ++i) {
    const auto weight = static_cast<std::int64_t>(i % 1000 + 1);
    c.gv_sum += gv[i];
    c.gv_check += gv[i] % 1'000'003 * weight;
    c.own_check += (std::int64_t{downline[i]} * 3 + active_downline[i]) * weight;
    for (std::size_t l = 0; l < kLevels; ++l) {
      const std::int64_t count = levels[i * kLevels + l];
      c.level_sums[l] += count;
      c.level_check += count * weight * static_cast<std::int64_t>(l + 1);
      c.own_check += active_levels[i * kLevels + l] * weight * static_cast<std::int64_t>(l + 5);
    }
  }
  return c;
}

/// The checksums of downline's figures.
Checksums checksums(const NetworkFigures& f) {
  return checksums(f.gv_micros, f.downline, f.active_downline, f.level_counts,
                   f.active_level_counts);
}

/// The generated network of one size, built once per process and shared by
/// every benchmark of that size, with the checksums of a naive computation.
struct Network {
  std::vector<Node> parents;
  std::vector<std::int64_t> pv;
  std::vector<std::uint8_t> active;
  NetworkTree tree;
  Checksums expected;
  std::filesystem::path csv;  ///< written on the peer's first use

  RecalcInput input(std::uint32_t threads = 0) const { return {pv, active, kLevels, threads}; }
};

/// The checksums by walking up from every person: obviously right.
Checksums naive_checksums(const Network& net) {
  const std::size_t n = net.parents.size();
  std::vector<std::int64_t> gv(net.pv);
  std::vector<std::uint32_t> downline(n, 0), active_downline(n, 0);
  std::vector<std::uint32_t> levels(n * kLevels, 0), active_levels(n * kLevels, 0);
  for (std::size_t v = 0; v < n; ++v) {
    std::size_t level = 0;
    for (Node a = net.parents[v]; a != kNoNode; a = net.parents[a]) {
      gv[a] += net.pv[v];
      ++downline[a];
      active_downline[a] += net.active[v];
      if (++level <= kLevels) {
        ++levels[a * kLevels + level - 1];
        active_levels[a * kLevels + level - 1] += net.active[v];
      }
    }
  }
  return checksums(gv, downline, active_downline, levels, active_levels);
}

/// The network of `n` persons, generated on first use.
Network& network(std::size_t n) {
  static std::map<std::size_t, std::unique_ptr<Network>> built;
  auto& slot = built[n];
  if (slot) return *slot;
  slot = std::make_unique<Network>();
  Network& net = *slot;
  std::mt19937_64 rng(20260601);
  net.parents.assign(n, kNoNode);
  net.pv.resize(n);
  net.active.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0)
      net.parents[i] = std::uniform_int_distribution<Node>(0, static_cast<Node>(i - 1))(rng);
    net.pv[i] = std::uniform_int_distribution<std::int64_t>(0, 2'000'000'000 - 1)(rng);
    net.active[i] = std::uniform_int_distribution<int>(0, 9)(rng) < 7;
  }
  net.tree.assign(net.parents);
  net.tree.ensure_intervals();
  net.expected = naive_checksums(net);
  return net;
}

/// Fails the benchmark when `figures` do not match the naive walk; true then.
bool wrong_figures(benchmark::State& state, const Network& net, const NetworkFigures& figures) {
  const Checksums got = checksums(figures);
  if (got == net.expected) return false;
  state.SkipWithError(
      ("figures differ from the naive walk: " + got.text() + "; expected " + net.expected.text())
          .c_str());
  return true;
}

/// Sets persons/s and ms/pass from the wall-clock time of the timed loop.
void set_rates(benchmark::State& state, std::size_t n, double loop_ms) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.counters["ms/pass"] = loop_ms / static_cast<double>(state.iterations());
}

/// Milliseconds since `start`.
double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

/// Warm passes with `threads` (0: the default), the figures reused.
void recalc_warm(benchmark::State& state, std::uint32_t threads) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Network& net = network(n);
  const RecalcInput in = net.input(threads);
  NetworkFigures figures;
  recalculate(net.tree, in, figures);  // allocates the buffers, outside the timing
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    recalculate(net.tree, in, figures);
    benchmark::DoNotOptimize(figures.gv_micros.data());
    benchmark::ClobberMemory();
  }
  const double loop_ms = ms_since(start);
  if (wrong_figures(state, net, figures)) return;
  set_rates(state, n, loop_ms);
}

// The figure to quote: warm passes, two threads on large trees.
void BM_Recalc(benchmark::State& state) {
  recalc_warm(state, 0);
}
BENCHMARK(BM_Recalc)->Apply(sizes)->UseRealTime()->Unit(benchmark::kMillisecond);

// What the second thread brings.
void BM_Recalc_OneThread(benchmark::State& state) {
  recalc_warm(state, 1);
}
BENCHMARK(BM_Recalc_OneThread)->Apply(sizes)->UseRealTime()->Unit(benchmark::kMillisecond);

// The returning form: fresh figures, hence fresh pages, every pass.
void BM_Recalc_FreshFigures(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Network& net = network(n);
  NetworkFigures figures;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    figures = recalculate(net.tree, net.input());
    benchmark::DoNotOptimize(figures.gv_micros.data());
  }
  const double loop_ms = ms_since(start);
  if (wrong_figures(state, net, figures)) return;
  set_rates(state, n, loop_ms);
}
BENCHMARK(BM_Recalc_FreshFigures)->Apply(sizes)->UseRealTime()->Unit(benchmark::kMillisecond);

// The public call: what a host pays per recalculation of a live Company.
void BM_Company_Recalculate(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto company = downline::Company::open("sqlite:" + downline_bench::cached_sqlite(n).string(),
                                         downline_bench::kConfig);
  downline::RecalculationRequest request;
  std::mt19937_64 rng(5);
  request.personal_volumes.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    request.personal_volumes.push_back(
        {downline::PersonId{static_cast<std::int64_t>(i) + 1},
         downline::Decimal::from_micros(static_cast<std::int64_t>(rng() % 2'000'000'000))});
  const auto admin = downline::Actor::staff("bench", {"admin"});
  // Warm: the second recalculation on reuses the memory of the one before
  // the last (the figures of the last one stay readable meanwhile).
  company.recalculate(admin, request);
  company.recalculate(admin, request);
  std::uint64_t persons = 0;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) persons = company.recalculate(admin, request).persons;
  const double loop_ms = ms_since(start);
  if (persons != n) state.SkipWithError("not every person was recalculated");
  set_rates(state, n, loop_ms);
}
BENCHMARK(BM_Company_Recalculate)->Apply(sizes)->UseRealTime()->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------
// The peer.

/// `text` quoted for the shell.
std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Runs `command` through the shell and appends its standard output to
/// `output`; false when it could not run or exited with a non-zero status.
bool run_command(const std::string& command, std::string& output) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return false;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  return pclose(pipe) == 0;
}

/// DOWNLINE_BENCH_PEER_RUNS, the peer's warm runs (default 3).
int peer_runs() {
  const char* text = std::getenv("DOWNLINE_BENCH_PEER_RUNS");
  const int runs = text != nullptr ? std::atoi(text) : 0;
  return runs > 0 ? runs : 3;
}

/// Removes the CSV files this process wrote when it ends.
struct CsvFiles {
  std::vector<std::filesystem::path> paths;
  ~CsvFiles() {
    for (const auto& p : paths) std::filesystem::remove(p);
  }
};
/// The files to remove at exit.
CsvFiles& csv_files() {
  static CsvFiles files;
  return files;
}

/// `net` as CSV (node,parent,pv; parent -1 for a network parent), written
/// once per process; throws std::runtime_error when the file cannot be written.
const std::filesystem::path& tree_csv(Network& net) {
  if (!net.csv.empty()) return net.csv;
  const auto path =
      downline_bench::work_dir() / ("downline-recalc-" + std::to_string(net.parents.size()) + "-" +
                                    std::to_string(getpid()) + ".csv");
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "w"), &std::fclose);
  if (!file) throw std::runtime_error("cannot write " + path.string());
  csv_files().paths.push_back(path);
  std::string buf = "node,parent,pv\n";
  char field[24];
  auto put = [&](std::int64_t v, char end) {
    const auto r = std::to_chars(field, field + sizeof field, v);
    buf.append(field, r.ptr);
    buf.push_back(end);
  };
  for (std::size_t i = 0; i < net.parents.size(); ++i) {
    put(static_cast<std::int64_t>(i), ',');
    put(net.parents[i] == kNoNode ? -1 : static_cast<std::int64_t>(net.parents[i]), ',');
    put(net.pv[i], '\n');
    if (buf.size() > (1 << 20) || i + 1 == net.parents.size()) {
      if (std::fwrite(buf.data(), 1, buf.size(), file.get()) != buf.size())
        throw std::runtime_error("cannot write " + path.string());
      buf.clear();
    }
  }
  net.csv = path;
  return net.csv;
}

/// Median milliseconds of `passes` warm passes of BM_Recalc's loop, measured
/// now: paired with the peer's run that follows.
double recalc_ms_now(const Network& net, int passes) {
  NetworkFigures figures;
  recalculate(net.tree, net.input(), figures);
  std::vector<double> ms;
  for (int i = 0; i < passes; ++i) {
    const auto start = std::chrono::steady_clock::now();
    recalculate(net.tree, net.input(), figures);
    ms.push_back(ms_since(start));
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// pandas on the same tree; one run of the script per repetition (see the top).
void BM_Peer_Pandas(benchmark::State& state) {
  const std::filesystem::path script =
      std::filesystem::path(DOWNLINE_BENCH_PEERS_DIR) / "recalc_pandas.py";
  std::string ignored;
  if (!run_command(std::string(kPython) + " -c 'import pandas' >/dev/null 2>&1", ignored)) {
    state.SkipWithError((std::string("peer skipped: ") + kPython +
                         " cannot import pandas; install Debian's python3-pandas "
                         "(apt-get install python3-pandas)")
                            .c_str());
    return;
  }
  Network& net = network(static_cast<std::size_t>(state.range(0)));
  Json result;
  double ours_ms = 0;
  for (auto _ : state) {
    const auto& csv = tree_csv(net);
    ours_ms = recalc_ms_now(net, 9);
    std::string output;
    const bool ok = run_command(std::string(kPython) + " " + shell_quote(script.string()) + " " +
                                    shell_quote(csv.string()) + " " + std::to_string(peer_runs()),
                                output);
    result = Json::parse(output, nullptr, false);
    if (!ok || result.is_discarded() || !result.contains("compute_seconds")) {
      state.SkipWithError(
          ("peer failed: " + std::string(kPython) + " " + script.string() + " printed: " + output)
              .c_str());
      break;
    }
    Checksums theirs;
    theirs.gv_sum = result["gv_sum"].get<std::int64_t>();
    theirs.gv_check = result["gv_check"].get<std::int64_t>();
    for (std::size_t l = 0; l < kLevels; ++l)
      theirs.level_sums[l] = result["level_sums"][l].get<std::int64_t>();
    theirs.level_check = result["level_check"].get<std::int64_t>();
    theirs.own_check = net.expected.own_check;  // figures the peer does not compute
    if (theirs != net.expected) {
      state.SkipWithError(
          ("the peer's figures differ: " + theirs.text() + "; downline's " + net.expected.text())
              .c_str());
      break;
    }
    state.SetIterationTime(result["compute_seconds"].get<double>());
  }
  if (state.error_occurred()) return;
  const double pandas_ms = result["compute_seconds"].get<double>() * 1e3;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * state.range(0)));
  state.counters["pandas_ms"] = pandas_ms;
  state.counters["cold_ms"] = result["cold_seconds"].get<double>() * 1e3;
  state.counters["read_s"] = result["read_seconds"].get<double>();
  state.counters["downline_ms"] = ours_ms;
  state.counters["pandas/downline"] = pandas_ms / ours_ms;
  state.SetLabel("pandas " + result["pandas"].get<std::string>() + ", numpy " +
                 result["numpy"].get<std::string>() + ", python " +
                 result["python"].get<std::string>());
}
BENCHMARK(BM_Peer_Pandas)
    ->Apply(sizes)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------
// The summary.

/// The median of `v` (0 when empty).
double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/// One counter of one benchmark: every run, and the "median" aggregate when
/// there are repetitions.
struct Figure {
  std::vector<double> runs;
  std::optional<double> median;

  double value() const { return median ? *median : median_of(runs); }
};

/// The console output, keeping every counter of every benchmark; prints
/// their medians and the ratios to the peer at the end.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  explicit SummaryReporter(OutputOptions options) : ConsoleReporter(options) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type != Run::RT_Iteration && !median) continue;
      const std::string name = run.run_name.function_name + "/" + run.run_name.args;
      Entry& entry = entries_[name];
      entry.repetitions = std::max<std::int64_t>(entry.repetitions, run.repetitions);
      for (const auto& [counter, value] : run.counters) {
        Figure& figure = entry.figures[counter];
        if (median)
          figure.median = value.value;
        else
          figure.runs.push_back(value.value);
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void print_summary() const {
    for (const auto& [name, entry] : entries_) {
      if (name.rfind("BM_Peer_Pandas/", 0) == 0) {
        std::printf(
            "summary: %-32s median pandas %9.1f ms (cold %.1f ms, read %.2f s), downline %7.2f "
            "ms paired: pandas/downline = %.1f (%lld runs)\n",
            name.c_str(), entry.value("pandas_ms"), entry.value("cold_ms"), entry.value("read_s"),
            entry.value("downline_ms"), entry.value("pandas/downline"),
            static_cast<long long>(entry.repetitions));
        for (const char* ours : {"BM_Recalc", "BM_Recalc_OneThread"}) {
          const auto it = entries_.find(ours + name.substr(name.find('/')));
          if (it != entries_.end())
            std::printf("summary: %-32s pandas / %s = %.1f (medians, unpaired)\n", name.c_str(),
                        ours, entry.value("pandas_ms") / it->second.value("ms/pass"));
        }
      } else {
        std::printf("summary: %-32s median %9.2f ms/pass, %7.1f M persons/s (%lld runs)\n",
                    name.c_str(), entry.value("ms/pass"), entry.value("items_per_second") / 1e6,
                    static_cast<long long>(entry.repetitions));
      }
    }
  }

 private:
  struct Entry {
    std::map<std::string, Figure> figures;
    std::int64_t repetitions = 1;

    double value(const std::string& counter) const {
      const auto it = figures.find(counter);
      return it == figures.end() ? 0 : it->second.value();
    }
  };
  std::map<std::string, Entry> entries_;
};

}  // namespace

int main(int argc, char** argv) {
  return downline_bench::run_with_summary<SummaryReporter>(argc, argv);
}
