// Shared pieces of the benchmarks: sizes from the environment, the generated
// network, cached SQLite files and resident-memory readings.
#pragma once

#include <downline/company.hpp>

#include <benchmark/benchmark.h>

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace downline_bench {

using downline::Company;
using downline::CustomerType;
using downline::EnrollmentRequest;
using downline::PersonId;

/// The configuration every benchmark company is opened with (the defaults:
/// sponsor and referral networks, first/last name and e-mail required).
inline constexpr const char* kConfig = R"({"company": {"name": "Bench", "currency": "USD"}})";

/// Requests per Company::enroll_many call (and per raw SQLite transaction).
inline constexpr std::size_t kBatch = 10000;

/// The actor every benchmark runs for: head-office staff who see everyone.
inline const downline::Actor& admin() {
  static const downline::Actor actor = downline::Actor::staff("bench", {"admin"});
  return actor;
}

/// DOWNLINE_BENCH_PERSONS when set (the smoke test makes it tiny), else
/// `fallback`.
inline std::size_t persons(std::size_t fallback) {
  const char* text = std::getenv("DOWNLINE_BENCH_PERSONS");
  if (text == nullptr || *text == '\0') return fallback;
  const long long n = std::atoll(text);
  return n > 1 ? static_cast<std::size_t>(n) : fallback;
}

/// Directory of the benchmark files: DOWNLINE_BENCH_DIR, else /tmp.
inline std::filesystem::path work_dir() {
  const char* dir = std::getenv("DOWNLINE_BENCH_DIR");
  return dir != nullptr && *dir != '\0' ? std::filesystem::path(dir) : "/tmp";
}

/// Removes a SQLite file with its -wal and -shm companions.
inline void remove_sqlite(const std::filesystem::path& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    std::filesystem::remove(path.string() + suffix);
}

/// Resident set size of this process in MB (VmRSS of /proc/self/status).
inline double rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  return 0;
}

/// Peak resident set size of this process in MB (VmHWM), since the start or
/// the last reset_peak_rss().
inline double peak_rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  return 0;
}

/// Resets VmHWM to the current RSS (Linux: "5" into /proc/self/clear_refs).
inline void reset_peak_rss() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

/// Gives freed heap memory back to the system so that RSS deltas are honest.
inline void trim_heap() {
  malloc_trim(0);
}

/// The shape of a generated network of `n` persons (index i becomes the
/// person with id i + 1 in a fresh store).
///
/// Person 0 is the company's first consultant (no sponsor); person 1, a
/// "top leader", is their first recruit. Every later newcomer is sponsored by
/// a uniformly random earlier consultant: one in ten inside the top leader's
/// downline, the others outside it. So the leader's downline holds about
/// n / 10 persons, and both parts are random recursive trees (depth ~ ln n).
/// Four in five newcomers are consultants, the others customers (who never
/// sponsor).
struct TreePlan {
  std::vector<std::int32_t> sponsor;  ///< index of the sponsor, -1 for none
  std::vector<std::uint8_t> consultant;
  std::vector<std::int32_t> consultants;  ///< indexes of every consultant
  static constexpr std::int32_t kLeader = 1;

  std::size_t size() const { return sponsor.size(); }
};

inline TreePlan plan_tree(std::size_t n, std::uint64_t seed = 20260101) {
  TreePlan plan;
  plan.sponsor.resize(n, -1);
  plan.consultant.resize(n, 0);
  std::mt19937_64 rng(seed);
  std::vector<std::int32_t> inside, outside;
  auto add = [&](std::size_t i, std::int32_t sponsor, bool consultant, bool in_leader_group) {
    plan.sponsor[i] = sponsor;
    plan.consultant[i] = consultant;
    if (!consultant) return;
    plan.consultants.push_back(static_cast<std::int32_t>(i));
    (in_leader_group ? inside : outside).push_back(static_cast<std::int32_t>(i));
  };
  if (n > 0) add(0, -1, true, false);
  if (n > 1) add(1, 0, true, true);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (std::size_t i = 2; i < n; ++i) {
    const bool in_leader_group = unit(rng) < 0.1;
    const auto& pool = in_leader_group ? inside : outside;
    const auto pick = std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(rng);
    add(i, pool[pick], unit(rng) < 0.8, in_leader_group);
  }
  return plan;
}

/// The host's id of person `i`.
inline std::string external_id(std::size_t i) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "P%09zu", i);
  return buf;
}

/// A complete request for person `i` (external id, names, e-mail, country).
inline EnrollmentRequest request_for(std::size_t i, CustomerType type) {
  static constexpr const char* kFirst[] = {"Ana",   "Luis",  "Marta", "Jorge", "Lucia", "Pedro",
                                           "Sofia", "Diego", "Elena", "Mario", "Clara", "Pablo",
                                           "Julia", "Raul",  "Irene", "Hugo"};
  static constexpr const char* kLast[] = {"Garcia", "Lopez",  "Perez", "Gomez",  "Diaz",   "Torres",
                                          "Ruiz",   "Vargas", "Rojas", "Castro", "Moreno", "Suarez",
                                          "Ortiz",  "Silva",  "Rios",  "Mendez"};
  static constexpr const char* kCountry[] = {"CO", "MX", "PE", "EC", "CL", "AR", "US", "ES"};
  EnrollmentRequest r;
  r.type = type;
  r.person.external_id = external_id(i);
  r.person.first_name = kFirst[i % 16];
  r.person.last_name = kLast[(i / 16) % 16];
  std::string email =
      r.person.first_name + "." + r.person.last_name + "." + std::to_string(i) + "@example.com";
  std::transform(email.begin(), email.end(), email.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  r.person.email = std::move(email);
  r.person.country = kCountry[(i / 7) % 8];
  r.channel = "backoffice";
  return r;
}

/// Requests for persons [begin, end) of `plan`, to be enrolled in one
/// enroll_many call into a store holding exactly persons [0, begin): sponsors
/// enrolled by earlier calls are given by PersonId, sponsors inside the batch
/// by external id.
inline std::vector<EnrollmentRequest> batch_requests(const TreePlan& plan, std::size_t begin,
                                                     std::size_t end) {
  std::vector<EnrollmentRequest> out;
  out.reserve(end - begin);
  for (std::size_t i = begin; i < end; ++i) {
    auto r = request_for(i, plan.consultant[i] ? CustomerType::consultant : CustomerType::customer);
    const std::int32_t s = plan.sponsor[i];
    if (s >= 0 && static_cast<std::size_t>(s) < begin)
      r.sponsor = PersonId{s + 1};
    else if (s >= 0)
      r.sponsor_external_id = external_id(static_cast<std::size_t>(s));
    out.push_back(std::move(r));
  }
  return out;
}

/// Enrolls every person of `plan` into `company` in batches of kBatch.
inline void enroll_plan(Company& company, const TreePlan& plan) {
  for (std::size_t begin = 0; begin < plan.size(); begin += kBatch) {
    const std::size_t end = std::min(plan.size(), begin + kBatch);
    const auto requests = batch_requests(plan, begin, end);
    const auto outcome = company.enroll_many(admin(), requests);
    if (!outcome.accepted ||
        outcome.persons.front() != PersonId{static_cast<std::int64_t>(begin) + 1})
      throw std::runtime_error("bench: enrollment of the generated network was rejected: " +
                               (outcome.findings.empty() ? std::string("unexpected ids")
                                                         : outcome.findings.front().message));
  }
}

/// A SQLite file holding the generated network of `n` persons, built once and
/// kept in work_dir() (rebuilt when missing). Built under a temporary name
/// and renamed, so an interrupted build is never taken for a cached one.
/// "v1" names the generator: change it whenever plan_tree or request_for
/// change, so that stale files are not reused.
inline std::filesystem::path cached_sqlite(std::size_t n) {
  const auto path = work_dir() / ("downline-bench-v1-" + std::to_string(n) + ".sqlite");
  if (std::filesystem::exists(path)) return path;
  const auto tmp = work_dir() / ("downline-bench-v1-" + std::to_string(n) + ".building.sqlite");
  remove_sqlite(tmp);
  std::fprintf(stderr, "bench: building %s (%zu persons)...\n", path.c_str(), n);
  {
    auto company = Company::open("sqlite:" + tmp.string(), kConfig);
    enroll_plan(company, plan_tree(n));
  }  // closing checkpoints the WAL into the file
  remove_sqlite(path);
  std::filesystem::rename(tmp, path);
  return path;
}

/// The main() of a benchmark program whose `Reporter` (a ConsoleReporter)
/// prints a summary after the run: the figures an issue asks for, with the
/// peer's side by side.
template <typename Reporter>
int run_with_summary(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  Reporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                          : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  reporter.print_summary();
  return 0;
}

}  // namespace downline_bench
