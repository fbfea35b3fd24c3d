// Forced activation and inactivation (issue 4, seed 004 §7.2): one person's
// VIP flag, and the statuses and flags of a CSV file, each row applied whole
// or rejected with nothing of it written.
#include <downline/downline.hpp>

#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace downline::testing {
namespace {

// Five persons, ext-p1 .. ext-p5, the first sponsoring the others.
Company five(const std::string& uri) {
  Company company = Company::open(uri, kConfig);
  const PersonId first = company.enroll(admin(), request("p1")).person;
  for (int i = 2; i <= 5; ++i)
    EXPECT_TRUE(company.enroll(admin(), request("p" + std::to_string(i), first)).accepted);
  return company;
}

Status status_of(const Company& company, const std::string& ext) {
  return company.person(admin(), *company.find_person(admin(), ext)).status;
}

bool vip_of(const Company& company, const std::string& ext) {
  return company.person(admin(), *company.find_person(admin(), ext)).vip;
}

StatusFileReport run(Company& company, const std::string& text, StatusFileOptions options = {}) {
  std::istringstream csv(text);
  return company.change_statuses_csv(admin(), csv, options);
}

void forces_statuses_and_flags_row_by_row(const std::string& uri) {
  Company company = five(uri);
  // Line 1 is the header.
  const std::string file =
      "external_id,status,vip,reason\n"
      "ext-p2,inactive,,no orders\n"  // 2: changed
      "ext-p3,,,\n"                   // 3: the default status (inactive): changed
      "ext-p4,active,,\n"             // 4: active already: unchanged
      "NOBODY,inactive,,\n"           // 5: person_not_found
      "ext-p5,sleeping,,\n"           // 6: invalid_status
      "ext-p5,inactive,maybe,\n"      // 7: invalid_vip; its status is not written either
      "ext-p1,,true,\n"               // 8: VIP alone: the status stays
      "ext-p2,active,,back\n"         // 9: the batch's own change seen: changed again
      "ext-p4\n";                     // 10: column_count
  const StatusFileReport first = run(company, file);
  EXPECT_EQ(first.rows, 9u);
  EXPECT_EQ(first.changed, 4u);
  EXPECT_EQ(first.unchanged, 1u);
  ASSERT_EQ(first.rejected.size(), 4u);
  const std::vector<std::tuple<std::uint64_t, std::string, std::string>> expected = {
      {5, "person_not_found", "external_id"},
      {6, "invalid_status", "status"},
      {7, "invalid_vip", "vip"},
      {10, "column_count", "row"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(first.rejected[i].line, std::get<0>(expected[i]));
    ASSERT_EQ(first.rejected[i].findings.size(), 1u);
    EXPECT_EQ(first.rejected[i].findings[0].reason, std::get<1>(expected[i]));
    EXPECT_EQ(first.rejected[i].findings[0].field, std::get<2>(expected[i]));
  }
  EXPECT_EQ(status_of(company, "ext-p2"), Status::active);
  EXPECT_EQ(status_of(company, "ext-p3"), Status::inactive);
  EXPECT_EQ(status_of(company, "ext-p5"), Status::active);
  EXPECT_EQ(status_of(company, "ext-p1"), Status::active);
  EXPECT_TRUE(vip_of(company, "ext-p1"));
  EXPECT_FALSE(vip_of(company, "ext-p5"));
  EXPECT_TRUE(first.last_event);
  EXPECT_TRUE(company.verify(admin()).ok);

  // Again: nothing changes (ext-p2 goes inactive and back within the file).
  const StatusFileReport again = run(company, file);
  EXPECT_EQ(again.changed, 2u);
  EXPECT_EQ(again.unchanged, 3u);
  EXPECT_EQ(again.rejected.size(), 4u);
  EXPECT_EQ(status_of(company, "ext-p2"), Status::active);
}

TEST(StatusFile, ForcesStatusesAndFlagsRowByRowInMemory) {
  forces_statuses_and_flags_row_by_row("memory:");
}

TEST(StatusFile, ForcesStatusesAndFlagsRowByRowInSqliteAndKeepsThemOnReopen) {
  const std::string path = temp_db("status-file");
  forces_statuses_and_flags_row_by_row("sqlite:" + path);
  const Company reopened = Company::open("sqlite:" + path, kConfig);
  EXPECT_EQ(status_of(reopened, "ext-p3"), Status::inactive);
  EXPECT_TRUE(vip_of(reopened, "ext-p1"));
}

TEST(StatusFile, ReadsIdsMappedHeadersAndTheOptionsDefaults) {
  Company company = five("memory:");
  const PersonId p2 = *company.find_person(admin(), "ext-p2");
  StatusFileOptions options;
  options.status = Status::blocked;
  options.reason = "audit";
  options.columns = {{"Código", "person"}};
  options.batch_size = 1;
  options.delimiter = ';';
  const StatusFileReport report =
      run(company, "Código\n" + std::to_string(p2.value()) + "\n999\nx\n", options);
  EXPECT_EQ(report.changed, 1u);
  ASSERT_EQ(report.rejected.size(), 2u);
  EXPECT_EQ(report.rejected[0].findings[0].reason, "person_not_found");
  EXPECT_EQ(report.rejected[0].findings[0].field, "person");
  EXPECT_EQ(report.rejected[1].findings[0].reason, "invalid_person");
  EXPECT_EQ(company.person(admin(), p2).status, Status::blocked);
  // A person id and an external id that are not the same person.
  const StatusFileReport both =
      run(company, "person,external_id\n" + std::to_string(p2.value()) + ",ext-p3\n");
  ASSERT_EQ(both.rejected.size(), 1u);
  EXPECT_EQ(both.rejected[0].findings[0].reason, "ambiguous_person");
}

TEST(StatusFile, BadHeadersOptionsAndActorsAreRefusedBeforeAnythingIsWritten) {
  Company company = five("memory:");
  const auto refused = [&](const std::string& text, const StatusFileOptions& options,
                           const std::string& field) {
    SCOPED_TRACE(text);
    std::istringstream csv(text);
    try {
      company.change_statuses_csv(admin(), csv, options);
      ADD_FAILURE() << "accepted";
    } catch (const InvalidArgument& e) {
      EXPECT_EQ(e.field(), field);
    }
  };
  refused("external_id,colour\next-p1,red\n", {}, "header[1]");
  refused("status\ninactive\n", {}, "header");
  refused("external_id,external_id\n", {}, "header[1]");
  refused("", {}, "header");
  StatusFileOptions zero;
  zero.batch_size = 0;
  refused("external_id\next-p1\n", zero, "batch_size");
  StatusFileOptions unmapped;
  unmapped.columns = {{"Nombre", "external_id"}};
  refused("external_id\next-p1\n", unmapped, "columns.Nombre");
  const Actor leader = Actor::of_person(*company.find_person(admin(), "ext-p1"), "leader");
  std::istringstream csv("external_id\next-p2\n");
  EXPECT_THROW(company.change_statuses_csv(leader, csv, {}), PermissionDenied);
  EXPECT_EQ(status_of(company, "ext-p2"), Status::active);
  EXPECT_THROW(company.change_statuses_csv_file(admin(), "/no/such.csv", {}), NotFound);
}

TEST(StatusFile, ReportsProgressInBytesAfterEachBatch) {
  Company company = five("memory:");
  const std::string text = "external_id\next-p2\next-p3\next-p4\n";
  std::istringstream csv(text);
  StatusFileOptions options;
  options.batch_size = 2;
  std::vector<std::uint64_t> done;
  company.change_statuses_csv(admin(), csv, options, [&](std::uint64_t d, std::uint64_t total) {
    EXPECT_EQ(total, text.size());
    done.push_back(d);
  });
  ASSERT_EQ(done.size(), 2u);
  EXPECT_LT(done[0], done[1]);
  EXPECT_EQ(done[1], text.size());
}

TEST(Vip, IsGrantedAndRevokedByStaffWithAnEvent) {
  Company company = five("memory:");
  const PersonId p2 = *company.find_person(admin(), "ext-p2");
  EXPECT_FALSE(company.person(admin(), p2).vip);
  const EventSeq granted = company.set_vip(admin(), p2, true, "top seller");
  EXPECT_TRUE(company.person(admin(), p2).vip);
  try {
    company.set_vip(admin(), p2, true);
    ADD_FAILURE() << "granted twice";
  } catch (const FailedPrecondition& e) {
    EXPECT_EQ(e.field(), "vip");
  }
  const Actor leader = Actor::of_person(*company.find_person(admin(), "ext-p1"), "leader");
  EXPECT_THROW(company.set_vip(leader, p2, false), PermissionDenied);
  EXPECT_THROW(company.set_vip(admin(), PersonId{999}, true), NotFound);
  const EventSeq revoked = company.set_vip(admin(), p2, false);
  EXPECT_GT(revoked.value(), granted.value());
  EXPECT_FALSE(company.person(admin(), p2).vip);
  EXPECT_NE(json::to_json(company.person(admin(), p2)).find("\"vip\":false"), std::string::npos);
}

}  // namespace
}  // namespace downline::testing
