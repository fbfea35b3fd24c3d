// The enrollment journeys of seed 004 §7.1.1: one pipeline, many channels —
// guest, customer, consultant with approval, consultant with kit, the
// backoffice, the backend with explicit sponsor, referrer and zone, the
// chatbot's pre-registration, a replicated site, and the credit request of
// the "Join" payment step with its approval workflow.
#include <downline/downline.hpp>

#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

#include <string>

namespace downline::testing {
namespace {

const char* kJourneys = R"({
  "ranks": [{"id": "consultant"}],
  "workflows": [
    {"item": "registration", "steps": [{"id": "sales", "roles": ["sales"]},
                                       {"id": "compliance", "roles": ["compliance"]}]},
    {"item": "credit_request", "steps": [{"id": "credit", "roles": ["credit"]}]}],
  "channels": [
    {"id": "web", "kind": "corporate_site",
     "forms": {"guest": {"required_fields": ["first_name", "email"]}, "customer": {},
               "consultant": {"outcome": "pending_approval"}}},
    {"id": "join", "kind": "corporate_site", "forms": {"consultant": {"outcome": "pending_kit"}}},
    {"id": "shop", "kind": "replicated_site",
     "forms": {"customer": {}, "consultant": {"outcome": "pending_kit"}}},
    {"id": "bot", "kind": "chatbot",
     "forms": {"customer": {}, "consultant": {"outcome": "pending_approval"}}},
    {"id": "office", "kind": "backoffice"},
    {"id": "backend", "kind": "backend"}]
})";

Actor role(const std::string& name) {
  return Actor::staff(name + "-user", {"operator", name});
}

class Journeys : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = on("backend", request("ana"));
    r.person.site = "ana-gomez";
    r.person.zone = "north";
    auto out = co_.enroll(admin(), r);
    ASSERT_TRUE(out.accepted) << out.findings[0].message;
    ana_ = out.person;
  }

  static EnrollmentRequest on(const std::string& channel, EnrollmentRequest r) {
    r.channel = channel;
    return r;
  }

  Company co_ = Company::open("memory:", kJourneys);
  PersonId ana_;
};

TEST_F(Journeys, AGuestGetsAQuickAccessCodeThatFindsThemLater) {
  EnrollmentRequest r = on("web", request("gus", ana_, CustomerType::guest));
  r.person.last_name = "";  // the short form asks less
  const EnrollmentOutcome out = co_.enroll(admin(), r);
  ASSERT_TRUE(out.accepted) << out.findings[0].message;
  EXPECT_EQ(out.outcome, "guest");
  ASSERT_EQ(out.quick_code.size(), 8u);
  EXPECT_EQ(co_.find_guest(admin(), out.quick_code), out.person);
  EXPECT_EQ(co_.find_guest(admin(), "NOPE2345"), std::nullopt);
  const Person p = co_.person(admin(), out.person);
  EXPECT_EQ(p.type, CustomerType::guest);
  EXPECT_EQ(p.status, Status::active);
  // The long form of the same channel still asks for the last name.
  EnrollmentRequest customer = on("web", request("cam", ana_, CustomerType::customer));
  customer.person.last_name = "";
  const auto refused = co_.enroll(admin(), customer);
  ASSERT_FALSE(refused.accepted);
  EXPECT_EQ(refused.findings[0].field, "person.last_name");
}

TEST_F(Journeys, ACustomerIsRegisteredAtOnce) {
  const auto out = co_.enroll(admin(), on("web", request("cam", ana_, CustomerType::customer)));
  ASSERT_TRUE(out.accepted);
  EXPECT_EQ(out.outcome, "active");
  EXPECT_TRUE(out.quick_code.empty());
  EXPECT_EQ(out.work_item, 0);
  EXPECT_EQ(co_.person(admin(), out.person).status, Status::active);
}

TEST_F(Journeys, AConsultantWaitsForEveryStepOfTheApproval) {
  const auto out = co_.enroll(admin(), on("web", request("carla", ana_)));
  ASSERT_TRUE(out.accepted);
  EXPECT_EQ(out.outcome, "pending_approval");
  ASSERT_NE(out.work_item, 0);
  EXPECT_EQ(co_.person(admin(), out.person).status, Status::pre_registered);
  // Sales sees it in their inbox; compliance not yet.
  WorkItemQuery inbox;
  inbox.decidable_only = true;
  ASSERT_EQ(co_.work_items(role("sales"), inbox).size(), 1u);
  EXPECT_TRUE(co_.work_items(role("compliance"), inbox).empty());
  const EventSeq before = co_.last_event();
  try {
    co_.decide(role("compliance"), {out.work_item, true, "", {}});
    ADD_FAILURE() << "compliance decided the sales step";
  } catch (const PermissionDenied& e) {
    EXPECT_EQ(e.field(), "roles");
  }
  // Nothing written: no event, the item still at its first step.
  EXPECT_EQ(co_.last_event(), before);
  EXPECT_EQ(co_.work_items(admin())[0].step_id, "sales");
  EXPECT_TRUE(co_.work_items(admin())[0].decisions.empty());
  WorkItem item = co_.decide(role("sales"), {out.work_item, true, "documents seen", {}});
  EXPECT_EQ(item.state, WorkItemState::open);
  EXPECT_EQ(item.step_id, "compliance");
  EXPECT_EQ(co_.person(admin(), out.person).status, Status::pre_registered);
  item = co_.decide(role("compliance"), {out.work_item, true, "", {}});
  EXPECT_EQ(item.state, WorkItemState::approved);
  ASSERT_EQ(item.decisions.size(), 2u);
  EXPECT_EQ(item.decisions[0].by, "sales-user");
  EXPECT_EQ(item.decisions[0].reason, "documents seen");
  EXPECT_EQ(co_.person(admin(), out.person).status, Status::active);
  EXPECT_THROW(co_.decide(role("compliance"), {out.work_item, true, "", {}}), FailedPrecondition);
  const auto events = co_.events(admin(), EventSeq{0}, 100);
  EXPECT_EQ(events[events.size() - 2].kind, "step_approved");
  EXPECT_EQ(events.back().kind, "approved");
}

TEST_F(Journeys, ARejectedRegistrationLeavesThePersonInactiveWithTheReason) {
  const auto out = co_.enroll(admin(), on("bot", request("bruno", ana_)));
  ASSERT_TRUE(out.accepted);
  EXPECT_EQ(out.outcome, "pending_approval");  // the chatbot pre-registers
  EXPECT_THROW(co_.decide(role("sales"), {out.work_item, false, "", {}}), InvalidArgument);
  EXPECT_THROW(co_.decide(role("sales"), {out.work_item, true, "", Decimal::from_integer(5)}),
               InvalidArgument);
  const auto item = co_.decide(role("sales"), {out.work_item, false, "not in coverage", {}});
  EXPECT_EQ(item.state, WorkItemState::rejected);
  EXPECT_EQ(co_.person(admin(), out.person).status, Status::inactive);
  EXPECT_TRUE(co_.work_items(admin()).empty());
  WorkItemQuery all;
  all.state.reset();
  EXPECT_EQ(co_.work_items(admin(), all).size(), 1u);
  EXPECT_THROW(co_.work_items(Actor::of_person(ana_)), PermissionDenied);
  EXPECT_THROW(co_.decide(admin(), {999, true, "", {}}), NotFound);
}

TEST_F(Journeys, AConsultantWhoJoinsWithAKitWaitsForItsPayment) {
  const auto out = co_.enroll(admin(), on("join", request("kit", ana_)));
  ASSERT_TRUE(out.accepted);
  EXPECT_EQ(out.outcome, "pending_kit");
  EXPECT_EQ(co_.person(admin(), out.person).status, Status::pending_kit);
  // The join form enrolls consultants only.
  const auto customer = co_.enroll(admin(), on("join", request("c", ana_, CustomerType::customer)));
  ASSERT_FALSE(customer.accepted);
  EXPECT_EQ(customer.findings[0].reason, "form_not_offered");
  EXPECT_EQ(customer.findings[0].field, "type");
}

TEST_F(Journeys, TheBackofficeEnrollsUnderTheConsultantAndTheBackendIsForStaff) {
  const Actor consultant = Actor::of_person(ana_, "ana");
  EnrollmentRequest r = on("office", request("dora"));
  const auto out = co_.enroll(consultant, r);
  ASSERT_TRUE(out.accepted) << out.findings[0].message;
  EXPECT_EQ(co_.person(admin(), out.person).sponsor, ana_);
  EXPECT_EQ(co_.person(admin(), out.person).channel, "office");
  EXPECT_THROW(co_.enroll(consultant, on("backend", request("eva", ana_))), PermissionDenied);
}

TEST_F(Journeys, TheBackendSetsSponsorReferrerAndZone) {
  const PersonId bea = co_.enroll(admin(), on("backend", request("bea", ana_))).person;
  EnrollmentRequest r = on("backend", request("fer", ana_));
  r.referrer = bea;
  r.person.zone = "south";
  const auto out = co_.enroll(admin(), r);
  ASSERT_TRUE(out.accepted);
  const Person p = co_.person(admin(), out.person);
  EXPECT_EQ(p.sponsor, ana_);
  EXPECT_EQ(p.referrer, bea);
  EXPECT_EQ(p.data.zone, "south");
}

TEST_F(Journeys, AReplicatedSiteNamesTheSponsorAndReferrer) {
  EnrollmentRequest r = on("shop", request("gina", {}, CustomerType::customer));
  r.site = "ana-gomez";
  const auto out = co_.enroll(admin(), r);
  ASSERT_TRUE(out.accepted) << out.findings[0].message;
  const Person p = co_.person(admin(), out.person);
  EXPECT_EQ(p.sponsor, ana_);
  EXPECT_EQ(p.referrer, ana_);
  EXPECT_EQ(co_.person(admin(), ana_).data.site, "ana-gomez");

  EnrollmentRequest unknown = on("shop", request("hugo", {}, CustomerType::customer));
  unknown.site = "nobody";
  auto refused = co_.enroll(admin(), unknown);
  ASSERT_FALSE(refused.accepted);
  EXPECT_EQ(refused.findings[0].reason, "site_not_found");
  EXPECT_EQ(refused.findings[0].field, "site");
  refused = co_.enroll(admin(), on("shop", request("ivan", ana_, CustomerType::customer)));
  ASSERT_FALSE(refused.accepted);
  EXPECT_EQ(refused.findings[0].reason, "required");
  EXPECT_EQ(refused.findings[0].field, "site");
  // A slug belongs to one person.
  EnrollmentRequest copy = on("backend", request("jose", ana_));
  copy.person.site = "ana-gomez";
  refused = co_.enroll(admin(), copy);
  ASSERT_FALSE(refused.accepted);
  EXPECT_EQ(refused.findings[0].reason, "duplicate_site");
  copy.person.site = "-bad";
  refused = co_.enroll(admin(), copy);
  ASSERT_FALSE(refused.accepted);
  EXPECT_EQ(refused.findings[0].reason, "invalid_site");
}

TEST_F(Journeys, AnUnknownChannelIsAFinding) {
  const auto out = co_.enroll(admin(), on("fax", request("kai", ana_)));
  ASSERT_FALSE(out.accepted);
  EXPECT_EQ(out.findings[0].reason, "unknown_channel");
  EXPECT_EQ(out.findings[0].field, "channel");
  EXPECT_EQ(out.findings[0].required, "web, join, shop, bot, office, backend");
}

TEST_F(Journeys, ACreditLimitIsZeroUntilTheRequestIsApproved) {
  const auto joined = co_.enroll(admin(), on("join", request("lia", ana_)));
  ASSERT_TRUE(joined.accepted);
  CreditRequest req;
  req.person = joined.person;
  req.amount = Decimal::parse("2000");
  req.references = {"Marta, 300 111 2233"};
  req.attachments = {{"id_copy", "id.pdf", 10, "sha256:" + std::string(64, 'a'), ""}};
  // An attachment type the company does not know is refused with its path.
  try {
    co_.request_credit(Actor::of_person(joined.person), req);
    ADD_FAILURE() << "an unknown attachment type was accepted";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "attachments[0].type");
  }
  req.attachments.clear();
  const WorkItem item = co_.request_credit(Actor::of_person(joined.person), req);
  EXPECT_EQ(item.kind, WorkItemKind::credit_request);
  EXPECT_EQ(item.amount, Decimal::parse("2000"));
  EXPECT_EQ(co_.person(admin(), joined.person).credit_limit, Decimal());
  EXPECT_THROW(co_.request_credit(admin(), req), FailedPrecondition);
  EXPECT_THROW(co_.request_credit(Actor::of_person(ana_), req), PermissionDenied);
  const WorkItem approved =
      co_.decide(role("credit"), {item.id, true, "references checked", Decimal::parse("1500")});
  EXPECT_EQ(approved.state, WorkItemState::approved);
  EXPECT_EQ(co_.person(admin(), joined.person).credit_limit, Decimal::parse("1500"));
}

TEST_F(Journeys, ACustomerBecomesAConsultantThroughTheKit) {
  const auto customer =
      co_.enroll(admin(), on("web", request("cam", ana_, CustomerType::customer)));
  ASSERT_TRUE(customer.accepted);
  const auto out =
      co_.convert(Actor::of_person(customer.person),
                  {customer.person, CustomerType::consultant, "join", "wants to sell"});
  ASSERT_TRUE(out.accepted);
  EXPECT_EQ(out.continuation, "converted");
  EXPECT_EQ(out.outcome, "pending_kit");
  const Person p = co_.person(admin(), customer.person);
  EXPECT_EQ(p.type, CustomerType::consultant);
  EXPECT_EQ(p.status, Status::pending_kit);
  EXPECT_EQ(co_.events(admin(), EventSeq{out.event.value() - 1}, 1)[0].kind, "converted");
  EXPECT_THROW(co_.convert(admin(), {customer.person, CustomerType::consultant, "join", ""}),
               FailedPrecondition);
  EXPECT_THROW(co_.convert(admin(), {customer.person, CustomerType::customer, "join", ""}),
               FailedPrecondition);  // the join form enrolls consultants only
  EXPECT_THROW(co_.convert(admin(), {customer.person, CustomerType::customer, "fax", ""}),
               InvalidArgument);
}

TEST_F(Journeys, AConsultantMayContinueAsACustomer) {
  const auto bea = co_.enroll(admin(), on("backend", request("bea", ana_))).person;
  const auto out = co_.convert(admin(), {bea, CustomerType::customer, "web", ""});
  ASSERT_TRUE(out.accepted);
  EXPECT_EQ(co_.person(admin(), bea).type, CustomerType::customer);
  EXPECT_EQ(co_.person(admin(), bea).status, Status::active);
  // Someone outside the actor's downline may not be converted by them.
  const auto other = co_.enroll(admin(), on("backend", request("otto"))).person;
  EXPECT_THROW(co_.convert(Actor::of_person(bea), {other, CustomerType::customer, "web", ""}),
               PermissionDenied);
}

std::string with_pre_existence(std::string config) {
  return config.insert(config.find('{') + 1, R"("enrollment": {"pre_existence": "continue"},)");
}

TEST(JourneyPreExistence, AnEnrollmentOfAnExistingPersonContinuesTheirFlow) {
  auto co = Company::open("memory:", with_pre_existence(kJourneys));
  auto r = request("ana");
  r.channel = "backend";
  const PersonId ana = co.enroll(admin(), r).person;
  // An inactive consultant rejoins by enrolling again (same external id).
  co.change_status(admin(), {ana, Status::inactive, "no orders"});
  const auto again = co.enroll(admin(), r);
  ASSERT_TRUE(again.accepted);
  EXPECT_EQ(again.person, ana);
  EXPECT_EQ(again.continuation, "rejoined");
  EXPECT_EQ(co.person(admin(), ana).status, Status::active);
  EXPECT_EQ(co.person_count(admin()), 1u);
  // A customer found by e-mail (another letter case, no external id) who
  // joins as a consultant on the website waits for approval.
  auto customer = request("cam", ana, CustomerType::customer);
  customer.channel = "web";
  const PersonId cam = co.enroll(admin(), customer).person;
  auto join = request("x", ana);
  join.channel = "web";
  join.person.external_id = "";
  join.person.email = "CAM@example.com";
  const auto converted = co.enroll(admin(), join);
  ASSERT_TRUE(converted.accepted);
  EXPECT_EQ(converted.person, cam);
  EXPECT_EQ(converted.continuation, "converted");
  EXPECT_EQ(converted.outcome, "pending_approval");
  EXPECT_NE(converted.work_item, 0);
  EXPECT_EQ(co.person(admin(), cam).status, Status::pre_registered);
  // An active consultant enrolling again is a finding, nothing written.
  const EventSeq before = co.last_event();
  const auto dup = co.enroll(admin(), r);
  ASSERT_FALSE(dup.accepted);
  EXPECT_EQ(dup.findings[0].reason, "already_enrolled");
  EXPECT_EQ(dup.findings[0].code, Code::already_exists);
  EXPECT_EQ(co.last_event(), before);
}

TEST(JourneyPreExistence, ADocumentFindsThePersonInAnotherFormatWithoutOtherKeys) {
  auto co = Company::open("memory:", R"({
    "enrollment": {"pre_existence": "continue", "identification": "document"},
    "document_types": [{"id": "CC", "countries": ["CO"]}, {"id": "CE", "countries": ["CO"]}],
    "channels": [{"id": "backend", "kind": "backend"}]})");
  auto r = request("dora");
  r.channel = "backend";
  r.person.country = "CO";
  r.person.document_type = "CC";
  r.person.document_number = "1020304050";
  const PersonId dora = co.enroll(admin(), r).person;
  co.change_status(admin(), {dora, Status::inactive, "no orders"});
  // Neither her external id nor her e-mail: her document, as typed on a form.
  auto again = r;
  again.person.external_id = "";
  again.person.email = "dora.new@example.com";
  again.person.document_number = "10.203.040-50";
  const auto rejoined = co.enroll(admin(), again);
  ASSERT_TRUE(rejoined.accepted) << (rejoined.findings.empty() ? "" : rejoined.findings[0].reason);
  EXPECT_EQ(rejoined.person, dora);
  EXPECT_EQ(rejoined.continuation, "rejoined");
  EXPECT_EQ(co.person(admin(), dora).status, Status::active);
  EXPECT_EQ(co.person_count(admin()), 1u);
  // The same number of another type is someone else: a new person.
  auto other = again;
  other.person.document_type = "CE";
  other.person.email = "eva@example.com";
  const auto eva = co.enroll(admin(), other);
  ASSERT_TRUE(eva.accepted);
  EXPECT_NE(eva.person, dora);
  EXPECT_TRUE(eva.continuation.empty());
  EXPECT_EQ(co.person_count(admin()), 2u);
}

TEST(JourneyConfig, OutcomesNeedWhatTheyRestOn) {
  const std::pair<const char*, const char*> bad[] = {
      {R"({"channels": [{"id": "web", "kind": "corporate_site",
           "forms": {"consultant": {"outcome": "pending_approval"}}}]})",
       "channels[0].forms.consultant.outcome"},
      {R"({"channels": [{"id": "web", "kind": "corporate_site",
           "forms": {"guest": {"outcome": "pending_kit"}}}]})",
       "channels[0].forms.guest.outcome"},
      {R"({"channels": [{"id": "web", "kind": "fax"}]})", "channels[0].kind"},
      {R"({"channels": [{"id": "web", "kind": "api"}, {"id": "web", "kind": "api"}]})",
       "channels[1].id"},
      {R"({"channels": [{"id": "web", "kind": "api", "forms": {"vip": {}}}]})",
       "channels[0].forms.vip"},
      {R"({"workflows": [{"item": "registration", "steps": []}]})", "workflows[0].steps"},
      {R"({"workflows": [{"item": "loan", "steps": [{"roles": ["x"]}]}]})", "workflows[0].item"},
      {R"({"workflows": [{"item": "document", "steps": [{"id": "a"}]}]})",
       "workflows[0].steps[0].roles"},
      {R"({"enrollment": {"pre_existence": "merge"}})", "enrollment.pre_existence"},
  };
  for (const auto& [config, field] : bad) expect_config_error(config, field);
}

TEST(JourneyStore, WorkItemsAndCodesSurviveAReopen) {
  const std::string path = temp_db("journeys");
  std::string code;
  std::int64_t item = 0;
  PersonId guest;
  {
    auto co = Company::open("sqlite:" + path, kJourneys);
    auto root = co.enroll(admin(), [] {
      auto r = request("root");
      r.channel = "backend";
      return r;
    }());
    ASSERT_TRUE(root.accepted);
    auto g = request("gus", root.person, CustomerType::guest);
    g.channel = "web";
    auto out = co.enroll(admin(), g);
    ASSERT_TRUE(out.accepted);
    code = out.quick_code;
    guest = out.person;
    auto c = request("carla", root.person);
    c.channel = "web";
    item = co.enroll(admin(), c).work_item;
  }
  auto co = Company::open("sqlite:" + path, kJourneys);
  EXPECT_EQ(co.find_guest(admin(), code), guest);
  WorkItemQuery q;
  q.kind = WorkItemKind::registration;
  const auto items = co.work_items(admin(), q);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].id, item);
  co.decide(role("sales"), {item, true, "", {}});
  co.decide(role("compliance"), {item, true, "", {}});
  EXPECT_EQ(co.person(admin(), items[0].person).status, Status::active);
  // Another process sees the activation.
  auto other = Company::open("sqlite:" + path, kJourneys);
  EXPECT_EQ(other.person(admin(), items[0].person).status, Status::active);
}

}  // namespace
}  // namespace downline::testing
