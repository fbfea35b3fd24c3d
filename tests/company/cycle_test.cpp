// The commercial cycle's facts (issue 6): the campaign calendar in the
// company's time zone, the orders the host reports, what they add up to,
// the order rules they trigger and the close that locks a campaign.
#include <downline/downline.hpp>

#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace downline::testing {
namespace {

Instant at(const char* text) {
  return Instant::parse_rfc3339(text);
}

std::string config_in(const std::string& zone, const std::string& extra = "") {
  return R"({"company": {"name": "Cycle", "currency": "COP", "time_zone": ")" + zone + R"("})" +
         extra + "}";
}

struct Cycle {
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(at("2026-11-15T12:00:00Z"));
  Company company;
  PersonId ana, ben;

  explicit Cycle(const std::string& config = config_in("America/Bogota"),
                 const std::string& uri = "memory:", const std::string& channel = "")
      : company(Company::open(uri, config, OpenOptions{clock})) {
    EnrollmentRequest r = request("ana");
    r.channel = channel;
    ana = company.enroll(admin(), r).person;
    r = request("ben", ana);
    r.channel = channel;
    ben = company.enroll(admin(), r).person;
    EXPECT_TRUE(ana && ben);
  }
  void november_and_december() {
    const CampaignSpec specs[] = {{"2026-11", {2026, 11, 1}, {2026, 11, 30}},
                                  {"2026-12", {2026, 12, 1}, {2026, 12, 31}}};
    company.add_campaigns(admin(), specs);
  }
};

OrderReport order(const std::string& id, PersonId owner, OrderState state, const char* when,
                  const char* amount = "100", const char* volume = "10") {
  OrderReport r;
  r.id = id;
  r.owner = owner;
  r.state = state;
  r.at = at(when);
  r.amount = Decimal::parse(amount);
  r.volume = Decimal::parse(volume);
  return r;
}

template <typename E, typename F>
void expect_error(F&& f, const std::string& field) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one on " << field;
  } catch (const E& e) {
    EXPECT_EQ(e.field(), field) << e.what();
  }
}

// Expects the report refused with `code` on `field`, and nothing written
// since `before`.
void expect_refused(Company& company, const OrderReport& r, const std::string& field, Code code,
                    EventSeq before) {
  SCOPED_TRACE(r.id + " " + field);
  try {
    company.report_order(admin(), r);
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), field) << e.what();
    EXPECT_EQ(e.code(), code) << e.what();
  }
  EXPECT_EQ(company.last_event(), before);
}

TEST(Calendar, BogotaCampaignsEndAtLocalMidnightFiveHoursAfterUtc) {
  Cycle c;
  c.november_and_december();
  const auto list = c.company.campaigns();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].starts_at, at("2026-11-01T05:00:00Z"));
  EXPECT_EQ(list[0].ends_at, at("2026-12-01T05:00:00Z"));
  EXPECT_EQ(list[1].starts_at, list[0].ends_at);
  EXPECT_EQ(c.company.campaign_at(at("2026-12-01T04:59:59Z"))->id, "2026-11");
  EXPECT_EQ(c.company.campaign_at(at("2026-12-01T05:00:00Z"))->id, "2026-12");
  EXPECT_FALSE(c.company.campaign_at(at("2026-11-01T04:59:59Z")));

  // The order's instant decides its campaign.
  EXPECT_EQ(
      c.company
          .report_order(admin(), order("late", c.ana, OrderState::placed, "2026-12-01T04:59:59Z"))
          .campaign,
      "2026-11");
  EXPECT_EQ(
      c.company
          .report_order(admin(), order("early", c.ana, OrderState::placed, "2026-12-01T05:00:00Z"))
          .campaign,
      "2026-12");
}

TEST(Calendar, NewYorkWeeksAcrossBothDaylightSavingTransitions) {
  Cycle c(config_in("America/New_York"));
  const CampaignSpec specs[] = {{"w10", {2026, 3, 1}, {2026, 3, 7}},
                                {"w11", {2026, 3, 8}, {2026, 3, 14}},  // springs forward on the 8th
                                {"w44", {2026, 10, 25}, {2026, 10, 31}},
                                {"w45", {2026, 11, 1}, {2026, 11, 7}}};  // falls back on the 1st
  const auto added = c.company.add_campaigns(admin(), specs);
  ASSERT_EQ(added.size(), 4u);
  EXPECT_EQ(added[0].ends_at, at("2026-03-08T05:00:00Z"));  // EST midnight
  EXPECT_EQ(added[1].starts_at, at("2026-03-08T05:00:00Z"));
  EXPECT_EQ(added[1].ends_at, at("2026-03-15T04:00:00Z"));  // EDT midnight: a 167-hour week
  EXPECT_EQ(added[3].starts_at, at("2026-11-01T04:00:00Z"));
  EXPECT_EQ(added[3].ends_at, at("2026-11-08T05:00:00Z"));  // a 169-hour week
  // The hour skipped on March 8 and the hour repeated on November 1 stay
  // inside their weeks.
  EXPECT_EQ(c.company.campaign_at(at("2026-03-08T07:30:00Z"))->id, "w11");
  EXPECT_EQ(c.company.campaign_at(at("2026-03-15T03:59:59Z"))->id, "w11");
  EXPECT_FALSE(c.company.campaign_at(at("2026-03-15T04:00:00Z")));
  EXPECT_EQ(c.company.campaign_at(at("2026-11-01T05:30:00Z"))->id, "w45");
  EXPECT_EQ(c.company.campaign_at(at("2026-11-01T06:30:00Z"))->id, "w45");
  EXPECT_EQ(c.company.campaign_at(at("2026-11-01T03:59:59Z"))->id, "w44");
}

TEST(Calendar, AZoneThatSkipsMidnightStartsTheDayAtItsTransition) {
  // Cuba springs forward at midnight: 2026-03-08 00:00 does not exist there.
  Cycle c(config_in("America/Havana"));
  const CampaignSpec spec[] = {{"march", {2026, 3, 8}, {2026, 3, 31}}};
  const auto added = c.company.add_campaigns(admin(), spec);
  EXPECT_EQ(added[0].starts_at, at("2026-03-08T05:00:00Z"));  // 01:00 CDT, the first instant
}

TEST(Calendar, RefusesBadCampaignsWithTheirFieldAndWritesNothing) {
  Cycle c;
  c.november_and_december();
  const std::uint64_t events = c.company.last_event().value();
  const auto refuse = [&](std::vector<CampaignSpec> specs, const std::string& field) {
    SCOPED_TRACE(field);
    expect_error<Error>([&] { c.company.add_campaigns(admin(), specs); }, field);
    EXPECT_EQ(c.company.last_event().value(), events);
    EXPECT_EQ(c.company.campaigns().size(), 2u);
  };
  refuse({{"", {2027, 1, 1}, {2027, 1, 31}}}, "campaigns[0].id");
  refuse({{std::string(65, 'x'), {2027, 1, 1}, {2027, 1, 31}}}, "campaigns[0].id");
  refuse({{"jan", {2027, 1, 31}, {2027, 1, 1}}}, "campaigns[0].end");
  refuse({{"2026-11", {2027, 1, 1}, {2027, 1, 31}}}, "campaigns[0].id");  // AlreadyExists
  refuse({{"late-nov", {2026, 11, 30}, {2027, 1, 5}}}, "campaigns[0].start");
  refuse({{"jan", {2027, 1, 1}, {2027, 1, 31}}, {"jan2", {2027, 1, 31}, {2027, 2, 5}}},
         "campaigns[1].start");
  refuse({{"jan", {2027, 1, 1}, {2027, 1, 31}}, {"jan", {2027, 2, 1}, {2027, 2, 5}}},
         "campaigns[1].id");
  expect_error<PermissionDenied>(
      [&] {
        const CampaignSpec s[] = {{"jan", {2027, 1, 1}, {2027, 1, 31}}};
        c.company.add_campaigns(Actor::of_person(c.ana), s);
      },
      "actor");
  expect_config_error(config_in("Mars/Olympus_Mons"), "company.time_zone");
}

TEST(Orders, FollowTheirStatesAndKeepTheirHistory) {
  Cycle c;
  c.november_and_december();
  OrderReport r = order("A-1", c.ana, OrderState::draft, "2026-11-10T10:00:00Z");
  r.created_by = c.ben;  // placed on Ana's behalf (seed 000 §7.3.2)
  OrderOutcome out = c.company.report_order(admin(), r);
  EXPECT_EQ(out.result, OrderResult::created);
  EXPECT_FALSE(out.previous_state);
  EXPECT_EQ(c.company.activity(admin(), c.ana, "2026-11").drafts, 1u);
  EXPECT_EQ(c.company.activity(admin(), c.ana, "2026-11").orders, 0u);

  // A draft's totals may still change; the owner's activity counts from placed.
  OrderReport placed = order("A-1", {}, OrderState::placed, "2026-11-11T10:00:00Z", "120", "12");
  placed.comments = {{"recipient", "leave it with the porter"}};
  out = c.company.report_order(admin(), placed);
  EXPECT_EQ(out.result, OrderResult::changed);
  EXPECT_EQ(out.previous_state, OrderState::draft);
  CampaignActivity a = c.company.activity(admin(), c.ana, "2026-11");
  EXPECT_EQ(a.orders, 1u);
  EXPECT_EQ(a.drafts, 0u);
  EXPECT_EQ(a.personal_volume, Decimal::parse("12"));
  EXPECT_EQ(a.amount, Decimal::parse("120"));

  // The same report again changes nothing and writes nothing.
  const EventSeq before = c.company.last_event();
  EXPECT_EQ(c.company.report_order(admin(), placed).result, OrderResult::unchanged);
  EXPECT_EQ(c.company.last_event(), before);

  c.company.report_order(admin(),
                         order("A-1", {}, OrderState::paid, "2026-11-12T10:00:00Z", "120", "12"));
  const Order o = c.company.order(admin(), "A-1");
  EXPECT_EQ(o.owner, c.ana);
  EXPECT_EQ(o.created_by, c.ben);
  EXPECT_EQ(o.campaign, "2026-11");
  EXPECT_EQ(o.state, OrderState::paid);
  EXPECT_TRUE(o.counted);
  ASSERT_EQ(o.history.size(), 3u);
  EXPECT_EQ(o.history[0].state, OrderState::draft);
  EXPECT_EQ(o.history[2].at, at("2026-11-12T10:00:00Z"));
  ASSERT_EQ(o.comments.size(), 1u);
  EXPECT_EQ(o.comments[0].stage, "recipient");
  EXPECT_EQ(c.company.orders(admin(), c.ana, "2026-11").size(), 1u);
  EXPECT_TRUE(c.company.orders(admin(), c.ana, "2026-12").empty());
  // Ben placed it, but it is Ana's: Ben's activity is empty.
  EXPECT_EQ(c.company.activity(admin(), c.ben, "2026-11").orders, 0u);
}

TEST(Orders, RefuseWhatTheirStateForbidsWithTheField) {
  Cycle c;
  c.november_and_december();
  c.company.report_order(admin(), order("P", c.ana, OrderState::paid, "2026-11-10T10:00:00Z"));
  c.company.report_order(admin(), order("S", c.ana, OrderState::shipped, "2026-11-10T10:00:00Z"));
  c.company.report_order(admin(), order("X", c.ana, OrderState::placed, "2026-11-10T10:00:00Z"));
  c.company.report_order(admin(), order("X", c.ana, OrderState::cancelled, "2026-11-11T10:00:00Z"));
  const EventSeq before = c.company.last_event();
  const auto refuse = [&](const OrderReport& r, const std::string& field, Code code) {
    expect_refused(c.company, r, field, code, before);
  };
  const char* later = "2026-11-20T10:00:00Z";
  refuse(order("P", c.ana, OrderState::placed, later), "state", Code::failed_precondition);
  refuse(order("S", c.ana, OrderState::cancelled, later), "state", Code::failed_precondition);
  refuse(order("X", c.ana, OrderState::paid, later), "state", Code::failed_precondition);
  refuse(order("P", c.ana, OrderState::invoiced, "2026-11-09T10:00:00Z"), "at",
         Code::failed_precondition);
  refuse(order("P", c.ana, OrderState::paid, later, "999"), "amount", Code::failed_precondition);
  refuse(order("P", c.ben, OrderState::paid, later), "owner", Code::failed_precondition);
  OrderReport moved = order("P", c.ana, OrderState::paid, later);
  moved.campaign = "2026-12";
  refuse(moved, "campaign", Code::failed_precondition);
  OrderReport placed_unpaid = order("U", c.ana, OrderState::placed, later);
  c.company.report_order(admin(), placed_unpaid);
  expect_refused(c.company, order("U", c.ana, OrderState::returned, later), "state",
                 Code::failed_precondition, c.company.last_event());
}

TEST(Orders, RefuseBadFieldsAndUnknownReferences) {
  Cycle c;
  c.november_and_december();
  const EventSeq before = c.company.last_event();
  const auto refuse = [&](const OrderReport& r, const std::string& field, Code code) {
    expect_refused(c.company, r, field, code, before);
  };
  const char* nov = "2026-11-10T10:00:00Z";
  refuse(order("", c.ana, OrderState::placed, nov), "id", Code::invalid_argument);
  refuse(order(std::string(65, 'x'), c.ana, OrderState::placed, nov), "id", Code::invalid_argument);
  refuse(order("\xff", c.ana, OrderState::placed, nov), "id", Code::invalid_argument);
  refuse(order("N", {}, OrderState::placed, nov), "owner", Code::invalid_argument);
  refuse(order("N", PersonId{99}, OrderState::placed, nov), "owner", Code::not_found);
  OrderReport by = order("N", c.ana, OrderState::placed, nov);
  by.created_by = PersonId{99};
  refuse(by, "created_by", Code::not_found);
  refuse(order("N", c.ana, OrderState::placed, nov, "-1"), "amount", Code::invalid_argument);
  refuse(order("N", c.ana, OrderState::placed, nov, "1", "-0.5"), "volume", Code::invalid_argument);
  refuse(order("N", c.ana, OrderState::placed, "2027-02-01T00:00:00Z"), "at",
         Code::failed_precondition);
  OrderReport unknown = order("N", c.ana, OrderState::placed, nov);
  unknown.campaign = "2031-01";
  refuse(unknown, "campaign", Code::not_found);
  OrderReport lines = order("N", c.ana, OrderState::placed, nov);
  lines.lines = {{"", 1, {}, {}, {}}};
  refuse(lines, "lines[0].sku", Code::invalid_argument);
  lines.lines = {{"SKU", 0, {}, {}, {}}};
  refuse(lines, "lines[0].quantity", Code::invalid_argument);
  OrderReport comment = order("N", c.ana, OrderState::placed, nov);
  comment.comments = {{"kitchen", "hello"}};
  refuse(comment, "comments[0].stage", Code::invalid_argument);
  comment.comments = {{"payment", std::string(1001, 'a')}};
  refuse(comment, "comments[0].text", Code::invalid_argument);
  expect_error<PermissionDenied>(
      [&] {
        c.company.report_order(Actor::of_person(c.ana), order("N", c.ana, OrderState::placed, nov));
      },
      "actor");
}

TEST(Orders, TotalsComeFromTheLinesWhenNotGiven) {
  Cycle c;
  c.november_and_december();
  OrderReport r;
  r.id = "L";
  r.owner = c.ana;
  r.at = at("2026-11-10T10:00:00Z");
  r.lines = {{"KIT-1", 1, Decimal::parse("150.50"), Decimal::parse("20"), {"starter_kit"}},
             {"LIP-2", 3, Decimal::parse("30"), Decimal::parse("4.5"), {}}};
  c.company.report_order(admin(), r);
  const Order o = c.company.order(admin(), "L");
  EXPECT_EQ(o.amount, Decimal::parse("180.5"));
  EXPECT_EQ(o.volume, Decimal::parse("24.5"));
  ASSERT_EQ(o.lines.size(), 2u);
  EXPECT_EQ(o.lines[0].flags, std::vector<std::string>{"starter_kit"});
  EXPECT_EQ(o.lines[1].quantity, 3u);
}

TEST(Orders, AReturnTakesTheActivityAwayFromItsOwnCampaign) {
  Cycle c;
  c.november_and_december();
  c.company.report_order(admin(),
                         order("R", c.ana, OrderState::paid, "2026-11-10T10:00:00Z", "200", "25"));
  EXPECT_EQ(c.company.activity(admin(), c.ana, "2026-11").orders, 1u);
  // Returned in December: November, where it belongs, loses it.
  c.clock->set(at("2026-12-03T10:00:00Z"));
  c.company.report_order(admin(),
                         order("R", {}, OrderState::returned, "2026-12-03T10:00:00Z", "200", "25"));
  const CampaignActivity a = c.company.activity(admin(), c.ana, "2026-11");
  EXPECT_EQ(a.orders, 0u);
  EXPECT_EQ(a.personal_volume, Decimal{});
  EXPECT_EQ(c.company.activity(admin(), c.ana, "2026-12").orders, 0u);
  EXPECT_FALSE(c.company.order(admin(), "R").counted);
}

TEST(Orders, CountFromTheConfiguredState) {
  Cycle c(config_in("UTC", R"(, "orders": {"counted_from": "paid"})"));
  c.november_and_december();
  c.company.report_order(admin(), order("A", c.ana, OrderState::placed, "2026-11-10T10:00:00Z"));
  EXPECT_EQ(c.company.activity(admin(), c.ana, "2026-11").orders, 0u);
  c.company.report_order(admin(), order("A", {}, OrderState::invoiced, "2026-11-11T10:00:00Z"));
  EXPECT_EQ(c.company.activity(admin(), c.ana, "2026-11").orders, 1u);
  expect_config_error(config_in("UTC", R"(, "orders": {"counted_from": "draft"})"),
                      "orders.counted_from");
}

TEST(Campaigns, AClosedCampaignIsLockedAndClosingTwiceChangesNothing) {
  Cycle c;
  c.november_and_december();
  c.company.report_order(admin(),
                         order("A", c.ana, OrderState::paid, "2026-11-10T10:00:00Z", "100", "10"));
  c.company.report_order(admin(),
                         order("B", c.ben, OrderState::placed, "2026-11-12T10:00:00Z", "50", "5"));
  c.company.report_order(admin(), order("D", c.ben, OrderState::draft, "2026-11-12T10:00:00Z"));
  expect_error<FailedPrecondition>([&] { c.company.close_campaign(admin(), "2026-11"); },
                                   "campaign");  // not over yet
  expect_error<FailedPrecondition>([&] { c.company.close_campaign(admin(), "2026-12"); },
                                   "campaign");  // November first
  expect_error<NotFound>([&] { c.company.close_campaign(admin(), "1999"); }, "campaign");

  c.clock->set(at("2026-12-02T00:00:00Z"));
  const CampaignSummary first = c.company.close_campaign(admin(), "2026-11");
  EXPECT_FALSE(first.already_closed);
  EXPECT_EQ(first.orders, 2u);
  EXPECT_EQ(first.persons_with_orders, 2u);
  EXPECT_EQ(first.drafts, 1u);
  EXPECT_EQ(first.volume, Decimal::parse("15"));
  EXPECT_EQ(first.amount, Decimal::parse("150"));
  EXPECT_EQ(c.company.campaigns()[0].state, CampaignState::closed);

  const EventSeq closed = c.company.last_event();
  const CampaignSummary again = c.company.close_campaign(admin(), "2026-11");
  EXPECT_TRUE(again.already_closed);
  EXPECT_EQ(again.orders, first.orders);
  EXPECT_EQ(again.volume, first.volume);
  EXPECT_EQ(c.company.last_event(), closed);

  // Its orders no longer change; new orders dated in it are refused.
  expect_error<FailedPrecondition>(
      [&] {
        c.company.report_order(admin(),
                               order("B", {}, OrderState::paid, "2026-12-02T00:00:00Z", "50", "5"));
      },
      "campaign");
  expect_error<FailedPrecondition>(
      [&] {
        c.company.report_order(admin(),
                               order("N", c.ana, OrderState::placed, "2026-11-29T00:00:00Z"));
      },
      "campaign");
  // Repeating what it holds is still fine (a feed replayed).
  EXPECT_EQ(c.company
                .report_order(admin(), order("A", c.ana, OrderState::paid, "2026-11-10T10:00:00Z",
                                             "100", "10"))
                .result,
            OrderResult::unchanged);
  EXPECT_EQ(c.company.last_event(), closed);
  // Its activity is read from the store now.
  EXPECT_EQ(c.company.activity(admin(), c.ana, "2026-11").orders, 1u);
}

// A starter kit: consultants join pending until their kit is paid; an order
// rule activates them (seed 004 §7.2.1.3). Rules never inactivate a VIP.
constexpr const char* kKitRules = R"(,
  "channels": [{"id": "web", "kind": "corporate_site",
                "forms": {"consultant": {"outcome": "pending_kit"}}},
               {"id": "office", "kind": "backend"}],
  "segments": [{"id": "first_buyer"}],
  "rules": [
    {"id": "kit-paid-activates", "trigger": "order_state_changed",
     "when": {"and": [{"==": [{"var": "order.state"}, "paid"]},
                    {"==": [{"var": "person.status"}, "pending_kit"]},
                    {"some": [{"var": "order.lines"},
                              {"in": ["starter_kit", {"var": "flags"}]}]}]},
     "then": [{"action": "activate"}]},
    {"id": "first-purchase", "trigger": "order_state_changed",
     "when": {"==": [{"var": "order.first_purchase"}, true]},
     "then": [{"action": "assign_segment", "segment": "first_buyer"}]},
    {"id": "cancel-inactivates", "trigger": "order_state_changed",
     "when": {"==": [{"var": "order.state"}, "cancelled"]},
     "then": [{"action": "inactivate", "reason": "cancelled"}]}
  ])";

TEST(OrderRules, TheStarterKitPaidActivatesThePendingConsultant) {
  Cycle c(config_in("UTC", kKitRules), "memory:", "office");
  c.november_and_december();
  EnrollmentRequest r = request("kit", c.ana);
  r.channel = "web";
  const EnrollmentOutcome joined = c.company.enroll(admin(), r);
  ASSERT_TRUE(joined.accepted);
  EXPECT_EQ(c.company.person(admin(), joined.person).status, Status::pending_kit);

  OrderReport kit;
  kit.id = "K-1";
  kit.owner = joined.person;
  kit.state = OrderState::placed;
  kit.at = at("2026-11-10T10:00:00Z");
  kit.lines = {{"KIT-1", 1, Decimal::parse("150"), Decimal::parse("20"), {"starter_kit"}}};
  OrderOutcome out = c.company.report_order(admin(), kit);
  EXPECT_TRUE(out.decisions.empty());
  EXPECT_EQ(c.company.person(admin(), joined.person).status, Status::pending_kit);

  kit.state = OrderState::paid;
  kit.at = at("2026-11-11T10:00:00Z");
  out = c.company.report_order(admin(), kit);
  EXPECT_TRUE(out.first_purchase);
  ASSERT_EQ(out.decisions.size(), 2u);
  EXPECT_EQ(out.decisions[0].rule, "kit-paid-activates");
  EXPECT_EQ(out.decisions[1].action.type, ActionType::assign_segment);
  EXPECT_EQ(c.company.person(admin(), joined.person).status, Status::active);
  const auto events = c.company.events(admin(), EventSeq{out.seq.value() - 1}, 10);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, "orders_reported");
  EXPECT_EQ(events[1].kind, "activated");
  EXPECT_EQ(events[1].person, joined.person);
  EXPECT_NE(events[1].payload_json.find("\"order\":\"K-1\""), std::string::npos);
  EXPECT_TRUE(c.company.verify(admin()).ok);

  // A second paid order is no first purchase.
  OrderReport more = order("K-2", joined.person, OrderState::paid, "2026-11-12T10:00:00Z");
  out = c.company.report_order(admin(), more);
  EXPECT_FALSE(out.first_purchase);
  EXPECT_TRUE(out.decisions.empty());
}

TEST(OrderRules, NeverInactivateAVip) {
  Cycle c(config_in("UTC", kKitRules), "memory:", "office");
  c.november_and_december();
  c.company.set_vip(admin(), c.ana, true);
  c.company.report_order(admin(), order("V", c.ana, OrderState::placed, "2026-11-10T10:00:00Z"));
  OrderOutcome out = c.company.report_order(
      admin(), order("V", c.ana, OrderState::cancelled, "2026-11-11T10:00:00Z"));
  ASSERT_EQ(out.decisions.size(), 1u);
  EXPECT_EQ(out.decisions[0].action.type, ActionType::inactivate);
  EXPECT_EQ(c.company.person(admin(), c.ana).status, Status::active);
  // Ben is no VIP: the same rule inactivates him.
  c.company.report_order(admin(), order("W", c.ben, OrderState::placed, "2026-11-10T10:00:00Z"));
  c.company.report_order(admin(), order("W", c.ben, OrderState::cancelled, "2026-11-11T10:00:00Z"));
  EXPECT_EQ(c.company.person(admin(), c.ben).status, Status::inactive);
}

TEST(Orders, ABulkReportWritesTheValidOnesAndListsTheOthers) {
  Cycle c;
  c.november_and_december();
  std::vector<OrderReport> reports = {
      order("B-1", c.ana, OrderState::placed, "2026-11-10T10:00:00Z"),
      order("B-2", PersonId{77}, OrderState::placed, "2026-11-10T10:00:00Z"),  // unknown owner
      order("B-1", {}, OrderState::paid, "2026-11-11T10:00:00Z"),              // the first, paid
      order("B-3", c.ben, OrderState::placed, "2026-11-10T10:00:00Z", "-3"),   // bad amount
      order("B-1", {}, OrderState::placed, "2026-11-12T10:00:00Z"),            // back: refused
      order("B-4", c.ben, OrderState::paid, "2026-12-05T10:00:00Z"),
  };
  std::vector<std::size_t> progress;
  const OrderBatchReport first =
      c.company.report_orders(admin(), reports, [&](std::size_t done, std::size_t total) {
        EXPECT_EQ(total, reports.size());
        progress.push_back(done);
      });
  EXPECT_EQ(first.created, 2u);
  EXPECT_EQ(first.changed, 1u);
  EXPECT_EQ(first.unchanged, 0u);
  EXPECT_EQ(first.first_purchases, 2u);
  ASSERT_EQ(first.rejected.size(), 3u);
  EXPECT_EQ(first.rejected[0].index, 1u);
  EXPECT_EQ(first.rejected[0].findings[0].field, "orders[1].owner");
  EXPECT_EQ(first.rejected[0].findings[0].code, Code::not_found);
  EXPECT_EQ(first.rejected[1].findings[0].field, "orders[3].amount");
  EXPECT_EQ(first.rejected[2].findings[0].field, "orders[4].state");
  EXPECT_EQ(first.rejected[2].findings[0].reason, "state_transition");
  EXPECT_EQ(progress.back(), reports.size());
  EXPECT_EQ(c.company.order(admin(), "B-1").history.size(), 2u);
  EXPECT_EQ(c.company.activity(admin(), c.ben, "2026-12").orders, 1u);
  EXPECT_THROW(c.company.order(admin(), "B-3"), NotFound);

  // The same file again: nothing new.
  const EventSeq before = c.company.last_event();
  const OrderBatchReport again = c.company.report_orders(admin(), reports);
  EXPECT_EQ(again.created + again.changed, 0u);
  EXPECT_EQ(again.unchanged, 3u);
  EXPECT_FALSE(again.seq);
  EXPECT_EQ(c.company.last_event(), before);

  // A progress that throws leaves nothing written.
  std::vector<OrderReport> many;
  for (int i = 0; i < 5000; ++i)
    many.push_back(
        order("M-" + std::to_string(i), c.ana, OrderState::placed, "2026-11-20T10:00:00Z"));
  EXPECT_THROW(
      c.company.report_orders(admin(), many,
                              [](std::size_t, std::size_t) { throw std::runtime_error("stop"); }),
      Aborted);
  EXPECT_EQ(c.company.last_event(), before);
  EXPECT_THROW(c.company.order(admin(), "M-0"), NotFound);
}

TEST(Orders, ALeaderSeesTheOrdersOfTheirDownlineOnly) {
  Cycle c;
  c.november_and_december();
  c.company.report_order(admin(), order("A", c.ana, OrderState::placed, "2026-11-10T10:00:00Z"));
  c.company.report_order(admin(), order("B", c.ben, OrderState::placed, "2026-11-10T10:00:00Z"));
  EXPECT_EQ(c.company.order(Actor::of_person(c.ana), "B").owner, c.ben);
  EXPECT_THROW(c.company.order(Actor::of_person(c.ben), "A"), PermissionDenied);
  EXPECT_THROW(c.company.activity(Actor::of_person(c.ben), c.ana, "2026-11"), PermissionDenied);
  EXPECT_THROW(c.company.activity(admin(), c.ana, "1999"), NotFound);
}

TEST(Orders, SurviveAReopenAndReachAnotherProcess) {
  const std::string uri = "sqlite:" + temp_db("cycle");
  {
    Cycle c(config_in("America/Bogota"), uri);
    c.november_and_december();
    c.company.report_order(
        admin(), order("A", c.ana, OrderState::paid, "2026-11-10T10:00:00Z", "100", "10"));
    Company other = Company::open(uri, config_in("America/Bogota"));
    c.company.report_order(
        admin(), order("B", c.ana, OrderState::placed, "2026-11-11T10:00:00Z", "40", "4"));
    // The other Company catches up with what this one wrote.
    EXPECT_EQ(other.activity(admin(), c.ana, "2026-11").personal_volume, Decimal::parse("14"));
    EXPECT_EQ(other.campaigns().size(), 2u);
    c.company.report_order(
        admin(), order("B", {}, OrderState::cancelled, "2026-11-12T10:00:00Z", "40", "4"));
    EXPECT_EQ(other.activity(admin(), c.ana, "2026-11").personal_volume, Decimal::parse("10"));
  }
  Company reopened = Company::open(uri, config_in("America/Bogota"));
  const PersonId ana = *reopened.find_person(admin(), "ext-ana");
  const CampaignActivity a = reopened.activity(admin(), ana, "2026-11");
  EXPECT_EQ(a.orders, 1u);
  EXPECT_EQ(a.personal_volume, Decimal::parse("10"));
  EXPECT_EQ(reopened.campaigns()[0].ends_at, at("2026-12-01T05:00:00Z"));
  // The first purchase is remembered: a new paid order is none.
  EXPECT_FALSE(
      reopened.report_order(admin(), order("C", ana, OrderState::paid, "2026-11-13T10:00:00Z"))
          .first_purchase);
}

}  // namespace
}  // namespace downline::testing

namespace downline::testing {
namespace {

// An Avon-style calendar (issue 6): inactive after 3 campaigns without an
// order; back for free within 5, with a fee from 6 to 13, re-appointment
// after 13. Weekly campaigns from Monday 2026-01-05, UTC.
constexpr const char* kAvon = R"(, "commercial_states": [
    {"id": "active", "after_campaigns_without_order": 0},
    {"id": "at_risk", "after_campaigns_without_order": 1},
    {"id": "inactive", "after_campaigns_without_order": 3, "inactivates": true}],
  "reinstatement": {"free_within": 5, "fee_within": 13})";

struct Avon {
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(at("2025-12-15T12:00:00Z"));
  Company company;
  PersonId ana, ben, cid, dan;
  std::vector<Campaign> weeks;

  explicit Avon(const std::string& uri = "memory:")
      : company(Company::open(uri, config_in("UTC", kAvon), OpenOptions{clock})) {
    ana = company.enroll(admin(), request("ana")).person;
    ben = company.enroll(admin(), request("ben", ana)).person;
    cid = company.enroll(admin(), request("cid", ana)).person;
    dan = company.enroll(admin(), request("dan", ana)).person;
    std::vector<CampaignSpec> specs;
    LocalDate day{2026, 1, 5};
    for (int w = 1; w <= 20; ++w) {
      const Instant start = Instant::parse_rfc3339(day.to_string() + "T00:00:00Z");
      const LocalDate last = utc_date(Instant{start.micros_since_epoch + 6LL * 86400 * 1'000'000});
      specs.push_back({"w" + std::to_string(w), day, last});
      day = utc_date(Instant{start.micros_since_epoch + 7LL * 86400 * 1'000'000});
    }
    weeks = company.add_campaigns(admin(), specs);
  }
  // An order of `who` on the campaign's second day.
  OrderOutcome buy(PersonId who, int week, const std::string& id) {
    const Instant when{weeks[week - 1].starts_at.micros_since_epoch + 86400LL * 1'000'000};
    clock->set(when);
    OrderReport r;
    r.id = id;
    r.owner = who;
    r.at = when;
    r.amount = Decimal::parse("100");
    r.volume = Decimal::parse("10");
    return company.report_order(admin(), r);
  }
  CampaignSummary close(int week) {
    clock->set(weeks[week - 1].ends_at);
    return company.close_campaign(admin(), weeks[week - 1].id);
  }
  std::string state(PersonId p) const { return company.person(admin(), p).commercial_state; }
  Status status(PersonId p) const { return company.person(admin(), p).status; }
};

TEST(CommercialStates, AnAvonCalendarWalkedCampaignByCampaign) {
  Avon a;
  a.company.set_vip(admin(), a.dan, true);
  for (PersonId p : {a.ana, a.ben, a.cid, a.dan}) a.buy(p, 1, "w1-" + std::to_string(p.value()));
  CampaignSummary s = a.close(1);
  EXPECT_EQ(s.state_changes, 4u);
  EXPECT_EQ(a.state(a.ana), "active");

  // Week 2: Ana orders, then returns it before the close: no activity left.
  a.buy(a.ana, 2, "w2-ana");
  OrderReport back;
  back.id = "w2-ana";
  back.state = OrderState::cancelled;
  back.at = Instant{a.weeks[1].starts_at.micros_since_epoch + 2 * 86400LL * 1'000'000};
  a.company.report_order(admin(), back);
  s = a.close(2);
  EXPECT_EQ(s.state_changes, 4u);
  for (PersonId p : {a.ana, a.ben, a.cid, a.dan}) EXPECT_EQ(a.state(p), "at_risk");
  s = a.close(3);  // two without an order: still at risk
  EXPECT_EQ(s.state_changes, 0u);
  EXPECT_EQ(a.state(a.ben), "at_risk");
  EXPECT_EQ(a.status(a.ben), Status::active);

  s = a.close(4);  // three: inactive, the VIP excepted from the inactivation
  EXPECT_EQ(s.state_changes, 4u);
  EXPECT_EQ(s.inactivated, 3u);
  ASSERT_EQ(s.commercial_states.size(), 1u);
  EXPECT_EQ(s.commercial_states[0], (std::pair<std::string, std::uint64_t>{"inactive", 4}));
  for (PersonId p : {a.ana, a.ben, a.cid}) EXPECT_EQ(a.status(p), Status::inactive);
  EXPECT_EQ(a.state(a.dan), "inactive");
  EXPECT_EQ(a.status(a.dan), Status::active);
  for (int w = 5; w <= 6; ++w) EXPECT_EQ(a.close(w).state_changes, 0u);

  // Week 7: five closed weeks without an order (2..6): back for free.
  OrderOutcome o = a.buy(a.ana, 7, "w7-ana");
  EXPECT_EQ(o.reinstatement, "free");
  EXPECT_EQ(a.status(a.ana), Status::active);
  EXPECT_EQ(a.state(a.ana), "active");
  a.close(7);
  // Week 8: six without (2..7): back, with the fee flagged.
  o = a.buy(a.ben, 8, "w8-ben");
  EXPECT_EQ(o.reinstatement, "fee");
  EXPECT_EQ(a.status(a.ben), Status::active);
  for (int w = 8; w <= 15; ++w) a.close(w);
  // Week 16: fourteen without (2..15): too long, re-appointment.
  o = a.buy(a.cid, 16, "w16-cid");
  EXPECT_EQ(o.reinstatement, "reappointment");
  EXPECT_EQ(a.status(a.cid), Status::inactive);
  EXPECT_EQ(a.company.activity(admin(), a.cid, "w16").orders, 1u);
  // The KPIs count the re-entries: Ana in week 7, Ben in week 8, no one in
  // week 16 (a re-appointment is a new enrollment).
  const auto reentries = [&](const char* week) {
    KpiQuery q;
    q.campaign = week;
    return a.company.kpis(admin(), q).reentries;
  };
  EXPECT_EQ(reentries("w7"), 1u);
  EXPECT_EQ(reentries("w8"), 1u);
  EXPECT_EQ(reentries("w16"), 0u);
  EXPECT_EQ(reentries("w6"), 0u);
  // Ana ordered in week 7 only: at risk again after 8, inactive after 10.
  // The closes' states, each with the campaigns without an order it counted.
  std::vector<std::string> ana_states;
  for (const CommercialStateChange& c : a.company.commercial_state_history(admin(), a.ana))
    ana_states.push_back(c.campaign + ":" + c.previous_state + ">" + c.state + "/" +
                         std::to_string(c.campaigns_without_order));
  EXPECT_EQ(ana_states,
            (std::vector<std::string>{"w1:>active/0", "w2:active>at_risk/1",
                                      "w4:at_risk>inactive/3", "w7:inactive>active/0",
                                      "w8:active>at_risk/1", "w10:at_risk>inactive/3"}));
  EXPECT_THROW(a.company.commercial_state_history(admin(), PersonId{99}), NotFound);
  EXPECT_EQ(a.status(a.ana), Status::inactive);
  EXPECT_TRUE(a.company.verify(admin()).ok);
}

TEST(CommercialStates, ANewcomerCountsFromTheCampaignTheyJoinedIn) {
  Avon a;
  for (PersonId p : {a.ana, a.ben, a.cid, a.dan}) a.buy(p, 1, "w1-" + std::to_string(p.value()));
  a.close(1);
  // Eve joins in week 2 and never orders: at risk after week 2, inactive after 4.
  a.clock->set(Instant{a.weeks[1].starts_at.micros_since_epoch + 3600LL * 1'000'000});
  const PersonId eve = a.company.enroll(admin(), request("eve", a.ana)).person;
  a.close(2);
  EXPECT_EQ(a.state(eve), "at_risk");
  a.close(3);
  a.close(4);
  EXPECT_EQ(a.state(eve), "inactive");
  EXPECT_EQ(a.status(eve), Status::inactive);
}

TEST(CommercialStates, SurviveAReopenAndKeepCounting) {
  const std::string uri = "sqlite:" + temp_db("avon");
  std::vector<Campaign> weeks;
  {
    Avon a(uri);
    weeks = a.weeks;
    for (PersonId p : {a.ana, a.ben}) a.buy(p, 1, "w1-" + std::to_string(p.value()));
    a.close(1);
    a.close(2);
    EXPECT_EQ(a.state(a.ana), "at_risk");
  }
  auto clock = std::make_shared<ManualClock>(weeks[3].ends_at);
  Company reopened = Company::open(uri, config_in("UTC", kAvon), OpenOptions{clock});
  const PersonId ana = *reopened.find_person(admin(), "ext-ana");
  EXPECT_EQ(reopened.person(admin(), ana).commercial_state, "at_risk");
  // Cid and Dan never ordered: weeks 1 to 3 without an order.
  EXPECT_EQ(reopened.close_campaign(admin(), "w3").inactivated, 2u);
  // Ana and Ben: weeks 2, 3 and 4; the count went on across the reopen.
  const CampaignSummary s = reopened.close_campaign(admin(), "w4");
  EXPECT_EQ(reopened.person(admin(), ana).commercial_state, "inactive");
  EXPECT_EQ(reopened.person(admin(), ana).status, Status::inactive);
  EXPECT_EQ(s.inactivated, 2u);
  // Back with an order after the last close: the next open finds her in the
  // state of those who order, though the closes keep their states as columns.
  clock->set(Instant{weeks[4].starts_at.micros_since_epoch + 86400LL * 1'000'000});
  OrderReport r;
  r.id = "w5-ana";
  r.owner = ana;
  r.at = clock->now();
  r.volume = Decimal::parse("10");
  EXPECT_EQ(reopened.report_order(admin(), r).reinstatement, "free");
  Company again = Company::open(uri, config_in("UTC", kAvon), OpenOptions{clock});
  EXPECT_EQ(again.person(admin(), ana).commercial_state, "active");
  EXPECT_EQ(again.person(admin(), ana).status, Status::active);
  const PersonId cid = *again.find_person(admin(), "ext-cid");
  EXPECT_EQ(again.person(admin(), cid).commercial_state, "inactive");
}

}  // namespace
}  // namespace downline::testing
