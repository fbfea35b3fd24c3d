// Ranks at a campaign's close (issue 6 §4): a career plan walked with worked
// numbers — personal and group volume, a per-leg cap, active recruits, legs
// holding a rank, campaigns in a row — each decision with its explanation,
// promotions into the rank history, and the close's digest across stores.
#include <downline/downline.hpp>

#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <stdexcept>
#include <string>

namespace downline::testing {
namespace {

// bronze: PV 100. silver: PV 100, GV 1000, 2 active recruits. gold: PV 100,
// GV 3000 counting at most 1500 per leg, 2 legs holding silver, 2 campaigns
// in a row.
constexpr const char* kCareer = R"({"company": {"name": "Career", "time_zone": "UTC"},
  "ranks": [
    {"id": "bronze", "requirements": {"personal_volume": "100"}},
    {"id": "silver", "requirements": {"personal_volume": "100", "group_volume": "1000",
                                      "active_recruits": 2}},
    {"id": "gold", "requirements": {"personal_volume": 100, "group_volume": "3000",
                                    "max_per_leg": "1500", "legs": {"rank": "silver", "count": 2},
                                    "consecutive_campaigns": 2}},
    {"id": "founder"}]})";

// Ana sponsors Ben, Cid and Dan; Ben sponsors Eve and Fay; Cid sponsors Gus
// and Hal. Weekly campaigns from Monday 2026-01-05, UTC.
struct Career {
  std::shared_ptr<ManualClock> clock =
      std::make_shared<ManualClock>(Instant::parse_rfc3339("2025-12-15T12:00:00Z"));
  Company company;
  std::map<std::string, PersonId> p;
  std::vector<Campaign> weeks;
  int orders = 0;

  explicit Career(const std::string& uri = "memory:", const std::string& config = kCareer)
      : company(Company::open(uri, config, OpenOptions{clock})) {
    p["ana"] = company.enroll(admin(), request("ana")).person;
    for (const char* n : {"ben", "cid", "dan"})
      p[n] = company.enroll(admin(), request(n, p["ana"])).person;
    for (const char* n : {"eve", "fay"})
      p[n] = company.enroll(admin(), request(n, p["ben"])).person;
    for (const char* n : {"gus", "hal"})
      p[n] = company.enroll(admin(), request(n, p["cid"])).person;
    std::vector<CampaignSpec> specs;
    LocalDate day{2026, 1, 5};
    for (int w = 1; w <= 6; ++w) {
      const Instant start = Instant::parse_rfc3339(day.to_string() + "T00:00:00Z");
      specs.push_back({"w" + std::to_string(w), day,
                       utc_date(Instant{start.micros_since_epoch + 6LL * 86400 * 1'000'000})});
      day = utc_date(Instant{start.micros_since_epoch + 7LL * 86400 * 1'000'000});
    }
    weeks = company.add_campaigns(admin(), specs);
  }
  // One counted order per name in `volumes` in week `w`, then the close.
  CampaignSummary week(int w, const std::map<std::string, const char*>& volumes) {
    const Instant when{weeks[w - 1].starts_at.micros_since_epoch + 86400LL * 1'000'000};
    clock->set(when);
    std::vector<OrderReport> reports;
    for (const auto& [who, volume] : volumes) {
      OrderReport r;
      r.id = "o" + std::to_string(++orders);
      r.owner = p.at(who);
      r.at = when;
      r.amount = Decimal::parse("10");
      r.volume = Decimal::parse(volume);
      reports.push_back(r);
    }
    EXPECT_TRUE(company.report_orders(admin(), reports).rejected.empty());
    clock->set(weeks[w - 1].ends_at);
    return company.close_campaign(admin(), weeks[w - 1].id);
  }
  RankReport report(const std::string& who, int w) {
    return company.rank_report(admin(), p.at(who), weeks[w - 1].id);
  }
};

const RankRequirementResult& requirement(const RankReport& r, const std::string& rank,
                                         const std::string& what) {
  for (const RankEvaluation& e : r.ranks)
    if (e.rank == rank)
      for (const RankRequirementResult& q : e.requirements)
        if (q.requirement == what) return q;
  ADD_FAILURE() << "no " << rank << "." << what << " in\n" << r.text();
  static const RankRequirementResult none;
  return none;
}

bool met(const RankReport& r, const std::string& rank) {
  for (const RankEvaluation& e : r.ranks)
    if (e.rank == rank) return e.met;
  ADD_FAILURE() << "no rank " << rank;
  return false;
}

void expect_requirement(const RankReport& r, const std::string& rank, const std::string& what,
                        const char* actual, const char* required, bool ok) {
  SCOPED_TRACE(rank + "." + what);
  const RankRequirementResult& q = requirement(r, rank, what);
  EXPECT_EQ(q.actual, Decimal::parse(actual)) << r.text();
  EXPECT_EQ(q.required, Decimal::parse(required));
  EXPECT_EQ(q.met, ok);
}

// Week 1 of the worked example: Dan does not order.
const std::map<std::string, const char*> kWeek1 = {{"ana", "150"}, {"ben", "200"}, {"cid", "300"},
                                                   {"eve", "500"}, {"fay", "400"}, {"gus", "600"},
                                                   {"hal", "150"}};

TEST(Ranks, AWorkedCampaignExplainsEachRequirement) {
  Career c;
  const CampaignSummary s = c.week(1, kWeek1);
  // Eve, Fay, Gus, Hal: bronze. Ben (GV 1100, Eve and Fay) and Cid (GV 1050,
  // Gus and Hal): silver. Ana: GV 2300, recruits Ben and Cid (Dan has no
  // order): silver.
  EXPECT_EQ(s.paid_as,
            (std::vector<std::pair<std::string, std::uint64_t>>{{"bronze", 4}, {"silver", 3}}));
  EXPECT_EQ(s.promotions, 7u);
  EXPECT_EQ(s.digest.size(), 64u);

  RankReport ana = c.report("ana", 1);
  EXPECT_TRUE(ana.evaluated);
  EXPECT_EQ(ana.paid_as, "silver");
  EXPECT_EQ(ana.highest, "silver");
  ASSERT_EQ(ana.ranks.size(), 3u);  // founder has no requirements: the close never gives it
  EXPECT_TRUE(met(ana, "bronze"));
  EXPECT_TRUE(met(ana, "silver"));
  EXPECT_FALSE(met(ana, "gold"));
  expect_requirement(ana, "silver", "group_volume", "2300", "1000", true);
  expect_requirement(ana, "silver", "active_recruits", "2", "2", true);
  // Gold: the capped group volume is short, the legs are there, and no
  // campaign in a row yet.
  expect_requirement(ana, "gold", "personal_volume", "150", "100", true);
  expect_requirement(ana, "gold", "group_volume", "2300", "3000", false);
  EXPECT_EQ(requirement(ana, "gold", "group_volume").max_per_leg, Decimal::parse("1500"));
  expect_requirement(ana, "gold", "legs", "2", "2", true);
  EXPECT_EQ(requirement(ana, "gold", "legs").leg_rank, "silver");
  expect_requirement(ana, "gold", "consecutive_campaigns", "0", "2", false);
  const std::string card = ana.text();
  EXPECT_NE(card.find("[ ] gold"), std::string::npos) << card;
  EXPECT_NE(card.find("[ ] group_volume  2300 of 3000 (at most 1500 per leg)"), std::string::npos)
      << card;

  // Dan ordered nothing: evaluated, nothing met, no rank.
  const RankReport dan = c.report("dan", 1);
  EXPECT_TRUE(dan.evaluated);
  EXPECT_EQ(dan.paid_as, "");
  expect_requirement(dan, "bronze", "personal_volume", "0", "100", false);
  EXPECT_EQ(c.company.person(admin(), c.p["ben"]).rank, "silver");
  EXPECT_EQ(c.company.person(admin(), c.p["dan"]).rank, "");
}

TEST(Ranks, TheLegCapAndTheStreakDecideGoldOverFourCampaigns) {
  Career c;
  c.week(1, kWeek1);
  // Week 2: Eve's 2000 lifts Ben's leg to 2600, but it counts 1500: Ana's
  // capped GV is 200 + 1500 + 1050 + 100 = 2850 of 3000 (uncapped 3950).
  auto w2 = kWeek1;
  w2["ana"] = "200";
  w2["eve"] = "2000";
  w2["dan"] = "100";
  c.week(2, w2);
  RankReport ana = c.report("ana", 2);
  expect_requirement(ana, "gold", "group_volume", "2850", "3000", false);
  expect_requirement(ana, "silver", "group_volume", "3950", "1000", true);
  expect_requirement(ana, "silver", "active_recruits", "3", "2", true);
  EXPECT_EQ(ana.paid_as, "silver");
  // Week 3: Dan's 250 brings it to 3000: every gold requirement but the
  // streak holds (week 2 did not qualify).
  auto w3 = w2;
  w3["dan"] = "250";
  c.week(3, w3);
  ana = c.report("ana", 3);
  expect_requirement(ana, "gold", "group_volume", "3000", "3000", true);
  expect_requirement(ana, "gold", "consecutive_campaigns", "1", "2", false);
  EXPECT_EQ(ana.paid_as, "silver");
  // Week 4: the second in a row: gold, and a promotion.
  const CampaignSummary s4 = c.week(4, w3);
  EXPECT_EQ(s4.promotions, 1u);
  ana = c.report("ana", 4);
  expect_requirement(ana, "gold", "consecutive_campaigns", "2", "2", true);
  EXPECT_EQ(ana.paid_as, "gold");
  EXPECT_EQ(ana.highest, "gold");
  EXPECT_EQ(c.company.person(admin(), c.p["ana"]).rank, "gold");
  const auto history = c.company.rank_history(admin(), c.p["ana"]);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].rank, "silver");
  EXPECT_EQ(history[0].campaign, "w1");
  EXPECT_EQ(history[1].rank, "gold");
  EXPECT_EQ(history[1].previous_rank, "silver");
  EXPECT_EQ(history[1].campaign, "w4");
  EXPECT_EQ(history[1].from, c.weeks[3].ends_at);

  // Week 5: Ana orders nothing: paid as nothing, still gold as her highest.
  auto w5 = w3;
  w5.erase("ana");
  const CampaignSummary s5 = c.week(5, w5);
  EXPECT_EQ(s5.promotions, 0u);
  ana = c.report("ana", 5);
  EXPECT_EQ(ana.paid_as, "");
  EXPECT_EQ(ana.highest, "gold");
  EXPECT_EQ(c.company.person(admin(), c.p["ana"]).rank, "gold");
  // The week-4 card still says what it said.
  EXPECT_EQ(c.report("ana", 4).paid_as, "gold");
}

TEST(Ranks, OnlyActiveConsultantsAreEvaluatedAndRecruited) {
  Career c;
  c.company.change_status(admin(), StatusChange{c.p["fay"], Status::inactive, "test"});
  c.week(1, kWeek1);
  const RankReport fay = c.report("fay", 1);
  EXPECT_FALSE(fay.evaluated);
  EXPECT_EQ(fay.paid_as, "");
  EXPECT_FALSE(met(fay, "bronze"));
  EXPECT_NE(fay.text().find("not evaluated"), std::string::npos);
  // Ben keeps Fay's volume in his group but not her as an active recruit.
  const RankReport ben = c.report("ben", 1);
  expect_requirement(ben, "silver", "group_volume", "1100", "1000", true);
  expect_requirement(ben, "silver", "active_recruits", "1", "2", false);
  EXPECT_EQ(ben.paid_as, "bronze");
}

TEST(Ranks, RefuseAReportCardForAnOpenCampaignOrAnUnknownPerson) {
  Career c;
  try {
    c.company.rank_report(admin(), c.p["ana"], "w1");
    ADD_FAILURE() << "an open campaign has no rank report";
  } catch (const FailedPrecondition& e) {
    EXPECT_EQ(e.field(), "campaign");
  }
  c.week(1, kWeek1);
  try {
    c.company.rank_report(admin(), PersonId{999}, "w1");
    ADD_FAILURE() << "unknown person";
  } catch (const NotFound& e) {
    EXPECT_EQ(e.field(), "person");
  }
  try {
    c.company.rank_report(admin(), c.p["ana"], "w9");
    ADD_FAILURE() << "unknown campaign";
  } catch (const NotFound& e) {
    EXPECT_EQ(e.field(), "campaign");
  }
  // A leader sees their own downline's cards only.
  const Actor ben = Actor::of_person(c.p["ben"], "ben");
  EXPECT_EQ(c.company.rank_report(ben, c.p["eve"], "w1").paid_as, "bronze");
  EXPECT_THROW(c.company.rank_report(ben, c.p["cid"], "w1"), PermissionDenied);
}

TEST(Ranks, TwoStoresClosingTheSameInputsShowTheSameDigest) {
  Career memory;
  Career sqlite("sqlite:" + temp_db("career-digest"));
  Career other;
  for (int w = 1; w <= 2; ++w) {
    const CampaignSummary a = memory.week(w, kWeek1);
    const CampaignSummary b = sqlite.week(w, kWeek1);
    auto changed = kWeek1;
    changed["hal"] = w == 1 ? "151" : "150";  // one order differs by one unit in week 1
    const CampaignSummary d = other.week(w, changed);
    EXPECT_EQ(a.digest, b.digest) << w;
    if (w == 1) {
      EXPECT_NE(a.digest, d.digest);
    }
    // Closing again changes nothing and returns the same digest.
    const CampaignSummary again = sqlite.company.close_campaign(admin(), sqlite.weeks[w - 1].id);
    EXPECT_TRUE(again.already_closed);
    EXPECT_EQ(again.digest, b.digest);
    EXPECT_EQ(again.paid_as, b.paid_as);
  }
}

TEST(Ranks, SurviveAReopenAndKeepTheirStreak) {
  const std::string uri = "sqlite:" + temp_db("career-reopen");
  std::vector<Campaign> weeks;
  auto w3 = kWeek1;
  w3["ana"] = "200";
  w3["eve"] = "2000";
  w3["dan"] = "250";
  {
    Career c(uri);
    weeks = c.weeks;
    c.week(1, w3);  // gold's requirements but the streak
  }
  auto clock = std::make_shared<ManualClock>(weeks[1].ends_at);
  Company reopened = Company::open(uri, kCareer, OpenOptions{clock});
  const PersonId ana = *reopened.find_person(admin(), "ext-ana");
  EXPECT_EQ(reopened.person(admin(), ana).rank, "silver");
  EXPECT_EQ(reopened.rank_report(admin(), ana, "w1").paid_as, "silver");
  // Week 2 without new orders: nobody qualifies, the streak breaks.
  reopened.close_campaign(admin(), "w2");
  const RankReport r = reopened.rank_report(admin(), ana, "w2");
  expect_requirement(r, "gold", "consecutive_campaigns", "0", "2", false);
  EXPECT_EQ(reopened.person(admin(), ana).rank, "silver");
}

TEST(Ranks, TheCloseReportsItsStagesAndAThrowingCallbackWritesNothing) {
  Career c;
  c.clock->set(c.weeks[0].ends_at);
  const EventSeq before = c.company.last_event();
  try {
    c.company.close_campaign(admin(), "w1", [](std::size_t done, std::size_t) {
      if (done == 3) throw std::runtime_error("stop");
    });
    ADD_FAILURE() << "the close went on";
  } catch (const Aborted& e) {
    EXPECT_NE(std::string(e.what()).find("stop"), std::string::npos);
  }
  EXPECT_EQ(c.company.last_event(), before);
  EXPECT_EQ(c.company.campaigns()[0].state, CampaignState::open);
  std::vector<std::size_t> stages;
  c.company.close_campaign(admin(), "w1", [&](std::size_t done, std::size_t total) {
    EXPECT_EQ(total, 4u);
    stages.push_back(done);
  });
  EXPECT_EQ(stages, (std::vector<std::size_t>{1, 2, 3, 4}));
  EXPECT_EQ(c.company.campaigns()[0].state, CampaignState::closed);
}

// Seed 002 §7.3.1: AA an average order above 300,000 and 6 consecutive
// campaigns or more; A above 300,000 and fewer; B below 300,000 and 6 or
// more; C below and fewer.
constexpr const char* kSegments = R"({"company": {"name": "Seg", "time_zone": "UTC"},
  "segments": [{"id": "AA"}, {"id": "A"}, {"id": "B"}, {"id": "C"}],
  "segmentation": [
    {"segment": "AA", "average_order": {"above": "300000"}, "consecutive_campaigns": {"at_least": 6}},
    {"segment": "A", "average_order": {"above": "300000"}, "consecutive_campaigns": {"below": 6}},
    {"segment": "B", "average_order": {"below": "300000"}, "consecutive_campaigns": {"at_least": 6}},
    {"segment": "C", "average_order": {"below": "300000"}, "consecutive_campaigns": {"below": 6}}]})";

TEST(Segments, TheSeedsAaABCExampleWalkedOverSixCampaigns) {
  Career c("memory:", kSegments);
  int next = 0;
  // Orders of `who` in week `w`, one per amount; then the close.
  auto week = [&](int w, const std::map<std::string, std::vector<const char*>>& amounts) {
    const Instant when{c.weeks[w - 1].starts_at.micros_since_epoch + 86400LL * 1'000'000};
    c.clock->set(when);
    std::vector<OrderReport> reports;
    for (const auto& [who, list] : amounts)
      for (const char* amount : list) {
        OrderReport r;
        r.id = "s" + std::to_string(++next);
        r.owner = c.p.at(who);
        r.at = when;
        r.amount = Decimal::parse(amount);
        r.volume = Decimal::parse("1");
        reports.push_back(r);
      }
    EXPECT_TRUE(c.company.report_orders(admin(), reports).rejected.empty());
    c.clock->set(c.weeks[w - 1].ends_at);
    return c.company.close_campaign(admin(), c.weeks[w - 1].id);
  };
  auto segment = [&](const char* who) { return c.company.person(admin(), c.p.at(who)).segment; };
  for (int w = 1; w <= 6; ++w) {
    std::map<std::string, std::vector<const char*>> amounts = {
        {"ana", {"400000"}},            // above 300,000 every week
        {"ben", {"200000", "300000"}},  // an average of 250,000 every week
        {"dan", {"300000"}}};           // exactly 300,000: neither above nor below
    if (w != 4) amounts["cid"] = {"500000", "300000.000001"};  // skips week 4
    const CampaignSummary s = week(w, amounts);
    SCOPED_TRACE(w);
    if (w < 6) {
      EXPECT_EQ(segment("ana"), "A");
      EXPECT_EQ(segment("ben"), "C");
    }
    if (w == 4) {
      EXPECT_EQ(segment("cid"), "");  // no order: no average
    }
    EXPECT_EQ(segment("dan"), "");
    EXPECT_EQ(segment("eve"), "");
    if (w == 6) {
      EXPECT_EQ(s.segments, (std::vector<std::pair<std::string, std::uint64_t>>{
                                {"AA", 1}, {"A", 1}, {"B", 1}}));
    }
  }
  EXPECT_EQ(segment("ana"), "AA");  // six in a row
  EXPECT_EQ(segment("ben"), "B");
  EXPECT_EQ(segment("cid"), "A");  // two in a row since week 4
}

TEST(Segments, SurviveAReopenAndRefuseBadRules) {
  const std::string uri = "sqlite:" + temp_db("segments");
  std::vector<Campaign> weeks;
  {
    Career c(uri, kSegments);
    weeks = c.weeks;
    c.week(1, {{"ana", "1"}});  // an order of 10 (below): C
    EXPECT_EQ(c.company.person(admin(), c.p["ana"]).segment, "C");
  }
  auto clock = std::make_shared<ManualClock>(weeks[0].ends_at);
  Company reopened = Company::open(uri, kSegments, OpenOptions{clock});
  EXPECT_EQ(reopened.person(admin(), *reopened.find_person(admin(), "ext-ana")).segment, "C");
  expect_config_error(R"({"segmentation": [{"segment": "Z"}]})", "segmentation[0].segment");
  expect_config_error(
      R"({"segments": [{"id": "A"}], "segmentation": [{"segment": "A", "average_order": {}}]})",
      "segmentation[0].average_order");
  expect_config_error(
      R"({"segments": [{"id": "A"}], "segmentation": [{"segment": "A", "average_order": {"over": "1"}}]})",
      "segmentation[0].average_order.over");
  expect_config_error(
      R"({"segments": [{"id": "A"}], "segmentation": [{"segment": "A", "consecutive_campaigns": {"below": -1}}]})",
      "segmentation[0].consecutive_campaigns.below");
}

TEST(Ranks, RefuseABadCareerPlanNamingTheField) {
  auto with = [](const std::string& ranks, const std::string& extra = "") {
    return R"({"ranks": [{"id": "silver"}, )" + ranks + "]" + extra + "}";
  };
  expect_config_error(
      with(R"({"id": "gold", "requirements": {"legs": {"rank": "platinum", "count": 1}}})"),
      "ranks[1].requirements.legs.rank");
  expect_config_error(with(R"({"id": "gold", "requirements": {"max_per_leg": "10"}})"),
                      "ranks[1].requirements.max_per_leg");
  expect_config_error(with(R"({"id": "gold", "requirements": {"personal_volume": "-1"}})"),
                      "ranks[1].requirements.personal_volume");
  expect_config_error(with(R"({"id": "gold", "requirements": {"personal_volume": "1.2345678"}})"),
                      "ranks[1].requirements.personal_volume");
  expect_config_error(with(R"({"id": "gold", "requirements": {"group_volume": true}})"),
                      "ranks[1].requirements.group_volume");
  expect_config_error(with(R"({"id": "gold", "requirements": {"active_recruits": -2}})"),
                      "ranks[1].requirements.active_recruits");
  expect_config_error(with(R"({"id": "gold", "requirements": {"consecutive_campaigns": 0}})"),
                      "ranks[1].requirements.consecutive_campaigns");
  expect_config_error(with(R"({"id": "gold", "requirements": {"legs": {"rank": "silver"}}})"),
                      "ranks[1].requirements.legs.count");
  expect_config_error(with(R"({"id": "gold", "requirements": {"volume": "1"}})"),
                      "ranks[1].requirements.volume");
  expect_config_error(with(R"({"id": "gold"})", R"(, "career": {"network": "nowhere"})"),
                      "career.network");
}

// Pre-calculation (issue 6 §1): the close's figures and report cards ahead
// of the close, re-runnable, changing no one; orders still come in; the
// close after it decides exactly as a close without it.
TEST(PreCalculation, PreviewsTheCloseAndChangesNoOne) {
  Career c, plain;
  const auto report_week1 = [](Career& k, const std::map<std::string, const char*>& volumes) {
    const Instant when{k.weeks[0].starts_at.micros_since_epoch + 86400LL * 1'000'000};
    k.clock->set(when);
    std::vector<OrderReport> reports;
    for (const auto& [who, volume] : volumes) {
      OrderReport r;
      r.id = "o-" + who;
      r.owner = k.p.at(who);
      r.at = when;
      r.volume = Decimal::parse(volume);
      reports.push_back(r);
    }
    EXPECT_TRUE(k.company.report_orders(admin(), reports).rejected.empty());
  };
  std::map<std::string, const char*> early = kWeek1;
  early.erase("hal");  // Hal orders after the first pre-calculation
  report_week1(c, early);
  report_week1(plain, early);

  // Mid-campaign: Cid's group lacks Hal's 150, so Cid (GV 900, one active
  // recruit) is bronze; Ana and Ben are silver.
  CampaignSummary pre = c.company.precalculate(admin(), "w1");
  EXPECT_TRUE(pre.pre_calculated);
  EXPECT_FALSE(pre.already_closed);
  EXPECT_EQ(pre.paid_as,
            (std::vector<std::pair<std::string, std::uint64_t>>{{"bronze", 4}, {"silver", 2}}));
  EXPECT_EQ(c.company.campaigns()[0].state, CampaignState::pre_calculated);
  EXPECT_EQ(c.report("cid", 1).paid_as, "bronze");
  expect_requirement(c.report("cid", 1), "silver", "group_volume", "900", "1000", false);
  // No one changed: no rank, no promotion event.
  EXPECT_EQ(c.company.person(admin(), c.p["ben"]).rank, "");
  for (const Event& e : c.company.events(admin(), EventSeq{}, 1000))
    EXPECT_NE(e.kind, "rank_changed");

  // Hal's order still comes in; the pre-calculation runs again and sees it.
  std::map<std::string, const char*> hal = {{"hal", "150"}};
  report_week1(c, hal);
  report_week1(plain, hal);
  pre = c.company.precalculate(admin(), "w1");
  EXPECT_EQ(pre.paid_as,
            (std::vector<std::pair<std::string, std::uint64_t>>{{"bronze", 4}, {"silver", 3}}));
  EXPECT_EQ(c.report("cid", 1).paid_as, "silver");
  KpiQuery q;
  q.campaign = "w1";
  EXPECT_FALSE(c.company.kpis(admin(), q).closed);
  EXPECT_EQ(c.company.kpis(admin(), q).orders, 7u);

  // The close decides as if there had been no pre-calculation.
  c.clock->set(c.weeks[0].ends_at);
  plain.clock->set(plain.weeks[0].ends_at);
  const CampaignSummary closed = c.company.close_campaign(admin(), "w1");
  const CampaignSummary reference = plain.company.close_campaign(admin(), "w1");
  EXPECT_FALSE(closed.pre_calculated);
  EXPECT_EQ(closed.digest, reference.digest);
  EXPECT_EQ(closed.promotions, 7u);
  EXPECT_EQ(c.company.person(admin(), c.p["ben"]).rank, "silver");
  EXPECT_THROW(c.company.precalculate(admin(), "w1"), FailedPrecondition);
  // An earlier campaign must be closed first; staff only.
  EXPECT_THROW(plain.company.precalculate(admin(), "w3"), FailedPrecondition);
  EXPECT_THROW(c.company.precalculate(Actor::of_person(c.p["ana"], "ana"), "w2"), PermissionDenied);
  EXPECT_THROW(c.company.precalculate(admin(), "nope"), NotFound);
  EXPECT_THROW(c.company.rank_report(admin(), c.p["ana"], "w2"), FailedPrecondition);
}

TEST(PreCalculation, SurvivesAReopenAndAThrowingCallbackWritesNothing) {
  const std::string uri = "sqlite:" + temp_db("precalc-reopen");
  {
    Career c(uri);
    const Instant when{c.weeks[0].starts_at.micros_since_epoch + 86400LL * 1'000'000};
    c.clock->set(when);
    OrderReport r;
    r.id = "o-ana";
    r.owner = c.p["ana"];
    r.at = when;
    r.volume = Decimal::parse("120");
    c.company.report_order(admin(), r);
    EXPECT_THROW(
        c.company.precalculate(admin(), "w1",
                               [](std::size_t, std::size_t) { throw std::runtime_error("stop"); }),
        Aborted);
    EXPECT_EQ(c.company.campaigns()[0].state, CampaignState::open);
    c.company.precalculate(admin(), "w1");
  }
  auto clock = std::make_shared<ManualClock>(Instant::parse_rfc3339("2026-01-06T12:00:00Z"));
  Company reopened = Company::open(uri, kCareer, OpenOptions{clock});
  EXPECT_EQ(reopened.campaigns()[0].state, CampaignState::pre_calculated);
  const PersonId ana = *reopened.find_person(admin(), "ext-ana");
  EXPECT_EQ(reopened.rank_report(admin(), ana, "w1").paid_as, "bronze");
  EXPECT_EQ(reopened.activity(admin(), ana, "w1").personal_volume, Decimal::parse("120"));
  EXPECT_EQ(reopened.person(admin(), ana).rank, "");
}

}  // namespace
}  // namespace downline::testing
