// The configuration's enrollment rules run inside the enrollment: they
// decide before the rows are written, their decisions are recorded in the
// "enrolled" event with the rule version that made them, and a failing rule
// leaves nothing written.
#include <downline/downline.hpp>

#include "support/company_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>

namespace downline {
namespace {

using testing::admin;
using testing::request;
using Json = nlohmann::json;

const Instant kJune = Instant::parse_rfc3339("2026-06-15T12:00:00Z");
const Instant kAugust = Instant::parse_rfc3339("2026-08-15T12:00:00Z");

Json review_rule(std::uint32_t version, const char* reason) {
  return {{"id", "review-foreign"},
          {"version", version},
          {"trigger", "enrollment"},
          {"when", {{"!", {{"in", {{{"var", "person.country"}}, {"CO", "MX"}}}}}}},
          {"then",
           {{{"action", "flag_for_review"}, {"reason", reason}},
            {{"action", "inactivate"}, {"reason", "waiting for review"}}}}};
}

// Version 1 until July; `with_v2` adds version 2 from July.
std::string config(bool with_v2) {
  Json v1 = review_rule(1, "outside coverage");
  Json rules = Json::array({
      {{"id", "guests-are-customers"},
       {"trigger", "enrollment"},
       {"when", {{"==", {{{"var", "person.kind"}}, "guest"}}}},
       {"then", {{{"action", "set_customer_type"}, {"customer_type", "customer"}}}}},
  });
  if (with_v2) {
    v1["effective_to"] = "2026-07-01T00:00:00Z";
    Json v2 = review_rule(2, "outside coverage (2026-H2 policy)");
    v2["effective_from"] = "2026-07-01T00:00:00Z";
    rules.push_back(v2);
  }
  rules.push_back(v1);
  return Json({{"company", {{"name", "Rules Inc"}}}, {"rules", rules}}).dump();
}

EnrollmentRequest from(const std::string& name, const std::string& country, PersonId sponsor,
                       CustomerType type = CustomerType::consultant) {
  EnrollmentRequest r = request(name, sponsor, type);
  r.person.country = country;
  return r;
}

Json payload_of(const Company& co, PersonId person) {
  for (const Event& e : co.events(admin(), EventSeq{0}, 1000)) {
    if (e.person == person && e.kind == "enrolled") return Json::parse(e.payload_json);
  }
  ADD_FAILURE() << "no enrolled event for " << person.value();
  return {};
}

TEST(EnrollmentRules, DecideRecordAndApply) {
  auto clock = std::make_shared<ManualClock>(kJune);
  Company co = Company::open("memory:", config(false), {.clock = clock});
  const EnrollmentOutcome root = co.enroll(admin(), from("root", "CO", {}));
  ASSERT_TRUE(root.accepted);
  EXPECT_TRUE(root.decisions.empty());
  EXPECT_FALSE(payload_of(co, root.person).contains("rules"));

  const EnrollmentOutcome abroad = co.enroll(admin(), from("abroad", "US", root.person));
  ASSERT_TRUE(abroad.accepted);
  ASSERT_EQ(abroad.decisions.size(), 2u);
  EXPECT_EQ(abroad.decisions[0].rule, "review-foreign");
  EXPECT_EQ(abroad.decisions[0].action.type, ActionType::flag_for_review);
  EXPECT_EQ(abroad.decisions[1].action.type, ActionType::inactivate);
  // Applied: the person is written inactive, in storage and in the index.
  EXPECT_EQ(co.person(admin(), abroad.person).status, Status::inactive);
  DownlineQuery active_only;
  active_only.statuses = {Status::active};
  EXPECT_EQ(co.downline(admin(), root.person, active_only).total, 0u);
  // Recorded: the event says which rule version decided what.
  const Json payload = payload_of(co, abroad.person);
  EXPECT_EQ(payload["status"], "inactive");
  ASSERT_EQ(payload["rules"].size(), 2u);
  EXPECT_EQ(payload["rules"][0]["rule"], "review-foreign");
  EXPECT_EQ(payload["rules"][0]["version"], 1);
  EXPECT_EQ(payload["rules"][0]["action"], "flag_for_review");
  EXPECT_EQ(payload["rules"][0]["reason"], "outside coverage");

  const EnrollmentOutcome guest =
      co.enroll(admin(), from("guest", "MX", root.person, CustomerType::guest));
  ASSERT_TRUE(guest.accepted);
  EXPECT_EQ(co.person(admin(), guest.person).type, CustomerType::customer);
  EXPECT_EQ(payload_of(co, guest.person)["type"], "customer");
}

TEST(EnrollmentRules, ANewVersionDoesNotRewriteHistory) {
  const std::string path = testing::temp_db("enrollment-rules-versions");
  auto clock = std::make_shared<ManualClock>(kJune);
  PersonId root;
  PersonId first;
  {
    Company co = Company::open("sqlite:" + path, config(false), {.clock = clock});
    root = co.enroll(admin(), from("root", "CO", {})).person;
    first = co.enroll(admin(), from("first", "US", root)).person;
  }
  clock->set(kAugust);
  Company co = Company::open("sqlite:" + path, config(true), {.clock = clock});
  const EnrollmentOutcome second = co.enroll(admin(), from("second", "US", root));
  ASSERT_TRUE(second.accepted);
  ASSERT_FALSE(second.decisions.empty());
  EXPECT_EQ(second.decisions[0].version, 2u);
  EXPECT_EQ(payload_of(co, second.person)["rules"][0]["version"], 2);
  EXPECT_EQ(payload_of(co, second.person)["rules"][0]["reason"],
            "outside coverage (2026-H2 policy)");
  // The earlier decision still names version 1.
  EXPECT_EQ(payload_of(co, first)["rules"][0]["version"], 1);
  EXPECT_EQ(payload_of(co, first)["rules"][0]["reason"], "outside coverage");
  // An enrollment dated June (a back-dated import) is judged by the rules
  // in force in June.
  EnrollmentRequest backdated = from("backdated", "US", root);
  backdated.effective_at = kJune;
  EXPECT_EQ(co.enroll(admin(), backdated).decisions.at(0).version, 1u);
}

TEST(EnrollmentRules, AFailingRuleWritesNothing) {
  // Over a million operations: the evaluation budget stops it.
  Json big = Json::array();
  for (int i = 0; i < 1100; ++i) big.push_back(i);
  const Json hostile = {
      {"id", "spin"},
      {"trigger", "enrollment"},
      {"when", {{"some", {big, {{"some", {big, {{"<", {{{"var", ""}}, -1}}}}}}}}}},
      {"then", {{{"action", "activate"}}}}};
  const std::string cfg = Json({{"company", {{"name", "X"}}}, {"rules", {hostile}}}).dump();
  const std::string path = testing::temp_db("enrollment-rules-atomic");
  Company co = Company::open("sqlite:" + path, cfg);
  const std::vector<EnrollmentRequest> batch{from("a", "CO", {}), from("b", "CO", {})};
  const std::uint64_t events_before = co.last_event().value();
  try {
    co.enroll_many(admin(), batch);
    FAIL() << "expected RESOURCE_EXHAUSTED";
  } catch (const ResourceExhausted& e) {
    EXPECT_EQ(e.field(), "rules[0].when");
    EXPECT_NE(std::string(e.what()).find("request [0]"), std::string::npos) << e.what();
  }
  EXPECT_EQ(co.person_count(admin()), 0u);
  EXPECT_EQ(co.last_event().value(), events_before);
  Company reopened = Company::open("sqlite:" + path, cfg);
  EXPECT_EQ(reopened.person_count(admin()), 0u);
}

}  // namespace
}  // namespace downline
