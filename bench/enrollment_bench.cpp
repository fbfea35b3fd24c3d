// Enrollment into SQLite: bulk (Company::enroll_many), the raw SQLiteCpp
// ceiling writing the same rows, and one person per call.
//
// DOWNLINE_BENCH_PERSONS sets the number of persons (default 100,000);
// DOWNLINE_BENCH_DIR where the files go (default /tmp).
#include <benchmark/benchmark.h>

#include "bench_support.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace downline_bench;

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/// The console output, keeping the persons/s each benchmark reports: the
/// "median" aggregate when there are repetitions, else every run.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  explicit SummaryReporter(OutputOptions options) : ConsoleReporter(options) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      const auto it = run.counters.find("persons/s");
      if (run.error_occurred || it == run.counters.end()) continue;
      Rates& r = rates_[run.run_name.function_name +
                        (run.run_name.args.empty() ? "" : "/" + run.run_name.args)];
      if (run.run_type == Run::RT_Iteration)
        r.runs.push_back(it->second.value);
      else if (run.aggregate_name == "median")
        r.median = it->second.value;
      r.repetitions = std::max<std::int64_t>(r.repetitions, run.repetitions);
    }
    ConsoleReporter::ReportRuns(runs);
  }

  /// Median persons/s of a benchmark (0 when it did not run).
  double median_of(const std::string& name) const {
    const auto it = rates_.find(name);
    if (it == rates_.end()) return 0;
    return it->second.median ? *it->second.median : median(it->second.runs);
  }

  void print_summary() const {
    for (const auto& [name, r] : rates_)
      std::printf("summary: %-40s median %9.0f persons/s (%lld runs)\n", name.c_str(),
                  median_of(name), static_cast<long long>(r.repetitions));
    const double bulk = median_of("BM_Enrollment_BulkSqlite");
    const double raw = median_of("BM_Enrollment_RawSqliteCeiling");
    if (bulk > 0 && raw > 0)
      std::printf("summary: bulk/raw = %.3f (enroll_many at %.0f%% of the raw SQLite ceiling)\n",
                  bulk / raw, 100.0 * bulk / raw);
  }

 private:
  struct Rates {
    std::vector<double> runs;
    std::optional<double> median;
    std::int64_t repetitions = 1;
  };
  std::map<std::string, Rates> rates_;
};

/// The generated network of persons(100,000), cut into enroll_many batches.
struct BulkData {
  TreePlan plan;
  std::vector<std::vector<EnrollmentRequest>> batches;
};

const BulkData& bulk_data() {
  static const BulkData data = [] {
    BulkData d;
    d.plan = plan_tree(persons(100000));
    for (std::size_t begin = 0; begin < d.plan.size(); begin += kBatch)
      d.batches.push_back(batch_requests(d.plan, begin, std::min(d.plan.size(), begin + kBatch)));
    return d;
  }();
  return data;
}

void BM_Enrollment_BulkSqlite(benchmark::State& state) {
  const BulkData& data = bulk_data();
  const auto path = work_dir() / "downline-bench-bulk.sqlite";
  std::size_t enrolled = 0;
  for (auto _ : state) {
    state.PauseTiming();
    remove_sqlite(path);
    std::optional<Company> company(Company::open("sqlite:" + path.string(), kConfig));
    state.ResumeTiming();
    for (const auto& batch : data.batches) {
      const auto outcome = company->enroll_many(admin(), batch);
      if (!outcome.accepted) {
        state.SkipWithError(
            ("rejected: " + outcome.findings.front().field + " " + outcome.findings.front().message)
                .c_str());
        return;
      }
      enrolled += batch.size();
    }
    state.PauseTiming();
    company.reset();
    state.ResumeTiming();
  }
  remove_sqlite(path);
  state.counters["persons"] = static_cast<double>(data.plan.size());
  state.counters["persons/s"] =
      benchmark::Counter(static_cast<double>(enrolled), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Enrollment_BulkSqlite)->Unit(benchmark::kMillisecond)->UseRealTime();

/// A raw SQLiteCpp connection with the library's pragmas, schema and insert
/// statements (members destroyed statements first, then the connection).
struct RawWriter {
  explicit RawWriter(const std::string& path)
      : db(open(path)),
        person(db,
               "INSERT INTO persons (id, external_id, first_name, last_name, email, phone, "
               "country, birth_date) VALUES (?,?,?,?,?,?,?,?)"),
        customer(db,
                 "INSERT INTO customers (person_id, type, status, channel, enrolled_at_us) "
                 "VALUES (?,?,?,?,?)"),
        node(db, "INSERT INTO network_nodes (network_id, person_id, parent_id) VALUES (?,?,?)"),
        event(db,
              "INSERT INTO events (kind, person_id, effective_at_us, recorded_at_us, actor, "
              "reason, payload) VALUES (?,?,?,?,?,?,?)") {}

  static SQLite::Database open(const std::string& path) {
    // The library itself lays down the schema (and registers the sponsor and
    // referral networks as ids 1 and 2), so the ceiling writes the same tables.
    downline::Company::open("sqlite:" + path, "{}");
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX);
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=NORMAL");
    db.exec("PRAGMA foreign_keys=ON");
    db.exec("PRAGMA cache_size=-32768");  // as the library's store
    return db;
  }

  SQLite::Database db;
  SQLite::Statement person, customer, node, event;
};

/// The rows Company::enroll_many writes, with raw prepared statements:
/// persons, customers, two network_nodes (sponsor, referral) and one event
/// per person with its JSON payload, kBatch persons per transaction, the
/// library's pragmas. No validation, no external-id look-ups, no index.
void BM_Enrollment_RawSqliteCeiling(benchmark::State& state) {
  const BulkData& data = bulk_data();
  const auto path = work_dir() / "downline-bench-raw.sqlite";
  const std::string kind = "enrolled", actor = "bench", reason, phone;
  std::string payload;
  std::size_t written = 0;
  for (auto _ : state) {
    state.PauseTiming();
    remove_sqlite(path);
    std::optional<RawWriter> w(std::in_place, path.string());
    state.ResumeTiming();

    std::size_t i = 0;
    for (const auto& batch : data.batches) {
      const std::int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
      w->db.exec("BEGIN IMMEDIATE");
      for (const EnrollmentRequest& r : batch) {
        const std::int64_t id = static_cast<std::int64_t>(i) + 1;
        const std::int32_t sponsor = data.plan.sponsor[i];
        auto& p = w->person;
        p.reset();
        p.bind(1, id);
        p.bindNoCopy(2, r.person.external_id);
        p.bindNoCopy(3, r.person.first_name);
        p.bindNoCopy(4, r.person.last_name);
        p.bindNoCopy(5, r.person.email);
        p.bindNoCopy(6, phone);
        p.bindNoCopy(7, r.person.country);
        p.bind(8);
        p.exec();
        auto& c = w->customer;
        c.reset();
        c.bind(1, id);
        c.bind(2, static_cast<int>(r.type));
        c.bind(3, 2);  // active
        c.bindNoCopy(4, r.channel);
        c.bind(5, now);
        c.exec();
        for (int network : {1, 2}) {  // sponsor, referral (= the sponsor)
          auto& n = w->node;
          n.reset();
          n.bind(1, network);
          n.bind(2, id);
          if (sponsor >= 0)
            n.bind(3, static_cast<std::int64_t>(sponsor) + 1);
          else
            n.bind(3);
          n.exec();
        }
        // The library's payload: {"channel":..,"parents":{..},"status":..,"type":..}.
        const std::string parent = sponsor >= 0 ? std::to_string(sponsor + 1) : "null";
        payload = R"({"channel":")" + r.channel + R"(","parents":{"referral":)" + parent +
                  R"(,"sponsor":)" + parent + R"(},"status":"active","type":")" +
                  std::string(downline::to_string(r.type)) + R"("})";
        auto& e = w->event;
        e.reset();
        e.bindNoCopy(1, kind);
        e.bind(2, id);
        e.bind(3, now);
        e.bind(4, now);
        e.bindNoCopy(5, actor);
        e.bindNoCopy(6, reason);
        e.bindNoCopy(7, payload);
        e.exec();
        ++i;
      }
      w->db.exec("COMMIT");
    }
    written += i;

    state.PauseTiming();
    w.reset();
    state.ResumeTiming();
  }
  remove_sqlite(path);
  state.counters["persons"] = static_cast<double>(data.plan.size());
  state.counters["persons/s"] =
      benchmark::Counter(static_cast<double>(written), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Enrollment_RawSqliteCeiling)->Unit(benchmark::kMillisecond)->UseRealTime();

/// Company::enroll, one person (one transaction) per call, into a copy of
/// the cached network of state.range(0) persons; each newcomer under a
/// random consultant of that network.
void BM_Enrollment_OnePerCallSqlite(benchmark::State& state) {
  const std::size_t base = static_cast<std::size_t>(state.range(0));
  const auto work = work_dir() / "downline-bench-one-per-call.sqlite";
  remove_sqlite(work);
  std::filesystem::copy_file(cached_sqlite(base), work);
  const TreePlan plan = plan_tree(base);
  {
    auto company = Company::open("sqlite:" + work.string(), kConfig);
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<std::size_t> pick(0, plan.consultants.size() - 1);
    std::size_t next = base;
    for (auto _ : state) {
      auto request = request_for(next++, CustomerType::consultant);
      request.sponsor = PersonId{plan.consultants[pick(rng)] + 1};
      const auto outcome = company.enroll(admin(), request);
      if (!outcome.accepted) {
        state.SkipWithError(("rejected: " + outcome.findings.front().message).c_str());
        break;
      }
    }
  }
  remove_sqlite(work);
  state.counters["base_persons"] = static_cast<double>(base);
  state.counters["persons/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
// A small base too: the difference shows what grows with the network.
BENCHMARK(BM_Enrollment_OnePerCallSqlite)
    ->Arg(1000)
    ->Arg(static_cast<std::int64_t>(persons(100000)))
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  return downline_bench::run_with_summary<SummaryReporter>(argc, argv);
}
