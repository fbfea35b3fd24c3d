// Enrollment from CSV files (issue 4, seed 004 §7.1 flat files): the header
// maps the columns, each rejected row is reported with its findings and
// written nowhere, the valid rows are committed batch by batch, and running
// the same file again adds nothing.
#include <downline/downline.hpp>

#include "company/bulk.hpp"
#include "company/company_state.hpp"
#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace downline::testing {
namespace {

const std::string kImportConfig = R"({
  "company": {"name": "Import", "currency": "COP", "time_zone": "America/Bogota"},
  "enrollment": {"unique_email": true, "identification": "document"},
  "document_types": [{"id": "CC", "countries": ["CO"], "mask": "##########"}],
  "channels": [{"id": "file", "kind": "flat_file"}, {"id": "web", "kind": "corporate_site"}],
  "extended_fields": [{"slot": 1, "id": "line", "type": "choice",
                       "options": ["skin", "hair"]},
                      {"slot": 2, "id": "children", "type": "integer"}],
  "contracts": [{"id": "terms", "version": 1, "digest": "sha256:)" +
                                  std::string(64, 'a') + R"("}],
  "blacklist_reasons": ["fraud"]
})";

std::string config() {
  return kImportConfig;
}

ImportOptions file_options(std::size_t batch = 10000) {
  ImportOptions o;
  o.channel = "file";
  o.batch_size = batch;
  return o;
}

const char* kHeader =
    "external_id,first_name,last_name,email,phone,country,document_type,document_number,"
    "sponsor_external_id,extended.line,accepted_contracts\n";

// A valid row of kHeader's columns.
std::string row(int n, const std::string& sponsor = "", const std::string& email = "",
                const std::string& phone = "") {
  const std::string id = "P" + std::to_string(n);
  std::ostringstream s;
  s << id << ",Ana " << n << ",Gómez," << (email.empty() ? id + "@example.com" : email) << ","
    << (phone.empty() ? "3045351" + std::to_string(100 + n % 900) : phone) << ",CO,CC,"
    << 1000000000 + n << "," << sponsor << ",skin,terms:1\n";
  return s.str();
}

std::set<std::uint64_t> lines_of(const ImportReport& report) {
  std::set<std::uint64_t> lines;
  for (const RejectedRow& r : report.rejected) lines.insert(r.line);
  return lines;
}

TEST(Import, EnrollsEveryRowWithItsSponsorExtendedFieldAndContract) {
  auto company = Company::open("memory:", config());
  std::istringstream csv(std::string(kHeader) + row(1) + row(2, "P1") + row(3, "P2"));
  const ImportReport report = company.import_csv(admin(), csv, file_options());
  EXPECT_EQ(report.rows, 3u);
  EXPECT_EQ(report.enrolled, 3u);
  EXPECT_EQ(report.existing, 0u);
  EXPECT_TRUE(report.rejected.empty());
  EXPECT_TRUE(report.last_event);

  const PersonId p1 = *company.find_person(admin(), "P1");
  const PersonId p3 = *company.find_person(admin(), "P3");
  const Person third = company.person(admin(), p3);
  EXPECT_EQ(company.person(admin(), third.sponsor).data.external_id, "P2");
  EXPECT_EQ(company.person(admin(), third.sponsor).sponsor, p1);
  EXPECT_EQ(third.data.phone, "+573045351103");  // normalised like any enrollment
  EXPECT_EQ(third.data.extended.at("line"), "skin");
  EXPECT_EQ(third.channel, "file");
  const auto accepted = company.contract_acceptances(admin(), p3);
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].contract, (ContractRef{"terms", 1}));
}

TEST(Import, ReportsExactlyTheBadRowsAndEnrollsTheOthers) {
  const std::string path = temp_db("import-bad");
  auto company = Company::open("sqlite:" + path, config());
  BlacklistEntry barred;
  barred.kind = BlacklistKind::email;
  barred.value = "barred@example.com";
  barred.reason = "fraud";
  company.add_to_blacklist(admin(), barred);

  // Line 1 is the header; each bad row breaks one thing.
  std::string text = kHeader;
  std::map<std::uint64_t, std::pair<std::string, std::string>> bad;  // line → reason, field
  int n = 0;
  for (std::uint64_t line = 2; line <= 41; ++line) {
    ++n;
    switch (line) {
      case 5:
        text += row(n, "", "not-an-email");
        bad[line] = {"invalid_email", "person.email"};
        break;
      case 9:
        text += row(n, "", "", "12");
        bad[line] = {"invalid_phone", "person.phone"};
        break;
      case 13:
        text += row(n, "", "P2@example.com");
        bad[line] = {"duplicate_email", "person.email"};
        break;
      case 17:
        text += row(n, "NOBODY");
        bad[line] = {"sponsor_not_found", "sponsor_external_id"};
        break;
      case 21:
        text += row(n, "", "barred@example.com");
        bad[line] = {"blacklisted", "person.email"};
        break;
      case 25:
        text += "P25,Ana,Gómez\n";
        bad[line] = {"column_count", "row"};
        break;
      case 29: {
        std::string r = row(n);
        r.replace(r.find(",skin,"), 6, ",wool,");
        text += r;
        bad[line] = {"invalid_extended_field", "person.extended.line"};
        break;
      }
      case 33:
        text += row(1);
        bad[line] = {"duplicate_external_id", "person.external_id"};
        break;
      default: text += row(n, n > 1 ? "P1" : "");
    }
  }
  const auto run = [&] {
    std::istringstream csv(text);
    return company.import_csv(admin(), csv, file_options(7));  // 40 rows in 6 batches
  };
  const ImportReport first = run();
  EXPECT_EQ(first.rows, 40u);
  EXPECT_EQ(first.enrolled, 32u);
  std::set<std::uint64_t> expected;
  for (const auto& [line, what] : bad) expected.insert(line);
  EXPECT_EQ(lines_of(first), expected);
  for (const RejectedRow& r : first.rejected) {
    SCOPED_TRACE(r.line);
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings[0].reason, bad[r.line].first);
    EXPECT_EQ(r.findings[0].field, bad[r.line].second);
  }
  EXPECT_EQ(company.person_count(admin()), 32u);

  // The same file again: nothing new, the same rows reported.
  const ImportReport again = run();
  EXPECT_EQ(again.enrolled, 0u);
  EXPECT_EQ(again.existing, 32u);
  EXPECT_EQ(lines_of(again), expected);
  EXPECT_FALSE(again.last_event);
  EXPECT_EQ(company.person_count(admin()), 32u);
  EXPECT_TRUE(company.verify(admin()).ok);
}

TEST(Import, ARowSponsoredByARejectedRowSaysSoInAndAcrossBatches) {
  auto company = Company::open("memory:", config());
  // P1 is rejected (bad phone); P2 (same batch) and P4 (a later batch) name
  // it as sponsor; P3 is fine.
  std::istringstream csv(std::string(kHeader) + row(1, "", "", "12") + row(2, "P1") + row(3) +
                         row(4, "P1"));
  const ImportReport report = company.import_csv(admin(), csv, file_options(3));
  ASSERT_EQ(report.rejected.size(), 3u);
  EXPECT_EQ(report.rejected[1].external_id, "P2");
  EXPECT_EQ(report.rejected[1].findings[0].reason, "sponsor_rejected");
  EXPECT_EQ(report.rejected[1].findings[0].field, "sponsor_external_id");
  EXPECT_EQ(report.rejected[2].external_id, "P4");
  EXPECT_EQ(report.rejected[2].findings[0].reason, "sponsor_rejected");
  EXPECT_EQ(report.enrolled, 1u);
}

TEST(Import, ARejectedRowHoldsNoEmailForTheRowsAfterIt) {
  auto company = Company::open("memory:", config());
  std::istringstream csv(std::string(kHeader) + row(1, "", "same@example.com", "12") +
                         row(2, "", "same@example.com"));
  const ImportReport report = company.import_csv(admin(), csv, file_options());
  ASSERT_EQ(report.rejected.size(), 1u);
  EXPECT_EQ(report.rejected[0].line, 2u);
  EXPECT_EQ(report.enrolled, 1u);
}

TEST(Import, MapsHeadersReadsQuotesBomAndAnotherDelimiter) {
  auto company = Company::open("memory:", config());
  ImportOptions options = file_options();
  options.delimiter = ';';
  options.columns = {{"Código", "external_id"},          {"Nombre", "first_name"},
                     {"Apellido", "person.last_name"},   {"Correo", "email"},
                     {"Hijos", "extended.children"},     {"Tipo", "type"},
                     {"Cédula", "document_number"},      {"País", "person.country"},
                     {"Contratos", "accepted_contracts"}};
  std::istringstream csv(
      "\xEF\xBB\xBF"
      "Código;Nombre;Apellido;Correo;Hijos;Tipo;document_type;Cédula;País;Contratos\r\n"
      "A1;\"Ana; María\";\"O\"\"Neil\";a1@example.com;2;customer;CC;1000000001;CO;terms:1\r\n"
      "\r\n"
      "A2;\"Luis\nAlberto\";Pérez;a2@example.com;;guest;CC;1000000002;CO;\" terms : 1 ;\"\r\n");
  const ImportReport report = company.import_csv(admin(), csv, options);
  ASSERT_TRUE(report.rejected.empty()) << report.rejected[0].findings[0].message;
  EXPECT_EQ(report.rows, 2u);
  const Person a1 = company.person(admin(), *company.find_person(admin(), "A1"));
  EXPECT_EQ(a1.data.first_name, "Ana; María");
  EXPECT_EQ(a1.data.last_name, "O\"Neil");
  EXPECT_EQ(a1.type, CustomerType::customer);
  EXPECT_EQ(a1.data.extended.at("children"), "2");
  const Person a2 = company.person(admin(), *company.find_person(admin(), "A2"));
  EXPECT_EQ(a2.data.first_name, "Luis\nAlberto");
  EXPECT_EQ(a2.type, CustomerType::guest);
}

TEST(Import, ValuesThatCannotBeReadAreFindingsOfTheirRowWithTheLineItStartsOn) {
  auto company = Company::open("memory:", config());
  std::istringstream csv(
      "external_id,first_name,email,type,birth_date,sponsor,accepted_contracts,effective_at\n"
      "B1,\"two\nlines\",b1@example.com,boss,,,,\n"
      "B2,x,b2@example.com,,1990-02-31,,,\n"
      "B3,x,b3@example.com,,,abc,,\n"
      "B4,x,b4@example.com,,,,terms,\n"
      "B5,x,b5@example.com,,,,,yesterday\n"
      "B6,\"open,b6@example.com,,,,,\n");
  const ImportReport report = company.import_csv(admin(), csv, file_options());
  ASSERT_EQ(report.rejected.size(), 6u);
  const std::vector<std::tuple<std::uint64_t, std::string, std::string>> expected = {
      {2, "invalid_type", "type"},
      {4, "invalid_birth_date", "person.birth_date"},
      {5, "invalid_sponsor", "sponsor"},
      {6, "invalid_accepted_contracts", "accepted_contracts"},
      {7, "invalid_effective_at", "effective_at"},
      {8, "malformed_row", "row"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(report.rejected[i].line, std::get<0>(expected[i]));
    EXPECT_EQ(report.rejected[i].findings[0].reason, std::get<1>(expected[i]));
    EXPECT_EQ(report.rejected[i].findings[0].field, std::get<2>(expected[i]));
  }
  EXPECT_EQ(company.person_count(admin()), 0u);
}

TEST(Import, BadHeadersAndOptionsAreRefusedBeforeAnythingIsWritten) {
  auto company = Company::open("memory:", config());
  const auto refused = [&](const std::string& text, ImportOptions options,
                           const std::string& field) {
    SCOPED_TRACE(text);
    std::istringstream csv(text);
    try {
      company.import_csv(admin(), csv, options);
      ADD_FAILURE() << "accepted";
    } catch (const InvalidArgument& e) {
      EXPECT_EQ(e.field(), field) << e.what();
    }
  };
  const std::string good = "external_id,email\nX1,x1@example.com\n";
  refused("external_id,colour\nX1,red\n", file_options(), "header[1]");
  refused("email,person.email\n", file_options(), "header[1]");
  refused("external_id,extended.shoe\nX1,42\n", file_options(), "header[1]");
  refused("external_id,person.type\nX1,guest\n", file_options(), "header[1]");
  refused("", file_options(), "header");
  refused(good, file_options(0), "batch_size");
  ImportOptions options = file_options();
  options.columns = {{"Nombre", "first_name"}};
  refused(good, options, "columns.Nombre");
  options = file_options();
  options.channel = "fax";
  refused(good, options, "channel");
  options.channel.clear();
  refused(good, options, "channel");  // the company configures channels
  options = file_options();
  options.delimiter = '"';
  refused(good, options, "delimiter");
  EXPECT_EQ(company.person_count(admin()), 0u);
}

TEST(Import, AFlatFileIsForTheHeadOffice) {
  auto company = Company::open("memory:", config());
  std::istringstream first(std::string(kHeader) + row(1));
  company.import_csv(admin(), first, file_options());
  const Actor leader = Actor::of_person(*company.find_person(admin(), "P1"), "p1");
  std::istringstream csv(std::string(kHeader) + row(2, "P1"));
  EXPECT_THROW(company.import_csv(leader, csv, file_options()), PermissionDenied);
  EXPECT_EQ(company.person_count(admin()), 1u);
}

TEST(Import, ReportsProgressInBytesUpToTheFileSize) {
  const std::string dir = temp_db("import-progress");
  const std::string path = dir + ".csv";
  std::string text = kHeader;
  for (int i = 1; i <= 50; ++i) text += row(i, i > 1 ? "P1" : "");
  std::ofstream(path, std::ios::binary) << text;
  auto company = Company::open("memory:", config());
  std::vector<std::pair<std::size_t, std::size_t>> calls;
  const ImportReport report = company.import_csv_file(
      admin(), path, file_options(10),
      [&](std::size_t done, std::size_t total) { calls.emplace_back(done, total); });
  EXPECT_EQ(report.enrolled, 50u);
  ASSERT_EQ(calls.size(), 5u);
  for (std::size_t i = 1; i < calls.size(); ++i) EXPECT_GT(calls[i].first, calls[i - 1].first);
  EXPECT_EQ(calls.back().first, text.size());
  EXPECT_EQ(calls.back().second, text.size());
  EXPECT_THROW(company.import_csv_file(admin(), dir + ".missing", file_options()), NotFound);
}

EnrollmentRequest request(const std::string& ext, const std::string& email, int document,
                          const std::string& sponsor = "") {
  EnrollmentRequest r;
  r.channel = "file";
  r.person.external_id = ext;
  r.person.first_name = "Eva";
  r.person.last_name = "Ruiz";
  r.person.email = email;
  r.person.country = "CO";
  r.person.document_type = "CC";
  r.person.document_number = std::to_string(1000000000 + document);
  r.sponsor_external_id = sponsor;
  r.accepted_contracts = {{"terms", 1}};
  return r;
}

// Each batch's keys are looked up while the batch before it is written;
// what another writer commits between two batches is still seen.
void checks_what_another_writer_commits_meanwhile(const std::string& uri) {
  auto company = Company::open(uri, config());
  std::string text = kHeader;
  for (int i = 1; i <= 6; ++i) text += row(i, i == 6 ? "P4" : "");
  int calls = 0;
  const auto meanwhile = [&](std::size_t, std::size_t) {
    if (++calls != 1) return;
    // After row 1: row 2's e-mail, row 3's document and row 4's external id
    // are taken, and row 5's phone is barred.
    ASSERT_TRUE(company.enroll(admin(), request("X", "P2@EXAMPLE.com", 900)).accepted);
    ASSERT_TRUE(company.enroll(admin(), request("P4", "y@example.com", 3)).accepted);
    BlacklistEntry barred;
    barred.kind = BlacklistKind::phone;
    barred.value = "304 535 1105";
    barred.country = "CO";
    barred.reason = "fraud";
    company.add_to_blacklist(admin(), barred);
  };
  std::istringstream csv(text);
  const ImportReport report = company.import_csv(admin(), csv, file_options(1), meanwhile);
  EXPECT_EQ(report.enrolled, 2u);  // rows 1 and 6
  EXPECT_EQ(report.existing, 1u);  // row 4: P4 came meanwhile
  ASSERT_EQ(report.rejected.size(), 3u);
  const std::vector<std::pair<std::uint64_t, std::string>> expected = {
      {3, "duplicate_email"}, {4, "duplicate_document"}, {6, "blacklisted"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(report.rejected[i].line, expected[i].first);
    ASSERT_FALSE(report.rejected[i].findings.empty());
    EXPECT_EQ(report.rejected[i].findings[0].reason, expected[i].second);
  }
  const auto p6 = company.find_person(admin(), "P6");
  const auto p4 = company.find_person(admin(), "P4");
  ASSERT_TRUE(p6 && p4);
  EXPECT_EQ(company.relative_level(admin(), *p6, *p4), 1u);
  EXPECT_TRUE(company.verify(admin()).ok);
}

TEST(Import, ChecksWhatAnotherWriterCommitsBetweenBatchesInSqlite) {
  checks_what_another_writer_commits_meanwhile("sqlite:" + temp_db("import-meanwhile"));
}

TEST(Import, ChecksWhatAnotherWriterCommitsBetweenBatchesInMemory) {
  checks_what_another_writer_commits_meanwhile("memory:");
}

// The facts a batch looked up before the writer's lock: trusted only while
// nothing else committed since, or only the batch written before (named as
// `previous`), whose keys the suspect bits say are asked again. Here S is
// enrolled, with A's e-mail, after the facts of A and B (sponsored by S)
// were read.
struct FactsCase {
  bool name_previous;
  std::uint8_t suspect_a, suspect_b;
  std::vector<std::string> reasons;  // of the findings
  bool b_under_s;
};

void check_facts_case(const std::string& uri, const FactsCase& c) {
  auto company = Company::open(uri, config());
  internal::CompanyState& s = internal::CompanyAccess::state(company);
  const std::vector<EnrollmentRequest> batch = {request("A", "a@example.com", 1),
                                                request("B", "b@example.com", 2, "S")};
  internal::Prevalidated pre = internal::prevalidate(s.config, batch, 1);
  internal::StoreFacts facts = internal::look_up_facts(*s.store, s.config, batch, pre);
  EXPECT_FALSE(facts.sponsors[1]);
  EXPECT_FALSE(facts.email_taken[0]);
  const EnrollmentOutcome meanwhile = company.enroll(admin(), request("S", "A@example.com", 9));
  ASSERT_TRUE(meanwhile.accepted);
  facts.suspect = {c.suspect_a, c.suspect_b};
  internal::BatchOptions o;
  o.partial = true;
  o.skip_existing = true;
  o.pre = &pre;
  o.facts = &facts;
  if (c.name_previous) o.previous = internal::EventSpan{facts.as_of, meanwhile.event};
  internal::BatchRows rows;
  const BulkEnrollmentOutcome out = internal::enroll_batch(s, admin(), batch, {}, o, &rows);
  std::vector<std::string> reasons;
  for (const Finding& f : out.findings) reasons.push_back(f.reason);
  EXPECT_EQ(reasons, c.reasons);
  ASSERT_EQ(rows.persons.size(), 2u);
  EXPECT_EQ(
      rows.persons[1] && company.relative_level(admin(), rows.persons[1], meanwhile.person) == 1u,
      c.b_under_s);
}

TEST(BulkFacts, AreTrustedOnlyWhileTheyHold) {
  using namespace internal;
  const std::vector<FactsCase> cases = {
      // Someone else wrote: the transaction answers.
      {false, 0, 0, {"duplicate_email"}, true},
      // Only the batch before wrote, and it may hold the suspect keys.
      {true, suspect_email, suspect_sponsor, {"duplicate_email"}, true},
      // Told nothing is suspect, the facts are believed as read.
      {true, 0, 0, {"sponsor_not_found"}, false},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(i);
    check_facts_case("memory:", cases[i]);
    check_facts_case("sqlite:" + temp_db("facts-" + std::to_string(i)), cases[i]);
  }
}

TEST(Import, AProgressThatThrowsStopsAfterTheBatchesCommitted) {
  auto company = Company::open("memory:", config());
  std::string text = kHeader;
  for (int i = 1; i <= 30; ++i) text += row(i);
  std::istringstream csv(text);
  int calls = 0;
  EXPECT_THROW(company.import_csv(admin(), csv, file_options(10),
                                  [&](std::size_t, std::size_t) {
                                    if (++calls == 2) throw Aborted("stop", "progress");
                                  }),
               Aborted);
  EXPECT_EQ(company.person_count(admin()), 20u);
}

}  // namespace
}  // namespace downline::testing
