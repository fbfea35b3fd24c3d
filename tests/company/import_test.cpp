// Enrollment from CSV files (issue 4, seed 004 §7.1 flat files): the header
// maps the columns, each rejected row is reported with its findings and
// written nowhere, the valid rows are committed batch by batch, and running
// the same file again adds nothing.
#include <downline/downline.hpp>

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
