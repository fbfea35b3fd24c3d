// "As of" questions: a network's tree at past instants, rebuilt from the
// history the adjustments write, in memory and after a reopen.
#include <downline/downline.hpp>

#include "company/company_state.hpp"
#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace downline {
namespace {

using testing::admin;
using testing::request;

Instant at(const char* text) {
  return Instant::parse_rfc3339(text);
}

PersonId parent_as_of(const Company& co, PersonId p, Instant when) {
  auto up = co.reader(admin(), "net", when).upline(p, 1);
  return up.empty() ? PersonId{} : up.front().id;
}

void walk_history(const std::string& uri) {
  const std::string config = R"({"networks": [{"name": "net"}]})";
  auto clock = std::make_shared<ManualClock>(at("2026-01-01T00:00:00Z"));
  PersonId root, a, b, c;
  std::optional<Company> first(Company::open(uri, config, OpenOptions{clock}));
  {
    Company& co = *first;
    root = co.enroll(admin(), request("root")).person;
    clock->set(at("2026-01-02T00:00:00Z"));
    a = co.enroll(admin(), request("a", root)).person;
    b = co.enroll(admin(), request("b", root)).person;
    c = co.enroll(admin(), request("c", a)).person;
    clock->set(at("2026-01-03T00:00:00Z"));
    co.transfer(admin(), {a, "net", b, {}, true, {}, "move"});
    clock->set(at("2026-01-04T00:00:00Z"));
    co.compress(admin(), {"net", {b}, {}, "close"});
    clock->set(at("2026-01-05T00:00:00Z"));
  }
  // A memory store lives with its Company; a file is read back by a new one.
  if (uri != "memory:") first.reset();
  Company co = first ? std::move(*first) : Company::open(uri, config, OpenOptions{clock});
  // Before a was enrolled: not found then.
  EXPECT_THROW(co.reader(admin(), "net", at("2026-01-01T12:00:00Z")).level(a), NotFound);
  EXPECT_EQ(co.reader(admin(), "net", at("2026-01-01T12:00:00Z")).level(root), 0u);
  // Day 2: as enrolled.
  EXPECT_EQ(parent_as_of(co, a, at("2026-01-02T12:00:00Z")), root);
  EXPECT_EQ(parent_as_of(co, c, at("2026-01-02T12:00:00Z")), a);
  // Day 3: a (with c) under b.
  EXPECT_EQ(parent_as_of(co, a, at("2026-01-03T12:00:00Z")), b);
  EXPECT_EQ(co.reader(admin(), "net", at("2026-01-03T12:00:00Z")).level(c), 3u);
  EXPECT_EQ(co.network_id(admin(), c, "net"), "1.2.4");  // today: b compressed away
  // Day 4: b dropped out, a moved up to the root.
  EXPECT_EQ(parent_as_of(co, a, at("2026-01-04T12:00:00Z")), root);
  EXPECT_THROW(co.reader(admin(), "net", at("2026-01-04T12:00:00Z")).level(b), FailedPrecondition);
  // The exact instant of a change already shows it.
  EXPECT_EQ(parent_as_of(co, a, at("2026-01-03T00:00:00Z")), b);
  // Downline queries take the instant too.
  DownlineQuery q;
  q.network = "net";
  q.as_of = at("2026-01-03T12:00:00Z");
  EXPECT_EQ(co.downline(admin(), b, q).total, 2u);
  q.as_of = at("2026-01-02T12:00:00Z");
  EXPECT_EQ(co.downline(admin(), b, q).total, 0u);
  EXPECT_EQ(co.level_counts(admin(), root, q), (std::vector<std::uint64_t>{2, 1}));
}

TEST(History, AsOfQueriesSeeEachDayInMemory) {
  walk_history("memory:");
}

TEST(History, AsOfQueriesSeeEachDayAfterAReopen) {
  walk_history(testing::temp_db("history"));
}

TEST(History, TheLobbyAsOfAnInstantHoldsOnlyThoseEnrolledByThen) {
  // Found by the simulation: persons enrolled later were listed as waiting.
  auto clock = std::make_shared<ManualClock>(at("2026-01-01T00:00:00Z"));
  Company co = Company::open(
      "memory:",
      R"({"networks": [{"name": "hold", "structure": "binary", "placement": {"policy": "lobby"}}]})",
      OpenOptions{clock});
  const PersonId root = co.enroll(admin(), request("root")).person;
  clock->set(at("2026-01-02T00:00:00Z"));
  const PersonId a = co.enroll(admin(), request("a", root)).person;
  EXPECT_EQ(co.reader(admin(), "hold").lobby(), (std::vector<PersonId>{root, a}));
  EXPECT_EQ(co.reader(admin(), "hold", at("2026-01-01T12:00:00Z")).lobby(),
            (std::vector<PersonId>{root}));
  EXPECT_TRUE(co.reader(admin(), "hold", at("2025-12-31T00:00:00Z")).lobby().empty());
  EXPECT_EQ(co.reader(admin(), "hold", at("2026-01-02T00:00:00Z")).lobby(),
            (std::vector<PersonId>{root, a}));
}

TEST(History, AConsultantAsOfAnInstantSeesOnlyTodaysDownline) {
  // Found by the simulation: a past sponsor tree listed, below a consultant,
  // persons moved out of their downline since (visibility is today's).
  auto clock = std::make_shared<ManualClock>(at("2026-01-01T00:00:00Z"));
  Company co = Company::open("memory:", "{}", OpenOptions{clock});
  const PersonId root = co.enroll(admin(), request("root")).person;
  const PersonId a = co.enroll(admin(), request("a", root)).person;
  const PersonId b = co.enroll(admin(), request("b", root)).person;
  const PersonId c = co.enroll(admin(), request("c", a)).person;
  const PersonId d = co.enroll(admin(), request("d", c)).person;
  clock->set(at("2026-01-02T00:00:00Z"));
  co.transfer(admin(), {c, kSponsorNetwork, b, {}, false, {}, "realign"});  // d moves up to a
  const Actor leader = Actor::of_person(a, "a");
  const Instant before = at("2026-01-01T12:00:00Z");
  DownlineQuery q;
  q.as_of = before;
  // Then c and d were below a; today d still is, c is not.
  const auto page = co.downline(leader, a, q);
  ASSERT_EQ(page.total, 1u);
  EXPECT_EQ(page.members[0].id, d);
  EXPECT_EQ(page.members[0].relative_level, 2u);
  EXPECT_EQ(co.level_counts(leader, a, q), (std::vector<std::uint64_t>{0, 1}));
  const auto sizes = co.reader(leader, kSponsorNetwork, before).largest_downlines(5);
  EXPECT_EQ(sizes, (std::vector<DownlineSize>{{a, 1}, {d, 0}}));
  // Staff see the whole past tree.
  q.as_of = before;
  EXPECT_EQ(co.downline(admin(), a, q).total, 2u);
}

TEST(History, ABackDatedEnrollmentMayNotPrecedeTheLatestChange) {
  // Reported by the simulation: a place taken "before" a recorded change
  // could collide, as of some instants, with the place history gives back.
  auto clock = std::make_shared<ManualClock>(at("2026-01-01T00:00:00Z"));
  Company co = Company::open("memory:", R"({"networks": [{"name": "bin", "structure": "binary"}]})",
                             OpenOptions{clock});
  const PersonId root = co.enroll(admin(), request("root")).person;
  const PersonId a = co.enroll(admin(), request("a", root)).person;
  const PersonId b = co.enroll(admin(), request("b", root)).person;
  clock->set(at("2026-01-03T00:00:00Z"));
  co.transfer(admin(), {b, "bin", a, {}, true, at("2026-01-02T00:00:00Z"), "realign"});
  const auto counts = internal::CompanyAccess::state(co).store->counts();
  auto late = request("late", root);
  late.effective_at = at("2026-01-01T12:00:00Z");
  const auto out = co.enroll(admin(), late);
  ASSERT_FALSE(out.accepted);
  ASSERT_EQ(out.findings.size(), 1u);
  EXPECT_EQ(out.findings[0].reason, "before_latest_change");
  EXPECT_EQ(out.findings[0].code, Code::failed_precondition);
  EXPECT_EQ(out.findings[0].field, "effective_at");
  EXPECT_EQ(internal::CompanyAccess::state(co).store->counts(), counts);
  // At the change's instant or after, the import is history appended.
  late.effective_at = at("2026-01-02T00:00:00Z");
  EXPECT_TRUE(co.enroll(admin(), late).accepted);
  EXPECT_TRUE(co.verify(admin()).ok);
}

}  // namespace
}  // namespace downline
