// The KPIs of a campaign (issue 6 §5) and the genealogy list filtered by
// orders and traffic light (seed 002 §7.2.1.3, seed 000 §7.3.1), with worked
// numbers on a five-person network:
//
//   ana (north, 150 PV)
//   ├── ben (north, 60 PV)
//   │   ├── dan (customer, 40 PV, joined in October)
//   │   └── eve (no zone, a draft only, joined in October)
//   └── cid (south, no order)
#include <downline/downline.hpp>

#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace downline::testing {
namespace {

constexpr const char* kKpiConfig = R"({
  "company": {"name": "Kpi", "currency": "USD", "time_zone": "UTC"},
  "commercial_states": [{"id": "ordering", "after_campaigns_without_order": 0},
                        {"id": "watch", "after_campaigns_without_order": 1}],
  "traffic_light": {"measure": "personal_volume", "green": "100", "yellow": "50"}
})";

Instant at(const char* text) {
  return Instant::parse_rfc3339(text);
}

std::pair<std::string, std::uint64_t> n(const char* key, std::uint64_t count) {
  return {key, count};
}

struct Network {
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(at("2026-09-15T12:00:00Z"));
  Company company;
  PersonId ana, ben, cid, dan, eve;

  explicit Network(const std::string& uri = "memory:")
      : company(Company::open(uri, kKpiConfig, OpenOptions{clock})) {
    ana = enroll("ana", {}, "north");
    ben = enroll("ben", ana, "north");
    cid = enroll("cid", ana, "south");
    const CampaignSpec specs[] = {{"oct", {2026, 10, 1}, {2026, 10, 31}},
                                  {"nov", {2026, 11, 1}, {2026, 11, 30}}};
    company.add_campaigns(admin(), specs);
    clock->set(at("2026-10-05T12:00:00Z"));
    dan = enroll("dan", ben, "", CustomerType::customer);
    eve = enroll("eve", ben, "");
    buy("o-ana", ana, "150", OrderState::paid);
    buy("o-ben", ben, "60", OrderState::paid);
    buy("o-dan", dan, "40", OrderState::paid);
    buy("o-eve", eve, "80", OrderState::draft);
  }
  PersonId enroll(const std::string& name, PersonId sponsor, const std::string& zone,
                  CustomerType type = CustomerType::consultant) {
    EnrollmentRequest r = request(name, sponsor, type);
    r.person.zone = zone;
    return company.enroll(admin(), r).person;
  }
  void buy(const std::string& id, PersonId owner, const char* volume, OrderState state) {
    OrderReport r;
    r.id = id;
    r.owner = owner;
    r.state = state;
    r.at = clock->now();
    r.volume = Decimal::parse(volume);
    r.amount = Decimal::parse(volume) * Decimal::from_integer(10);
    company.report_order(admin(), r);
  }
  CampaignKpis kpis(std::optional<PersonId> root = {}, const Actor& actor = admin()) const {
    KpiQuery q;
    q.campaign = "oct";
    q.root = root;
    return company.kpis(actor, q);
  }
};

// The figures of the whole network in October, as the worked example says.
void expect_october(const CampaignKpis& k) {
  EXPECT_EQ(k.persons, 5u);
  EXPECT_EQ(k.consultants, 4u);
  EXPECT_EQ(k.customers, 1u);
  EXPECT_EQ(k.active, 4u);
  EXPECT_EQ(k.inactive, 0u);
  EXPECT_EQ(k.new_consultants, 1u);  // eve
  EXPECT_EQ(k.new_customers, 1u);    // dan
  EXPECT_EQ(k.with_orders, 2u);      // ana, ben
  EXPECT_EQ(k.without_orders, 2u);   // cid, eve (a draft does not count)
  EXPECT_EQ(k.persons_with_orders, 3u);
  EXPECT_EQ(k.orders, 3u);
  EXPECT_EQ(k.with_drafts, 1u);
  EXPECT_EQ(k.group_volume, Decimal::parse("250"));
  EXPECT_EQ(k.amount, Decimal::parse("2500"));
  ASSERT_EQ(k.levels.size(), 3u);
  EXPECT_EQ(k.levels[0].persons, 1u);
  EXPECT_EQ(k.levels[1].persons, 2u);
  EXPECT_EQ(k.levels[1].with_orders, 1u);
  EXPECT_EQ(k.levels[1].volume, Decimal::parse("60"));
  EXPECT_EQ(k.levels[2].persons, 2u);
  EXPECT_EQ(k.levels[2].consultants, 1u);
  EXPECT_EQ(k.levels[2].active, 1u);
  EXPECT_EQ(k.levels[2].volume, Decimal::parse("40"));
  // Green from 100, yellow from 50: ana green, ben yellow, cid and eve red.
  EXPECT_EQ(k.traffic_lights, (std::vector{n("green", 1), n("yellow", 1), n("red", 2)}));
  ASSERT_EQ(k.top_sellers.size(), 3u);
  EXPECT_EQ(k.top_sellers[0].person, PersonId{1});
  EXPECT_EQ(k.top_sellers[0].zone, "north");
  EXPECT_EQ(k.top_sellers[0].volume, Decimal::parse("150"));
  EXPECT_EQ(k.top_sellers[0].amount, Decimal::parse("1500"));
  EXPECT_EQ(k.top_sellers[1].person, PersonId{2});
  EXPECT_EQ(k.top_sellers[2].person, PersonId{4});
  // Ben brought dan and eve in October; ana's recruits joined before.
  ASSERT_EQ(k.top_recruiters.size(), 1u);
  EXPECT_EQ(k.top_recruiters[0].person, PersonId{2});
  EXPECT_EQ(k.top_recruiters[0].recruits, 2u);
  ASSERT_EQ(k.zones.size(), 3u);
  EXPECT_EQ(k.zones[0].zone, "");
  EXPECT_EQ(k.zones[0].consultants, 1u);
  EXPECT_FALSE(k.zones[0].top_seller);
  EXPECT_EQ(k.zones[1].zone, "north");
  EXPECT_EQ(k.zones[1].consultants, 2u);
  EXPECT_EQ(k.zones[1].with_orders, 2u);
  EXPECT_EQ(k.zones[1].volume, Decimal::parse("210"));
  EXPECT_EQ(k.zones[1].top_seller, PersonId{1});
  EXPECT_EQ(k.zones[2].zone, "south");
  EXPECT_EQ(k.zones[2].with_orders, 0u);
}

TEST(Kpis, TheWholeNetworkInAnOpenCampaign) {
  Network w;
  const CampaignKpis k = w.kpis();
  EXPECT_FALSE(k.closed);
  EXPECT_FALSE(k.root);
  EXPECT_EQ(k.personal_volume, Decimal());
  expect_october(k);
  EXPECT_TRUE(k.commercial_states.empty());  // no close yet
}

TEST(Kpis, APersonsNetworkAndWhatAConsultantSees) {
  Network w;
  const CampaignKpis k = w.kpis(w.ben);
  EXPECT_EQ(k.root, w.ben);
  EXPECT_EQ(k.persons, 3u);
  EXPECT_EQ(k.personal_volume, Decimal::parse("60"));
  EXPECT_EQ(k.group_volume, Decimal::parse("100"));
  ASSERT_EQ(k.levels.size(), 2u);
  EXPECT_EQ(k.levels[0].persons, 1u);
  EXPECT_EQ(k.levels[1].persons, 2u);
  EXPECT_EQ(k.traffic_lights, (std::vector{n("yellow", 1), n("red", 1)}));
  // Ben himself, without a root: his network; ana's is not his to see.
  const Actor ben = Actor::of_person(w.ben, "ben");
  EXPECT_EQ(w.kpis({}, ben).persons, 3u);
  EXPECT_THROW(w.kpis(w.ana, ben), PermissionDenied);
  EXPECT_THROW(w.kpis(PersonId{99}), NotFound);
  KpiQuery q;
  q.campaign = "dec";
  EXPECT_THROW(w.company.kpis(admin(), q), NotFound);
  q.campaign = "oct";
  q.top = 1001;
  EXPECT_THROW(w.company.kpis(admin(), q), InvalidArgument);
  q.top = 1;
  EXPECT_EQ(w.company.kpis(admin(), q).top_sellers.size(), 1u);
}

TEST(Kpis, AClosedCampaignAnswersAsItsCloseDecided) {
  const std::string uri = "sqlite:" + temp_db("kpis-closed");
  {
    Network w(uri);
    w.clock->set(at("2026-11-02T00:00:00Z"));
    w.company.close_campaign(admin(), "oct");
    // After the close: a newcomer and a November order change nothing of October.
    w.enroll("fay", w.cid, "south");
    w.buy("o-cid", w.cid, "500", OrderState::paid);
    const CampaignKpis k = w.kpis();
    EXPECT_TRUE(k.closed);
    expect_october(k);
    EXPECT_EQ(k.commercial_states, (std::vector{n("ordering", 2), n("watch", 2)}));
  }
  auto clock = std::make_shared<ManualClock>(at("2026-11-03T00:00:00Z"));
  Company reopened = Company::open(uri, kKpiConfig, OpenOptions{clock});
  KpiQuery q;
  q.campaign = "oct";
  const CampaignKpis k = reopened.kpis(admin(), q);
  expect_october(k);
  EXPECT_EQ(k.commercial_states, (std::vector{n("ordering", 2), n("watch", 2)}));
  q.campaign = "nov";
  const CampaignKpis nov = reopened.kpis(admin(), q);
  EXPECT_EQ(nov.persons, 6u);
  EXPECT_EQ(nov.group_volume, Decimal::parse("500"));
  EXPECT_EQ(nov.new_consultants, 1u);
  ASSERT_EQ(nov.top_recruiters.size(), 1u);
  EXPECT_EQ(nov.top_recruiters[0].person, PersonId{3});
}

TEST(GenealogyList, TheConsultantsWithoutAnOrderToCall) {
  Network w;
  GenealogyListQuery q;
  q.campaign = "oct";
  q.with_orders = false;
  GenealogyList list = w.company.genealogy_list(admin(), q);
  // Pre-order: ana, ben, dan, eve, cid.
  ASSERT_EQ(list.total, 2u);
  ASSERT_EQ(list.entries.size(), 2u);
  EXPECT_EQ(list.entries[0].person, w.eve);
  EXPECT_EQ(list.entries[0].level, 2u);
  EXPECT_EQ(list.entries[0].drafts, 1u);
  EXPECT_EQ(list.entries[0].light, TrafficLight::red);
  EXPECT_EQ(list.entries[1].person, w.cid);
  q.limit = 1;
  list = w.company.genealogy_list(admin(), q);
  EXPECT_EQ(list.total, 2u);
  EXPECT_EQ(list.entries.size(), 1u);

  q = {};
  q.campaign = "oct";
  q.with_orders = true;
  list = w.company.genealogy_list(admin(), q);
  ASSERT_EQ(list.entries.size(), 3u);
  EXPECT_EQ(list.entries[2].person, w.dan);
  EXPECT_EQ(list.entries[2].type, CustomerType::customer);
  EXPECT_EQ(list.entries[2].light, TrafficLight::none);
  EXPECT_EQ(list.entries[2].personal_volume, Decimal::parse("40"));

  q = {};
  q.campaign = "oct";
  q.lights = {TrafficLight::green, TrafficLight::yellow};
  list = w.company.genealogy_list(admin(), q);
  ASSERT_EQ(list.entries.size(), 2u);
  EXPECT_EQ(list.entries[0].person, w.ana);
  EXPECT_EQ(list.entries[0].light, TrafficLight::green);
  EXPECT_EQ(list.entries[1].light, TrafficLight::yellow);

  q = {};
  q.campaign = "oct";
  q.root = w.ana;
  q.max_depth = 1;
  EXPECT_EQ(w.company.genealogy_list(admin(), q).total, 3u);
}

// The light may judge the amount or the number of orders instead.
TEST(GenealogyList, TheTrafficLightJudgesTheConfiguredMeasure) {
  const auto lights = [](const char* light) {
    std::string config = kKpiConfig;
    const std::string pv =
        R"("traffic_light": {"measure": "personal_volume", "green": "100", "yellow": "50"})";
    config.replace(config.find(pv), pv.size(), light);
    Network w;
    Company c = Company::open("memory:", config, OpenOptions{w.clock});
    // Ana two orders of 10 PV (amount 100 each), Ben one of 90 PV (amount 900).
    const PersonId ana = c.enroll(admin(), request("ana")).person;
    const PersonId ben = c.enroll(admin(), request("ben", ana)).person;
    const CampaignSpec oct[] = {{"oct", {2026, 10, 1}, {2026, 10, 31}}};
    c.add_campaigns(admin(), oct);
    int n = 0;
    for (auto [who, volume] : {std::pair{ana, "10"}, std::pair{ana, "10"}, std::pair{ben, "90"}}) {
      OrderReport r;
      r.id = "o" + std::to_string(++n);
      r.owner = who;
      r.at = w.clock->now();
      r.volume = Decimal::parse(volume);
      r.amount = Decimal::parse(volume) * Decimal::from_integer(10);
      c.report_order(admin(), r);
    }
    GenealogyListQuery q;
    q.campaign = "oct";
    std::vector<std::string> out;
    for (const GenealogyListEntry& e : c.genealogy_list(admin(), q).entries)
      out.emplace_back(to_string(e.light));
    return out;
  };
  EXPECT_EQ(lights(R"("traffic_light": {"measure": "orders", "green": 2, "yellow": 1})"),
            (std::vector<std::string>{"green", "yellow"}));
  EXPECT_EQ(lights(R"("traffic_light": {"measure": "amount", "green": "500", "yellow": "150"})"),
            (std::vector<std::string>{"yellow", "green"}));
  EXPECT_EQ(
      lights(R"("traffic_light": {"measure": "personal_volume", "green": "90", "yellow": "21"})"),
      (std::vector<std::string>{"red", "green"}));
}

TEST(GenealogyList, RefusesABadTrafficLightConfiguration) {
  expect_config_error(R"({"traffic_light": {"measure": "mood", "green": "1", "yellow": "0"}})",
                      "traffic_light.measure");
  expect_config_error(R"({"traffic_light": {"green": "10", "yellow": "20"}})",
                      "traffic_light.yellow");
  expect_config_error(R"({"traffic_light": {"green": "10"}})", "traffic_light.yellow");
  expect_config_error(R"({"traffic_light": {"green": "ten", "yellow": "1"}})",
                      "traffic_light.green");
  expect_config_error(R"({"traffic_light": {"measure": "orders", "green": 3, "yellow": 1.5}})",
                      "traffic_light.yellow");
  expect_config_error(R"({"traffic_light": {"green": "10", "yellow": "1", "red": "0"}})",
                      "traffic_light.red");
}

}  // namespace
}  // namespace downline::testing

namespace downline::testing {
namespace {

// The writing connection's page cache is bounded, and a bad bound refused.
TEST(OpenOptions, RefuseAWriteCacheOutOfRange) {
  for (int mib : {0, -5, 65537}) {
    OpenOptions options;
    options.write_cache_mib = mib;
    try {
      Company::open("sqlite:" + temp_db("cache"), kConfig, options);
      ADD_FAILURE() << mib << " accepted";
    } catch (const InvalidArgument& e) {
      EXPECT_EQ(e.field(), "write_cache_mib");
    }
  }
  OpenOptions small;
  small.write_cache_mib = 1;
  Company company = Company::open("sqlite:" + temp_db("cache"), kConfig, small);
  EXPECT_TRUE(company.enroll(admin(), request("ana")).person);
}

}  // namespace
}  // namespace downline::testing
