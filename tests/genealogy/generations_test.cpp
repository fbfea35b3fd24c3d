// Generations, legs, ranks with their history, and the recalculation's
// figures through the Company.
#include <downline/downline.hpp>

#include "company/company_state.hpp"
#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

namespace downline {
namespace {

using testing::admin;
using testing::in_network;
using testing::request;

Decimal dec(const char* text) {
  return Decimal::parse(text);
}

// Ranks lowest first; "gen" ends generations at silver, "plain" has none.
// Persons enrolled in zone "dormant" are inactive (a rule).
const char* kConfig = R"({
  "ranks": [{"id": "bronze"}, {"id": "silver"}, {"id": "gold"}],
  "rules": [{"id": "dormant", "trigger": "enrollment",
             "when": {"==": [{"var": "person.zone"}, "dormant"]},
             "then": [{"action": "inactivate"}]}],
  "networks": [
    {"name": "gen", "generations": {"rank": "silver"}},
    {"name": "plain"},
    {"name": "bin", "structure": "binary",
     "placement": {"policy": "weaker_leg", "by": "volume"}}
  ]
})";

class Generations : public ::testing::Test {
 public:
  void SetUp() override { open("memory:"); }
  void open(const std::string& uri) {
    clock_ = std::make_shared<ManualClock>(Instant::parse_rfc3339("2026-01-01T00:00:00Z"));
    co_.emplace(Company::open(uri, kConfig, OpenOptions{clock_}));
  }
  Company& co() { return *co_; }
  PersonId enroll(const std::string& name, PersonId sponsor, const std::string& zone = "") {
    auto r = request(name, sponsor);
    r.person.zone = zone;
    auto out = co().enroll(admin(), r);
    EXPECT_TRUE(out.accepted) << name;
    return out.person;
  }
  void rank(PersonId p, const std::string& rank, const std::string& campaign = "C1") {
    RankChange change;
    change.person = p;
    change.rank = rank;
    change.campaign = campaign;
    co().change_rank(admin(), change);
  }

 protected:
  std::pair<internal::StoreCounts, std::uint64_t> snapshot() {
    const auto& s = internal::CompanyAccess::state(co());
    return {s.store->counts(), s.index.digest()};
  }

  std::shared_ptr<ManualClock> clock_;
  std::optional<Company> co_;
};

// root -> a (gold) -> b -> c (silver) -> d -> e, and root -> f (bronze) -> g.
struct Chain {
  PersonId root, a, b, c, d, e, f, g;
};

Chain chain(Generations& t) {
  Chain x;
  x.root = t.co().enroll(admin(), request("root")).person;
  auto add = [&](const char* name, PersonId sponsor) {
    return t.co().enroll(admin(), request(name, sponsor)).person;
  };
  x.a = add("a", x.root);
  x.b = add("b", x.a);
  x.c = add("c", x.b);
  x.d = add("d", x.c);
  x.e = add("e", x.d);
  x.f = add("f", x.root);
  x.g = add("g", x.f);
  return x;
}

TEST_F(Generations, AGenerationEndsAtEachPersonOfTheConfiguredRankOrAbove) {
  const Chain x = chain(*this);
  rank(x.a, "gold");
  rank(x.c, "silver");
  rank(x.f, "bronze");  // below the generation rank: ends nothing
  EXPECT_EQ(co().generation(admin(), x.a, x.root, "gen"), 1u);
  EXPECT_EQ(co().generation(admin(), x.b, x.root, "gen"), 2u);
  EXPECT_EQ(co().generation(admin(), x.c, x.root, "gen"), 2u);
  EXPECT_EQ(co().generation(admin(), x.e, x.root, "gen"), 3u);
  EXPECT_EQ(co().generation(admin(), x.g, x.root, "gen"), 1u);
  EXPECT_EQ(co().generation(admin(), x.e, x.b, "gen"), 2u);
  EXPECT_THROW(co().generation(admin(), x.root, x.e, "gen"), FailedPrecondition);

  // The downline carries each member's generation below the queried person,
  // and max_generation keeps the first ones.
  auto q = in_network("gen");
  std::map<std::int64_t, std::uint32_t> gen;
  for (const auto& m : co().downline(admin(), x.root, q).members) gen[m.id.value()] = m.generation;
  EXPECT_EQ(gen, (std::map<std::int64_t, std::uint32_t>{{x.a.value(), 1},
                                                        {x.b.value(), 2},
                                                        {x.c.value(), 2},
                                                        {x.d.value(), 3},
                                                        {x.e.value(), 3},
                                                        {x.f.value(), 1},
                                                        {x.g.value(), 1}}));
  EXPECT_EQ(co().generation_counts(admin(), x.root, q), (std::vector<std::uint64_t>{3, 2, 2}));
  q.max_generation = 2;
  EXPECT_EQ(co().downline(admin(), x.root, q).total, 5u);
  EXPECT_EQ(co().generation_counts(admin(), x.root, q), (std::vector<std::uint64_t>{3, 2}));
  // Filters combine: only depth 2 and above, generation at most 2.
  q.max_depth = 2;
  EXPECT_EQ(co().generation_counts(admin(), x.root, q), (std::vector<std::uint64_t>{3, 1}));

  // The upline says which generation the person is in for each upline.
  std::vector<std::uint32_t> up;
  for (const auto& m : co().upline(admin(), x.e, "gen")) up.push_back(m.generation);
  EXPECT_EQ(up, (std::vector<std::uint32_t>{1, 1, 2, 2, 3}));  // d c b a root
}

TEST_F(Generations, WithoutARankGenerationsAreTheRelativeLevels) {
  const Chain x = chain(*this);
  rank(x.a, "gold");
  for (const auto& m : co().downline(admin(), x.root, in_network("plain")).members)
    EXPECT_EQ(m.generation, m.relative_level);
  EXPECT_EQ(co().generation(admin(), x.e, x.root, "plain"), 5u);
  EXPECT_EQ(co().generation_counts(admin(), x.root, in_network("plain")),
            co().level_counts(admin(), x.root, in_network("plain")));
}

TEST_F(Generations, AnAsOfReaderAnswersGenerationsForThePastTree) {
  const Chain x = chain(*this);
  rank(x.a, "gold");
  clock_->advance_micros(1'000'000);
  const Instant before = clock_->now();
  clock_->advance_micros(1'000'000);
  TransferRequest move;
  move.person = x.e;
  move.network = "gen";
  move.new_parent = x.root;
  co().transfer(admin(), move);
  EXPECT_EQ(co().generation(admin(), x.e, x.root, "gen"), 1u);
  EXPECT_EQ(co().reader(admin(), "gen", before).generation(x.e, x.root), 2u);
}

TEST_F(Generations, RankChangesAreRecordedAndTheirHistoryKept) {
  const Chain x = chain(*this);
  clock_->set(Instant::parse_rfc3339("2026-02-01T00:00:00Z"));
  rank(x.b, "bronze", "2026-02");
  clock_->set(Instant::parse_rfc3339("2026-03-11T12:00:00Z"));
  rank(x.b, "silver", "2026-03");
  clock_->set(Instant::parse_rfc3339("2026-03-31T00:00:00Z"));
  const auto h = co().rank_history(admin(), x.b);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].previous_rank, "");
  EXPECT_EQ(h[0].rank, "bronze");
  EXPECT_EQ(h[0].campaign, "2026-02");
  EXPECT_EQ(h[0].until, Instant::parse_rfc3339("2026-03-11T12:00:00Z"));
  EXPECT_EQ(h[0].held_days, 38u);
  EXPECT_EQ(h[1].previous_rank, "bronze");
  EXPECT_EQ(h[1].rank, "silver");
  EXPECT_FALSE(h[1].until);
  EXPECT_EQ(h[1].held_days, 19u);  // to now
  const auto events = co().events(admin(), EventSeq{}, 100);
  EXPECT_EQ(events.back().kind, "rank_changed");
  EXPECT_EQ(events.back().seq, h[1].event);
  EXPECT_TRUE(co().rank_history(admin(), x.a).empty());
  // Generations follow the new rank at once.
  EXPECT_EQ(co().generation(admin(), x.c, x.root, "gen"), 2u);
  EXPECT_TRUE(co().verify(admin()).ok);
}

TEST_F(Generations, BadRankChangesAreRefusedWithNothingWritten) {
  const Chain x = chain(*this);
  rank(x.b, "silver");
  const auto before = snapshot();
  auto refused = [&](auto exception, RankChange change, const Actor& actor, const char* field) {
    using E = decltype(exception);
    try {
      co().change_rank(actor, change);
      ADD_FAILURE() << "not refused: " << field;
    } catch (const E& e) {
      EXPECT_EQ(e.field(), field) << e.what();
    }
    EXPECT_EQ(snapshot(), before) << field;
  };
  RankChange c;
  c.person = x.b;
  c.rank = "platinum";
  refused(InvalidArgument(""), c, admin(), "rank");
  c.rank = "silver";
  refused(FailedPrecondition(""), c, admin(), "rank");  // already held
  c.rank = "gold";
  c.effective_at = Instant::parse_rfc3339("2025-12-01T00:00:00Z");
  refused(FailedPrecondition(""), c, admin(), "effective_at");
  c.effective_at.reset();
  refused(PermissionDenied(""), c, Actor::of_person(x.b, "b"), "actor");
  c.person = PersonId{999};
  refused(NotFound(""), c, admin(), "person");
  EXPECT_THROW(co().rank_history(Actor::of_person(x.e, "e"), x.b), PermissionDenied);
  EXPECT_EQ(co().rank_history(Actor::of_person(x.b, "b"), x.b).size(), 1u);
}

TEST_F(Generations, RanksSurviveAReopenAndReachOtherProcesses) {
  const std::string uri = "sqlite:" + testing::temp_db("ranks");
  open(uri);
  const Chain x = chain(*this);
  auto other = Company::open(uri, kConfig, OpenOptions{clock_});
  rank(x.a, "gold");
  rank(x.c, "silver");
  EXPECT_EQ(other.generation(admin(), x.e, x.root, "gen"), 3u);
  EXPECT_EQ(other.rank_history(admin(), x.c).size(), 1u);
  EXPECT_EQ(internal::CompanyAccess::state(other).index.digest(), snapshot().second);
  co_.reset();
  open(uri);
  EXPECT_EQ(co().generation(admin(), x.e, x.root, "gen"), 3u);
  EXPECT_TRUE(co().verify(admin()).ok);
}

TEST_F(Generations, LegsCountThePersonsAndActivesOfEachLegTheActorSees) {
  const PersonId root = enroll("root", {});
  const PersonId a = enroll("a", root);  // bin: left
  const PersonId b = enroll("b", root);  // bin: right
  enroll("a1", a, "dormant");            // inactive
  const PersonId a2 = enroll("a2", a);
  const auto legs = co().legs(admin(), root, "bin");
  ASSERT_EQ(legs.size(), 2u);
  EXPECT_EQ(legs[0], (LegTotals{a, 0, 3, 2}));
  EXPECT_EQ(legs[1], (LegTotals{b, 1, 1, 1}));
  // a2 sees only their own sponsor downline: none of root's legs.
  const Actor a2_actor = Actor::of_person(a2, "a2");
  EXPECT_THROW(co().legs(a2_actor, root, "bin"), PermissionDenied);
  EXPECT_TRUE(co().legs(a2_actor, a2, "bin").empty());
  EXPECT_EQ(co().legs(admin(), a, "sponsor").size(), 2u);
}

TEST_F(Generations, FiguresComeFromTheLastRecalculationAndKeepItsTree) {
  const PersonId root = enroll("root", {});
  const PersonId a = enroll("a", root);
  const PersonId b = enroll("b", root);
  const PersonId a1 = enroll("a1", a, "dormant");
  const PersonId a2 = enroll("a2", a);
  EXPECT_THROW(co().figures(admin(), root, "plain"), FailedPrecondition);

  RecalculationRequest r;
  r.network = "plain";
  r.personal_volumes = {
      {root, dec("10")}, {a, dec("1.5")}, {b, dec("4")}, {a1, dec("2.25")}, {a2, dec("0.000001")}};
  r.levels = 2;
  const auto summary = co().recalculate(admin(), r);
  EXPECT_EQ(summary.persons, 5u);
  EXPECT_EQ(summary.total_volume, dec("17.750001"));
  const auto f = co().figures(admin(), root, "plain");
  EXPECT_EQ(f.personal_volume, dec("10"));
  EXPECT_EQ(f.group_volume, dec("17.750001"));
  EXPECT_EQ(f.downline, 4u);
  EXPECT_EQ(f.active_downline, 3u);
  EXPECT_EQ(f.level_counts, (std::vector<std::uint64_t>{2, 2}));
  EXPECT_EQ(f.active_level_counts, (std::vector<std::uint64_t>{2, 1}));
  ASSERT_EQ(f.legs.size(), 2u);
  EXPECT_EQ(f.legs[0], (LegVolume{a, 0, 3, dec("3.750001")}));
  EXPECT_EQ(f.legs[1], (LegVolume{b, 1, 1, dec("4")}));
  EXPECT_EQ(f.recalculated_at, summary.at);

  // A moved person stays where they were until the next recalculation.
  clock_->advance_micros(1);
  TransferRequest move;
  move.person = a;
  move.network = "plain";
  move.new_parent = b;
  co().transfer(admin(), move);
  const PersonId late = enroll("late", root);
  EXPECT_EQ(co().figures(admin(), root, "plain").legs.size(), 2u);
  EXPECT_EQ(co().figures(admin(), b, "plain").group_volume, dec("4"));
  EXPECT_THROW(co().figures(admin(), late, "plain"), FailedPrecondition);
  co().recalculate(admin(), r);
  EXPECT_EQ(co().figures(admin(), b, "plain").group_volume, dec("7.750001"));
  EXPECT_EQ(co().figures(admin(), root, "plain").legs.size(), 2u);  // b and late
  EXPECT_EQ(co().figures(admin(), late, "plain").group_volume, dec("0"));
  // A third recalculation reuses the memory of the first: nothing of it shows.
  r.personal_volumes = {{a1, dec("1")}};
  r.levels = 1;
  co().recalculate(admin(), r);
  const auto third = co().figures(admin(), root, "plain");
  EXPECT_EQ(third.group_volume, dec("1"));
  EXPECT_EQ(third.level_counts, (std::vector<std::uint64_t>{2}));  // b and late
  EXPECT_EQ(co().figures(admin(), b, "plain").legs, (std::vector<LegVolume>{{a, 0, 3, dec("1")}}));

  // Figures are the person's own: a consultant reads theirs; leg ids they
  // may not see are hidden.
  const Actor b_actor = Actor::of_person(b, "b");
  EXPECT_EQ(co().figures(b_actor, b, "plain").legs.size(), 1u);
  EXPECT_FALSE(co().figures(b_actor, b, "plain").legs[0].leg);  // a is not b's recruit
  EXPECT_THROW(co().figures(b_actor, root, "plain"), PermissionDenied);
}

TEST_F(Generations, BadRecalculationsAreRefusedAndKeepThePreviousFigures) {
  const PersonId root = enroll("root", {});
  const PersonId a = enroll("a", root);
  RecalculationRequest good;
  good.network = "plain";
  good.personal_volumes = {{a, dec("3")}};
  co().recalculate(admin(), good);
  auto refused = [&](auto exception, RecalculationRequest r, const Actor& actor,
                     const std::string& field) {
    using E = decltype(exception);
    try {
      co().recalculate(actor, r);
      ADD_FAILURE() << "not refused: " << field;
    } catch (const E& e) {
      EXPECT_EQ(e.field(), field) << e.what();
    }
    EXPECT_EQ(co().figures(admin(), root, "plain").group_volume, dec("3")) << field;
  };
  auto r = good;
  r.personal_volumes = {{a, dec("1")}, {PersonId{77}, dec("1")}};
  refused(NotFound(""), r, admin(), "personal_volumes[1].person");
  r.personal_volumes = {{a, dec("1")}, {a, dec("2")}};
  refused(InvalidArgument(""), r, admin(), "personal_volumes[1].person");
  r.personal_volumes = {{a, dec("-1")}};
  refused(InvalidArgument(""), r, admin(), "personal_volumes[0].volume");
  r.personal_volumes = {{a, dec("9300000000000")}};
  refused(OutOfRange(""), r, admin(), "personal_volumes[0].volume");
  r.personal_volumes = {{a, dec("9000000000000")}, {root, dec("9000000000000")}};
  refused(OutOfRange(""), r, admin(), "personal_volumes");
  r = good;
  r.levels = 65;
  refused(InvalidArgument(""), r, admin(), "levels");
  refused(PermissionDenied(""), good, Actor::of_person(root, "root"), "actor");
  r = good;
  r.network = "nope";
  refused(NotFound(""), r, admin(), "network");
}

TEST_F(Generations, TheWeakerLegByVolumeFollowsTheLastRecalculation) {
  const PersonId root = enroll("root", {});
  const PersonId left = enroll("left", root);
  const PersonId right = enroll("right", root);
  enroll("left2", left);  // before any recalculation legs weigh nothing: ties go left
  EXPECT_TRUE(co().is_in_downline(admin(), enroll("x", root), left, "bin"));
  // The left leg has more persons, the right one more volume.
  RecalculationRequest r;
  r.network = "bin";
  r.personal_volumes = {{right, dec("100")}, {left, dec("1")}};
  co().recalculate(admin(), r);
  const PersonId y = enroll("y", root);
  EXPECT_TRUE(co().is_in_downline(admin(), y, left, "bin"));
  r.personal_volumes = {{right, dec("1")}, {left, dec("100")}};
  co().recalculate(admin(), r);
  const PersonId z = enroll("z", root);
  EXPECT_TRUE(co().is_in_downline(admin(), z, right, "bin"));
}

}  // namespace
}  // namespace downline
