#include <downline/downline.hpp>

#include "support/company_fixture.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

namespace downline {
namespace {

using testing::admin;
using testing::kConfig;
using testing::request;

/// Everything a write could have changed: raw row counts of every table
/// (SQLite) plus what the Company reports.
struct Snapshot {
  std::vector<std::int64_t> rows;
  std::uint64_t persons = 0;
  std::int64_t last_event = 0;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

class Enrollment : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    path_ = GetParam() ? testing::temp_db("enroll") : std::string();
    company_.emplace(Company::open(GetParam() ? "sqlite:" + path_ : "memory:", kConfig));
    auto out = company_->enroll(admin(), request("root"));
    ASSERT_TRUE(out.accepted);
    root_ = out.person;
  }
  Company& co() { return *company_; }
  Snapshot snapshot() {
    Snapshot s{{}, co().person_count(admin()), co().last_event().value()};
    if (!path_.empty()) {
      SQLite::Database db(path_);
      for (const char* t : {"persons", "customers", "network_nodes", "events", "users"})
        s.rows.push_back(db.execAndGet(std::string("SELECT count(*) FROM ") + t).getInt64());
    }
    return s;
  }
  /// Expects exactly one finding with this reason and field, and no write.
  void expect_rejected(const EnrollmentRequest& r, const std::string& reason,
                       const std::string& field, Code code) {
    const Snapshot before = snapshot();
    auto out = co().enroll(admin(), r);
    EXPECT_FALSE(out.accepted);
    EXPECT_FALSE(out.person);
    ASSERT_EQ(out.findings.size(), 1u) << json::to_json(out);
    EXPECT_EQ(out.findings[0].reason, reason);
    EXPECT_EQ(out.findings[0].field, field);
    EXPECT_EQ(out.findings[0].code, code);
    EXPECT_FALSE(out.findings[0].message.empty());
    EXPECT_EQ(snapshot(), before);
  }

  std::string path_;
  std::optional<Company> company_;
  PersonId root_;
};

TEST_P(Enrollment, AcceptsAPersonUnderAnActiveSponsor) {
  auto out = co().enroll(admin(), request("ana", root_, CustomerType::customer));
  ASSERT_TRUE(out.accepted);
  EXPECT_TRUE(out.findings.empty());
  EXPECT_GT(out.event.value(), 0);
  Person p = co().person(admin(), out.person);
  EXPECT_EQ(p.data.first_name, "ana");
  EXPECT_EQ(p.data.email, "ana@example.com");
  EXPECT_EQ(p.type, CustomerType::customer);
  EXPECT_EQ(p.status, Status::active);
  EXPECT_EQ(p.sponsor, root_);
}

TEST_P(Enrollment, ReferrerDefaultsToTheSponsor) {
  auto a = co().enroll(admin(), request("a", root_)).person;
  auto b_req = request("b", a);
  auto b = co().enroll(admin(), b_req).person;
  EXPECT_EQ(co().person(admin(), b).referrer, a);
  auto c_req = request("c", a);
  c_req.referrer = root_;
  auto c = co().enroll(admin(), c_req).person;
  EXPECT_EQ(co().person(admin(), c).sponsor, a);
  EXPECT_EQ(co().person(admin(), c).referrer, root_);
  EXPECT_EQ(co().upline(admin(), c, kReferralNetwork).front().id, root_);
}

TEST_P(Enrollment, APersonWithoutSponsorIsAParentOfTheNetwork) {
  auto out = co().enroll(admin(), request("second-root"));
  ASSERT_TRUE(out.accepted);
  EXPECT_FALSE(co().person(admin(), out.person).sponsor);
  EXPECT_EQ(co().level(admin(), out.person), 0u);
  EXPECT_TRUE(co().upline(admin(), out.person).empty());
}

TEST_P(Enrollment, RejectsUnknownSponsorAndWritesNothing) {
  expect_rejected(request("x", PersonId{999}), "sponsor_not_found", "sponsor", Code::not_found);
  auto r = request("y");
  r.sponsor_external_id = "nobody";
  expect_rejected(r, "sponsor_not_found", "sponsor_external_id", Code::not_found);
}

TEST_P(Enrollment, RejectsInactiveSponsorAndWritesNothing) {
  // Until status changes land, a company whose newcomers start pre-registered
  // provides inactive sponsors.
  const std::string uri = GetParam() ? "sqlite:" + testing::temp_db("inactive") : "memory:";
  auto co2 = Company::open(uri, R"({"enrollment": {"initial_status": "pre_registered"}})");
  auto root = co2.enroll(admin(), request("root")).person;
  const auto before = co2.last_event();
  auto out = co2.enroll(admin(), request("x", root));
  EXPECT_FALSE(out.accepted);
  ASSERT_EQ(out.findings.size(), 1u);
  EXPECT_EQ(out.findings[0].reason, "sponsor_inactive");
  EXPECT_EQ(out.findings[0].field, "sponsor");
  EXPECT_EQ(out.findings[0].actual, "pre_registered");
  EXPECT_EQ(out.findings[0].required, "active");
  EXPECT_EQ(co2.last_event(), before);
  EXPECT_EQ(co2.person_count(admin()), 1u);
}

TEST_P(Enrollment, RejectsDuplicateExternalIdAndWritesNothing) {
  auto r = request("dup", root_);
  r.person.external_id = "ext-root";
  expect_rejected(r, "duplicate_external_id", "person.external_id", Code::already_exists);
}

TEST_P(Enrollment, RejectsMalformedEmailAndWritesNothing) {
  for (const char* bad : {"plainaddress", "a@b", "a@@b.com", "a b@c.com", "@c.com", "a@.com",
                          "a..b@c.com", "a@c.com."}) {
    auto r = request("mail", root_);
    r.person.email = bad;
    expect_rejected(r, "invalid_email", "person.email", Code::invalid_argument);
  }
  auto ok = request("mail", root_);
  ok.person.email = "first.last+tag@mail.example.co";  // boundary: every allowed piece
  EXPECT_TRUE(co().enroll(admin(), ok).accepted);
}

TEST_P(Enrollment, RejectsMissingRequiredFieldAndWritesNothing) {
  auto r = request("", root_);
  r.person.email = "someone@example.com";
  expect_rejected(r, "required", "person.first_name", Code::invalid_argument);
  auto blank = request("blank", root_);
  blank.person.last_name = "   ";
  expect_rejected(blank, "required", "person.last_name", Code::invalid_argument);
}

TEST_P(Enrollment, ReturnsEveryFindingAtOnce) {
  auto r = request("", PersonId{12345});
  r.person.email = "not-an-email";
  r.person.external_id = "ext-root";
  const auto before = snapshot();
  auto out = co().enroll(admin(), r);
  EXPECT_FALSE(out.accepted);
  std::vector<std::string> reasons;
  for (const auto& f : out.findings) reasons.push_back(f.reason);
  EXPECT_EQ(reasons, (std::vector<std::string>{"required", "invalid_email", "sponsor_not_found",
                                               "duplicate_external_id"}));
  EXPECT_EQ(snapshot(), before);
}

TEST_P(Enrollment, BulkIsAllOrNothing) {
  std::vector<EnrollmentRequest> batch{request("b1", root_), request("b2", root_),
                                       request("b3", root_)};
  batch[1].sponsor = {};
  batch[1].sponsor_external_id = "ext-b1";  // a sponsor from the same batch
  batch[2].person.email = "broken";
  const auto before = snapshot();
  auto out = co().enroll_many(admin(), batch);
  EXPECT_FALSE(out.accepted);
  ASSERT_EQ(out.findings.size(), 1u);
  EXPECT_EQ(out.findings[0].field, "[2].person.email");
  EXPECT_EQ(snapshot(), before);

  batch[2].person.email = "b3@example.com";
  std::vector<std::size_t> progress;
  out = co().enroll_many(admin(), batch, [&](std::size_t done, std::size_t total) {
    EXPECT_EQ(total, 3u);
    progress.push_back(done);
  });
  ASSERT_TRUE(out.accepted);
  ASSERT_EQ(out.persons.size(), 3u);
  EXPECT_EQ(progress.back(), 3u);
  EXPECT_EQ(co().person(admin(), out.persons[1]).sponsor, out.persons[0]);
  EXPECT_EQ(co().last_event().value(), before.last_event + 3);
}

TEST_P(Enrollment, BulkReportsEveryStoreDuplicateAndWritesNothing) {
  auto other = co().enroll(admin(), request("other", root_));
  ASSERT_TRUE(other.accepted);
  std::vector<EnrollmentRequest> batch{request("n1", root_), request("n2", root_),
                                       request("n3", root_), request("n4", root_)};
  batch[1].person.external_id = "ext-root";   // taken in the store
  batch[3].person.external_id = "ext-other";  // taken too, after a valid request
  const auto before = snapshot();
  auto out = co().enroll_many(admin(), batch);
  EXPECT_FALSE(out.accepted);
  ASSERT_EQ(out.findings.size(), 2u);
  EXPECT_EQ(out.findings[0].field, "[1].person.external_id");
  EXPECT_EQ(out.findings[0].reason, "duplicate_external_id");
  EXPECT_EQ(out.findings[1].field, "[3].person.external_id");
  EXPECT_EQ(snapshot(), before);
  // The rejected call left the index as it was: the next id is still free.
  auto next = co().enroll(admin(), request("n5", root_));
  ASSERT_TRUE(next.accepted) << next.findings.at(0).field << ": " << next.findings.at(0).message;
  EXPECT_EQ(next.person.value(), other.person.value() + 1);
}

TEST_P(Enrollment, ARejectedBulkEnrollmentNamesNoEvent) {
  // Found by the simulation: a store duplicate met while writing left the
  // rejected outcome naming an event of the rolled-back transaction.
  std::vector<EnrollmentRequest> batch{request("fresh", root_), request("again", root_)};
  batch[1].person.external_id = "ext-root";  // taken in the store
  const auto before = snapshot();
  auto out = co().enroll_many(admin(), batch);
  EXPECT_FALSE(out.accepted);
  ASSERT_EQ(out.findings.size(), 1u);
  EXPECT_EQ(out.findings[0].reason, "duplicate_external_id");
  EXPECT_FALSE(out.last_event);
  EXPECT_TRUE(out.persons.empty());
  EXPECT_EQ(snapshot(), before);
}

TEST_P(Enrollment, BulkRejectsADuplicateWithinTheBatch) {
  std::vector<EnrollmentRequest> batch{request("same", root_), request("same", root_)};
  auto out = co().enroll_many(admin(), batch);
  EXPECT_FALSE(out.accepted);
  ASSERT_EQ(out.findings.size(), 1u);
  EXPECT_EQ(out.findings[0].field, "[1].person.external_id");
}

TEST_P(Enrollment, RecordsAnEventInTheSameTransaction) {
  auto r = request("evt", root_);
  r.reason = "fair in Bogotá";
  auto out = co().enroll(admin(), r);
  auto events = co().events(admin(), EventSeq{out.event.value() - 1}, 10);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].seq, out.event);
  EXPECT_EQ(events[0].kind, "enrolled");
  EXPECT_EQ(events[0].person, out.person);
  EXPECT_EQ(events[0].actor, "backend");
  EXPECT_EQ(events[0].reason, "fair in Bogotá");
  EXPECT_NE(events[0].payload_json.find("\"sponsor\""), std::string::npos);
  EXPECT_THROW(co().events(Actor::of_person(root_), EventSeq{}, 10), PermissionDenied);
}

TEST_P(Enrollment, UsesTheInjectedClock) {
  auto clock = std::make_shared<ManualClock>(Instant::parse_rfc3339("2026-03-01T12:00:00Z"));
  const std::string uri = GetParam() ? "sqlite:" + testing::temp_db("clock") : "memory:";
  auto co2 = Company::open(uri, kConfig, OpenOptions{clock});
  auto id = co2.enroll(admin(), request("t")).person;
  EXPECT_EQ(co2.person(admin(), id).enrolled_at.to_rfc3339(), "2026-03-01T12:00:00.000000Z");
  clock->advance_micros(1'000'000);
  auto later = request("u");
  later.effective_at = Instant::parse_rfc3339("2026-02-01T00:00:00Z");
  id = co2.enroll(admin(), later).person;
  EXPECT_EQ(co2.person(admin(), id).enrolled_at.to_rfc3339(), "2026-02-01T00:00:00.000000Z");
}

TEST_P(Enrollment, ConsultantEnrollsOnlyInsideTheirDownline) {
  auto a = co().enroll(admin(), request("a", root_)).person;
  auto b = co().enroll(admin(), request("b", root_)).person;
  auto as_a = Actor::of_person(a);
  EXPECT_TRUE(co().enroll(as_a, request("a1", a)).accepted);
  const auto before = snapshot();
  try {
    co().enroll(as_a, request("b1", b));
    ADD_FAILURE() << "enrolled outside the actor's downline";
  } catch (const PermissionDenied& e) {
    EXPECT_EQ(e.field(), "sponsor");
  }
  EXPECT_THROW(co().enroll(as_a, request("orphan")), PermissionDenied);
  EXPECT_EQ(snapshot(), before);
}

TEST_P(Enrollment, RejectsBadConfiguration) {
  try {
    Company::open("memory:", R"({"networks": [{"name": "sponsor", "structur": "unilevel"}]})");
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "networks[0].structur");
  }
  EXPECT_THROW(Company::open("memory:", "{not json"), InvalidArgument);
  try {
    Company::open("memory:", R"({"enrollment": {"required_fields": ["email", "shoe_size"]}})");
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "enrollment.required_fields[1]");
  }
  EXPECT_THROW(Company::open("ftp:x", kConfig), InvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Stores, Enrollment, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "sqlite" : "memory"; });

}  // namespace
}  // namespace downline
