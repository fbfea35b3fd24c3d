// Flat-file import (issue 4): Company::import_csv of a generated CSV into a
// fresh SQLite file with every validation on — phones parsed and validated
// by libphonenumber, documents against their mask, unique e-mails and
// documents, the blacklist, an extended field, a mandatory contract — next
// to the raw SQLite ceiling: the same rows (persons, customers, two network
// nodes, the event, the acceptance) read from the same file and written by
// prepared statements, 10,000 per transaction, foreign keys off, no
// validation at all.
//
// DOWNLINE_BENCH_PERSONS sets the rows (default 1,000,000); the CSV files are
// generated once into DOWNLINE_BENCH_DIR (default /tmp). A third benchmark
// imports a file with 1% bad rows and checks the report names exactly them,
// then runs it again and checks nothing is added.
#include <benchmark/benchmark.h>

#include "bench_support.hpp"

#include <downline/json.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace downline_bench;
using downline::ImportOptions;
using downline::ImportReport;
using downline::RejectedRow;

const std::string kDigest = "sha256:" + std::string(64, 'c');

const std::string kImportConfig = R"({
  "company": {"name": "Import bench", "currency": "COP", "time_zone": "America/Bogota"},
  "enrollment": {"unique_email": true, "identification": "document"},
  "document_types": [{"id": "CC", "countries": ["CO"], "mask": "##########"}],
  "channels": [{"id": "file", "kind": "flat_file"}],
  "extended_fields": [{"slot": 1, "id": "line", "type": "choice",
                       "options": ["skin", "hair", "wellness"]}],
  "contracts": [{"id": "terms", "version": 1, "digest": ")" +
                                  kDigest + R"("}],
  "blacklist_reasons": ["fraud"]
})";

constexpr const char* kHeader =
    "external_id,first_name,last_name,email,phone,country,document_type,document_number,"
    "sponsor_external_id,extended.line,accepted_contracts\n";

std::size_t rows() {
  return persons(1'000'000);
}

// One row: a Colombian mobile (310 to 321), a 10-digit document, a sponsor among
// the rows before (a random recursive tree); `bad` breaks its e-mail.
void write_row(std::ofstream& out, std::size_t i, std::size_t sponsor, bool bad) {
  static const char* kLines[] = {"skin", "hair", "wellness"};
  char phone[16];
  std::snprintf(phone, sizeof phone, "3%02zu%07zu", 10 + i % 12, i % 10'000'000);
  out << 'P' << i << ",Ana " << i << ",Gómez," << (bad ? "broken-at-" : "p") << i
      << (bad ? "" : "@example.com") << ',' << phone << ",CO,CC," << 1'000'000'000 + i << ',';
  if (i > 0) out << 'P' << sponsor;
  out << ',' << kLines[i % 3] << ",terms:1\n";
}

// The file of `n` rows, generated once; `bad_every` > 0 breaks every
// bad_every-th row (its line numbers go into `bad_lines`).
std::filesystem::path csv_file(std::size_t n, std::size_t bad_every,
                               std::set<std::uint64_t>* bad_lines = nullptr) {
  const auto path = work_dir() / ("downline-bench-import-" + std::to_string(n) + "-" +
                                  std::to_string(bad_every) + ".csv");
  const bool exists = std::filesystem::exists(path);
  std::ofstream out;
  if (!exists) out.open(path.string() + ".tmp", std::ios::binary);
  if (!exists) out << kHeader;
  std::mt19937_64 rng(20261207);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t sponsor = i > 0 ? rng() % i : 0;
    // A bad row sponsors no one: its successors would be rejected too.
    const bool bad = bad_every > 0 && i % bad_every == bad_every - 1;
    if (bad && bad_lines) bad_lines->insert(i + 2);
    if (!exists)
      write_row(out, i,
                bad_every > 0 && sponsor % bad_every == bad_every - 1 ? sponsor - 1 : sponsor, bad);
  }
  if (!exists) {
    out.close();
    std::filesystem::rename(path.string() + ".tmp", path);
  }
  return path;
}

ImportOptions options() {
  ImportOptions o;
  o.channel = "file";
  return o;
}

Company fresh_company(const std::filesystem::path& path) {
  remove_sqlite(path);
  Company company = Company::open("sqlite:" + path.string(), kImportConfig);
  company.add_to_blacklist(admin(), downline::json::parse_blacklist_entry(
                                        R"({"kind": "phone", "value": "3001234567",
                                             "country": "CO", "reason": "fraud"})"));
  return company;
}

void BM_Import_Csv(benchmark::State& state) {
  const std::size_t n = rows();
  const auto csv = csv_file(n, 0);
  const auto db = work_dir() / "downline-bench-import.sqlite";
  std::uint64_t enrolled = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::optional<Company> company(fresh_company(db));
    state.ResumeTiming();
    const ImportReport report = company->import_csv_file(admin(), csv.string(), options());
    if (!report.rejected.empty()) {
      state.SkipWithError(("rejected line " + std::to_string(report.rejected[0].line) + ": " +
                           report.rejected[0].findings[0].message)
                              .c_str());
      return;
    }
    enrolled += report.enrolled;
    state.PauseTiming();
    company.reset();
    state.ResumeTiming();
  }
  remove_sqlite(db);
  state.counters["rows"] = static_cast<double>(n);
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(enrolled), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Import_Csv)->Unit(benchmark::kMillisecond)->UseRealTime();

// The cells of a line, into strings kept from line to line (bound as TEXT
// without a copy: SQLiteCpp binds a pointer and a size as a BLOB).
void split(std::string_view line, std::vector<std::string>& cells) {
  std::size_t start = 0, n = 0;
  for (;; ++n) {
    const std::size_t comma = line.find(',', start);
    if (cells.size() <= n) cells.emplace_back();
    cells[n].assign(line.substr(start, comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  cells.resize(n + 1);
}

/// The same rows read from the same file (a plain line split) and written by
/// raw prepared statements with the library's schema and pragmas; foreign
/// keys off, as the library's bulk writer turns them off.
void BM_Import_RawSqliteCeiling(benchmark::State& state) {
  const std::size_t n = rows();
  const auto csv = csv_file(n, 0);
  const auto db = work_dir() / "downline-bench-import-raw.sqlite";
  std::uint64_t written = 0;
  for (auto _ : state) {
    state.PauseTiming();
    remove_sqlite(db);
    Company::open("sqlite:" + db.string(), kImportConfig);  // lays down the schema
    std::optional<SQLite::Database> conn(std::in_place, db.string(),
                                         SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX);
    conn->exec("PRAGMA journal_mode=WAL");
    conn->exec("PRAGMA synchronous=NORMAL");
    conn->exec("PRAGMA foreign_keys=OFF");
    conn->exec("PRAGMA cache_size=-32768");
    state.ResumeTiming();
    {
      SQLite::Statement person(*conn,
                               "INSERT INTO persons (id, external_id, first_name, last_name, "
                               "email, phone, country, document_type, document_number, "
                               "email_key, extended) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
      SQLite::Statement customer(*conn,
                                 "INSERT INTO customers (person_id, type, status, channel, "
                                 "enrolled_at_us) VALUES (?,2,2,'file',?)");
      SQLite::Statement node(*conn,
                             "INSERT INTO network_nodes (network_id, person_id, parent_id) "
                             "VALUES (?,?,?)");
      SQLite::Statement event(*conn,
                              "INSERT INTO events (kind, person_id, effective_at_us, "
                              "recorded_at_us, actor, reason, payload) "
                              "VALUES ('enrolled',?,?,?,'bench','',?)");
      SQLite::Statement acceptance(*conn,
                                   "INSERT INTO contract_acceptances (person_id, contract, "
                                   "version, digest, channel, accepted_at_us, seq) "
                                   "VALUES (?,'terms',1,?,'registration',?,?)");
      std::ifstream in(csv, std::ios::binary);
      std::string line;
      std::getline(in, line);  // the header
      std::int64_t id = 0;
      const std::int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
      std::string payload, extended;
      conn->exec("BEGIN IMMEDIATE");
      std::vector<std::string> c;
      while (std::getline(in, line)) {
        split(line, c);
        ++id;
        // The sponsor's id: rows are numbered as the file (P<i> is id i+1).
        const std::int64_t sponsor = c[8].empty() ? 0 : std::atoll(c[8].c_str() + 1) + 1;
        person.reset();
        person.bind(1, id);
        person.bindNoCopy(2, c[0]);
        person.bindNoCopy(3, c[1]);
        person.bindNoCopy(4, c[2]);
        person.bindNoCopy(5, c[3]);
        person.bindNoCopy(6, c[4]);
        person.bindNoCopy(7, c[5]);
        person.bindNoCopy(8, c[6]);
        person.bindNoCopy(9, c[7]);
        person.bindNoCopy(10, c[3]);
        extended.assign("{\"1\":\"").append(c[9]).append("\"}");
        person.bindNoCopy(11, extended);
        person.exec();
        customer.reset();
        customer.bind(1, id);
        customer.bind(2, now);
        customer.exec();
        for (int network : {1, 2}) {
          node.reset();
          node.bind(1, network);
          node.bind(2, id);
          if (sponsor)
            node.bind(3, sponsor);
          else
            node.bind(3);
          node.exec();
        }
        const std::string parent = sponsor ? std::to_string(sponsor) : "null";
        payload =
            R"({"type":"consultant","status":"active","parents":{"sponsor":)" + parent +
            R"(,"referral":)" + parent +
            R"(},"outcome":"active","accepted_contracts":[{"contract":"terms","version":1}]})";
        event.reset();
        event.bind(1, id);
        event.bind(2, now);
        event.bind(3, now);
        event.bindNoCopy(4, payload);
        event.exec();
        acceptance.reset();
        acceptance.bind(1, id);
        acceptance.bindNoCopy(2, kDigest);
        acceptance.bind(3, now);
        acceptance.bind(4, conn->getLastInsertRowid());
        acceptance.exec();
        if (id % kBatch == 0) {
          conn->exec("COMMIT");
          conn->exec("BEGIN IMMEDIATE");
        }
      }
      conn->exec("COMMIT");
      written += static_cast<std::uint64_t>(id);
    }
    state.PauseTiming();
    conn.reset();
    state.ResumeTiming();
  }
  remove_sqlite(db);
  state.counters["rows"] = static_cast<double>(n);
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(written), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Import_RawSqliteCeiling)->Unit(benchmark::kMillisecond)->UseRealTime();

/// A file with 1% bad rows (a broken e-mail): the report names exactly
/// them, and a second run adds nothing.
void BM_Import_OnePercentBadThenRerun(benchmark::State& state) {
  const std::size_t n = rows();
  std::set<std::uint64_t> bad;
  const auto csv = csv_file(n, 100, &bad);
  const auto db = work_dir() / "downline-bench-import-bad.sqlite";
  for (auto _ : state) {
    state.PauseTiming();
    std::optional<Company> company(fresh_company(db));
    state.ResumeTiming();
    const ImportReport first = company->import_csv_file(admin(), csv.string(), options());
    state.PauseTiming();
    std::set<std::uint64_t> reported;
    for (const RejectedRow& r : first.rejected) reported.insert(r.line);
    if (reported != bad || first.enrolled != n - bad.size()) {
      state.SkipWithError(("reported " + std::to_string(reported.size()) + " rows, expected " +
                           std::to_string(bad.size()))
                              .c_str());
      return;
    }
    state.ResumeTiming();
    const ImportReport again = company->import_csv_file(admin(), csv.string(), options());
    state.PauseTiming();
    if (again.enrolled != 0 || again.existing != n - bad.size() ||
        again.rejected.size() != bad.size()) {
      state.SkipWithError("the second run added or lost rows");
      return;
    }
    state.counters["rejected"] = static_cast<double>(first.rejected.size());
    state.counters["rerun existing"] = static_cast<double>(again.existing);
    company.reset();
    state.ResumeTiming();
  }
  remove_sqlite(db);
  state.counters["rows"] = static_cast<double>(n);
}
BENCHMARK(BM_Import_OnePercentBadThenRerun)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
