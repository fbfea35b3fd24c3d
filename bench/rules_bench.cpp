// The rules engine: one realistic 5-condition JsonLogic rule compiled once and
// evaluated over a pool of facts (plain JsonLogic numbers, exact decimals,
// with a trace), the public RuleBook path from facts text, and the same rule
// over the same pool in the npm package json-logic-engine (the peer), run by
// node in the same program. Every benchmark counts the facts for which the
// rule holds on each pass and stops with an error if the count is wrong.
// Rates are evaluations per CPU second on both sides (items_per_second), as
// a loaded machine disturbs them less than the wall clock.
//
// The peer needs node on the PATH and `npm --prefix bench/peers ci`; without
// them BM_Peer_JsonLogicEngine is skipped with that message.
// DOWNLINE_BENCH_PEER_SECONDS is how long the peer times each of its modes
// (default 1.5); DOWNLINE_BENCH_DIR where the pool file for the peer goes
// (default /tmp).
#include <benchmark/benchmark.h>

#include "bench_support.hpp"

#include "rules/facts.hpp"
#include "rules/jsonlogic.hpp"

#include <downline/rules.hpp>
#include <downline/time.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#ifndef DOWNLINE_BENCH_PEERS_DIR
#error "DOWNLINE_BENCH_PEERS_DIR (the source directory bench/peers) must be defined"
#endif

namespace {

using downline::Instant;
using downline::RuleBook;
using downline::Trigger;
using downline::internal::CompiledLogic;
using downline::internal::fact_model;
using downline::internal::logic_truthy;
using Json = nlohmann::json;

/// Facts per pool; every benchmark iteration is one pass over the pool.
constexpr std::size_t kPool = 1024;

/// The rule, in plain JsonLogic numbers: the rule as the peer evaluates it.
/// A Gold-like qualification at a campaign close.
Json rule_plain() {
  return Json::parse(R"({"and": [
    {">=": [{"var": "campaign.personal_volume"}, 500]},
    {">=": [{"var": "network.active_legs"}, 3]},
    {"==": [{"var": "person.status"}, "active"]},
    {"in": [{"var": "person.country"}, ["CO", "MX", "PE"]]},
    {"<": [{"var": "campaign.orders"}, 10]}
  ]})");
}

/// The exact-decimal form: the volume threshold is a decimal literal.
Json rule_decimal() {
  Json rule = rule_plain();
  rule["and"][0][">="][1] = {{"dec", "500"}};
  return rule;
}

/// "512.50" from 51250.
std::string cents_text(std::int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(cents / 100),
                static_cast<long long>(cents % 100));
  return buf;
}

/// The pool of facts, the same in every form: half of them pass the rule,
/// the others fail one condition each (which one is random), so neither the
/// outcome nor the depth of the short circuit is a constant branch.
struct Pool {
  std::vector<Json> plain;                ///< decimal facts as JSON numbers (512.5)
  std::vector<Json> decimal;              ///< decimal facts as strings ("512.50")
  std::vector<std::string> decimal_text;  ///< `decimal` serialized, for RuleBook
  std::vector<bool> expected;             ///< the rule holds, computed without the engine
  std::size_t expected_true = 0;
};

const Pool& pool() {
  static const Pool built = [] {
    Pool p;
    std::mt19937_64 rng(20260531);
    auto pick = [&rng](std::int64_t lo, std::int64_t hi) {
      return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
    };
    std::vector<int> failing(kPool, -1);  // the condition a fact fails, -1 none
    for (std::size_t i = kPool / 2; i < kPool; ++i) failing[i] = static_cast<int>(pick(0, 4));
    std::shuffle(failing.begin(), failing.end(), rng);
    static constexpr const char* kPassCountry[] = {"CO", "MX", "PE"};
    static constexpr const char* kFailCountry[] = {"EC", "CL", "AR", "US"};
    static constexpr const char* kFailStatus[] = {"pending_kit", "inactive", "blocked"};
    for (std::size_t i = 0; i < kPool; ++i) {
      const int f = failing[i];
      const std::int64_t volume_cents = f == 0 ? pick(0, 49'999) : pick(50'000, 250'000);
      const std::int64_t legs = f == 1 ? pick(0, 2) : pick(3, 8);
      const std::string status = f == 2 ? kFailStatus[pick(0, 2)] : "active";
      const std::string country = f == 3 ? kFailCountry[pick(0, 3)] : kPassCountry[pick(0, 2)];
      const std::int64_t orders = f == 4 ? pick(10, 20) : pick(1, 9);
      const std::int64_t group_cents = volume_cents + pick(0, 5'000'000);
      const std::int64_t average_cents = pick(10'000, 90'000);
      const std::int64_t recruits = legs + pick(0, 6);

      const bool holds = volume_cents >= 50'000 && legs >= 3 && status == "active" &&
                         (country == "CO" || country == "MX" || country == "PE") && orders < 10;
      p.expected.push_back(holds);
      p.expected_true += holds;

      Json facts = {
          {"person",
           {{"id", downline_bench::external_id(i)},
            {"kind", "consultant"},
            {"status", status},
            {"country", country},
            {"rank", ""},
            {"vip", false}}},
          {"campaign",
           {{"id", "2026-05"}, {"orders", orders}, {"consecutive_campaigns", pick(0, 12)}}},
          {"network",
           {{"direct_recruits", recruits},
            {"active_direct_recruits", legs},
            {"active_legs", legs}}},
      };
      Json decimal = facts;
      facts["campaign"]["personal_volume"] = static_cast<double>(volume_cents) / 100;
      facts["campaign"]["average_order"] = static_cast<double>(average_cents) / 100;
      facts["network"]["group_volume"] = static_cast<double>(group_cents) / 100;
      decimal["campaign"]["personal_volume"] = cents_text(volume_cents);
      decimal["campaign"]["average_order"] = cents_text(average_cents);
      decimal["network"]["group_volume"] = cents_text(group_cents);
      p.plain.push_back(std::move(facts));
      p.decimal_text.push_back(decimal.dump());
      p.decimal.push_back(std::move(decimal));
    }
    return p;
  }();
  return built;
}

/// Fails the benchmark when a pass found `count` facts holding instead of the
/// expected number; true when it did.
bool wrong_count(benchmark::State& state, std::size_t count) {
  if (count == pool().expected_true) return false;
  const std::string message = "the rule held on " + std::to_string(count) + " facts of " +
                              std::to_string(kPool) + ", expected " +
                              std::to_string(pool().expected_true);
  state.SkipWithError(message.c_str());
  return true;
}

/// One pass: the number of `facts` on which `logic` holds.
std::size_t count_holding(const CompiledLogic& logic, const std::vector<Json>& facts) {
  std::size_t count = 0;
  for (const Json& f : facts) count += logic_truthy(logic.evaluate(f));
  return count;
}

void BM_Rule5_Compiled(benchmark::State& state) {
  const Pool& p = pool();
  const CompiledLogic logic = CompiledLogic::compile(rule_plain());
  for (auto _ : state) {
    if (wrong_count(state, count_holding(logic, p.plain))) break;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kPool));
}
BENCHMARK(BM_Rule5_Compiled)->Unit(benchmark::kMicrosecond);

// Against the fact model: personal_volume is a decimal fact, the threshold a
// decimal literal, and the comparison exact.
void BM_Rule5_CompiledDecimal(benchmark::State& state) {
  const Pool& p = pool();
  const CompiledLogic logic = CompiledLogic::compile(rule_decimal(), {}, &fact_model());
  for (auto _ : state) {
    if (wrong_count(state, count_holding(logic, p.decimal))) break;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kPool));
}
BENCHMARK(BM_Rule5_CompiledDecimal)->Unit(benchmark::kMicrosecond);

// The cost of the explanation: every operator evaluated with its operands.
void BM_Rule5_Traced(benchmark::State& state) {
  const Pool& p = pool();
  const CompiledLogic logic = CompiledLogic::compile(rule_plain());
  std::size_t entries = 0;
  for (auto _ : state) {
    std::size_t count = 0;
    for (const Json& facts : p.plain) {
      Json trace;
      count += logic_truthy(logic.evaluate(facts, &trace));
      entries += trace.size();
    }
    if (wrong_count(state, count)) break;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kPool));
  if (state.iterations() > 0)
    state.counters["trace_entries"] =
        static_cast<double>(entries) / static_cast<double>(state.iterations() * kPool);
}
BENCHMARK(BM_Rule5_Traced)->Unit(benchmark::kMicrosecond);

// The public path: the rule as a campaign_close rule of a RuleBook, evaluated
// from facts text (parsing and checking the facts against the model included).
void BM_RuleBook_Evaluate(benchmark::State& state) {
  const Pool& p = pool();
  Json document = Json::parse(R"({
    "ranks": [{"id": "gold", "name": "Gold"}],
    "rules": [{"id": "rank-gold", "trigger": "campaign_close",
               "then": [{"action": "set_rank", "rank": "gold"}]}]
  })");
  document["rules"][0]["when"] = rule_decimal();
  const RuleBook book = RuleBook::load(document.dump());
  const Instant at = Instant::parse_rfc3339("2026-05-31T05:00:00Z");
  for (auto _ : state) {
    std::size_t count = 0;
    for (const std::string& facts : p.decimal_text)
      count += !book.evaluate(Trigger::campaign_close, facts, at).decisions.empty();
    if (wrong_count(state, count)) break;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kPool));
}
BENCHMARK(BM_RuleBook_Evaluate)->Unit(benchmark::kMicrosecond);

// ---------------------------------------------------------------------------
// What was measured, for the ratios.

double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/// Evaluations/s reported under one name (a benchmark, or a mode of the
/// peer): every run, and the "median" aggregate when there are repetitions
/// (only that with --benchmark_report_aggregates_only).
struct Rates {
  std::vector<double> runs;
  std::optional<double> median;
  std::int64_t repetitions = 1;

  double value() const { return median ? *median : median_of(runs); }
};

/// Filled by SummaryReporter as the benchmarks finish, so BM_Peer can read
/// BM_Rule5_Compiled's figure (registered, hence run, before it).
std::map<std::string, Rates>& measured() {
  static std::map<std::string, Rates> rates;
  return rates;
}

/// The median evaluations/s reported under `name` so far; 0 when none.
double measured_rate(const std::string& name) {
  const auto it = measured().find(name);
  return it == measured().end() ? 0 : it->second.value();
}

// ---------------------------------------------------------------------------
// The peer.

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

double peer_seconds() {
  const char* text = std::getenv("DOWNLINE_BENCH_PEER_SECONDS");
  const double seconds = text != nullptr ? std::atof(text) : 0;
  return seconds > 0 ? seconds : 1.5;
}

/// CPU seconds used by this process, the clock of Google Benchmark's CPU time.
double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

/// BM_Rule5_Compiled's evaluations per CPU second, measured now for `seconds`
/// of CPU time after a short warm-up; 0 when a pass miscounts. Measured just
/// before the peer runs, so that both see the same load of the machine (on a
/// shared VM the rate of either moves by half from one minute to the next).
double compiled_rate_now(double seconds) {
  const Pool& p = pool();
  const CompiledLogic logic = CompiledLogic::compile(rule_plain());
  for (const double warm_end = cpu_seconds() + 0.1; cpu_seconds() < warm_end;)
    count_holding(logic, p.plain);
  std::size_t passes = 0;
  const double start = cpu_seconds();
  double elapsed = 0;
  do {
    if (count_holding(logic, p.plain) != p.expected_true) return 0;
    ++passes;
    elapsed = cpu_seconds() - start;
  } while (elapsed < seconds);
  return static_cast<double>(passes * kPool) / elapsed;
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

// json-logic-engine's compiled mode (engine.build, its fastest) over the same
// rule and the same pool, timed by bench/peers/rules_peer.mjs itself after a
// warm-up: one iteration per run, whose manual time is the CPU time the
// script measured, so items_per_second is the peer's evaluations per CPU
// second like the other benchmarks'. Counters: the package's interpreted
// modes, the compiled mode's wall-clock rate, downline/s (BM_Rule5_Compiled's
// loop measured just before node starts) and downline/peer, the ratio of the
// two: the figure to quote, as both were measured under the same load.
void BM_Peer_JsonLogicEngine(benchmark::State& state) {
  const std::filesystem::path peers = DOWNLINE_BENCH_PEERS_DIR;
  const std::filesystem::path script = peers / "rules_peer.mjs";
  const std::string install = "npm --prefix " + shell_quote(peers.string()) + " ci";
  std::string version;
  if (!run_command("node --version 2>/dev/null", version)) {
    const std::string message =
        "peer skipped: node is not on the PATH; install Node.js and npm (apt-get install nodejs "
        "npm), then run `" +
        install + "`";
    state.SkipWithError(message.c_str());
    return;
  }
  if (!std::filesystem::exists(peers / "node_modules" / "json-logic-engine" / "package.json")) {
    const std::string message =
        "peer skipped: json-logic-engine is not installed; run `" + install + "`";
    state.SkipWithError(message.c_str());
    return;
  }
  const Pool& p = pool();
  const auto pool_file =
      downline_bench::work_dir() / ("downline-rules-pool-" + std::to_string(getpid()) + ".json");
  {
    Json out = {{"rule", rule_plain()}, {"facts", p.plain}, {"expected", Json::array()}};
    for (const bool holds : p.expected) out["expected"].push_back(holds);
    std::ofstream(pool_file) << out.dump();
  }
  Json result;
  double ours = 0;
  for (auto _ : state) {
    ours = compiled_rate_now(peer_seconds());
    if (ours == 0) {
      state.SkipWithError("the rule held on a wrong number of facts");
      break;
    }
    std::string output;
    const bool ok =
        run_command("node " + shell_quote(script.string()) + " " + shell_quote(pool_file.string()) +
                        " " + std::to_string(peer_seconds()),
                    output);
    result = Json::parse(output, nullptr, false);
    if (!ok || result.is_discarded() || !result.contains("modes")) {
      const std::string message =
          result.is_object() && result.contains("error")
              ? "peer failed: " + result["error"].get<std::string>()
              : "peer failed: node " + script.string() + " printed: " + output;
      state.SkipWithError(message.c_str());
      break;
    }
    state.SetIterationTime(result["modes"]["compiled"]["seconds"].get<double>());
  }
  std::filesystem::remove(pool_file);
  if (state.error_occurred()) return;
  const Json& modes = result["modes"];
  for (const auto& [mode, figures] : modes.items()) {
    const auto evaluations = figures["evaluations"].get<std::int64_t>();
    const auto holding = figures["true_count"].get<std::int64_t>();
    if (evaluations % kPool != 0 || holding != evaluations / static_cast<std::int64_t>(kPool) *
                                                   static_cast<std::int64_t>(p.expected_true)) {
      state.SkipWithError(("peer failed: wrong count of facts holding in mode " + mode).c_str());
      return;
    }
  }
  const double peer_rate = modes["compiled"]["evaluations_per_second"].get<double>();
  state.SetItemsProcessed(modes["compiled"]["evaluations"].get<std::int64_t>());
  state.counters["interpreted/s"] = modes["interpreted"]["evaluations_per_second"].get<double>();
  state.counters["interpreted_plain/s"] =
      modes["interpreted_plain"]["evaluations_per_second"].get<double>();
  state.counters["wall/s"] = modes["compiled"]["evaluations_per_wall_second"].get<double>();
  state.counters["downline/s"] = ours;
  state.counters["downline/peer"] = ours / peer_rate;
  state.SetLabel("json-logic-engine " + result["version"].get<std::string>() + ", node " +
                 result["node"].get<std::string>());
}
BENCHMARK(BM_Peer_JsonLogicEngine)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

/// The console output, keeping every benchmark's evaluations/s; prints their
/// medians and downline's ratios to the peer at the end.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  explicit SummaryReporter(OutputOptions options) : ConsoleReporter(options) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type != Run::RT_Iteration && !median) continue;
      const std::string name = run.run_name.function_name;
      for (const auto& [counter, value] : run.counters) {
        if (counter == "trace_entries") continue;
        Rates& rates = measured()[counter == "items_per_second" ? name : name + " " + counter];
        if (median)
          rates.median = value.value;
        else
          rates.runs.push_back(value.value);
        rates.repetitions = std::max<std::int64_t>(rates.repetitions, run.repetitions);
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void print_summary() const {
    const std::string paired = "BM_Peer_JsonLogicEngine downline/peer";
    for (const auto& [name, rates] : measured()) {
      if (name == paired) continue;
      std::printf("summary: %-46s median %11.0f evaluations/s (%lld runs)\n", name.c_str(),
                  rates.value(), static_cast<long long>(rates.repetitions));
    }
    const double peer = measured_rate("BM_Peer_JsonLogicEngine");
    if (peer <= 0) return;
    std::printf(
        "summary: downline / json-logic-engine compiled, paired (BM_Rule5_Compiled's loop "
        "measured just before each peer run) = %.3f\n",
        measured_rate(paired));
    for (const char* ours : {"BM_Rule5_Compiled", "BM_Rule5_CompiledDecimal", "BM_Rule5_Traced",
                             "BM_RuleBook_Evaluate"}) {
      if (const double rate = measured_rate(ours); rate > 0)
        std::printf("summary: %-24s / json-logic-engine compiled = %.3f (medians, unpaired)\n",
                    ours, rate / peer);
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  return downline_bench::run_with_summary<SummaryReporter>(argc, argv);
}
