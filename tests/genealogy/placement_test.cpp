// Placement networks through the Company: structures, policies, the lobby,
// and their persistence. Worked examples with the numbers written out.
#include <downline/downline.hpp>

#include "company/company_state.hpp"
#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

namespace downline {
namespace {

using testing::admin;
using testing::in_network;
using testing::request;

Company open_with(const std::string& networks, const std::string& uri = "memory:") {
  return Company::open(uri, R"({"networks": )" + networks + "}");
}

PersonId enroll(Company& co, const std::string& name, PersonId sponsor,
                std::vector<PlacementChoice> placements = {}) {
  auto r = request(name, sponsor);
  r.placements = std::move(placements);
  auto out = co.enroll(admin(), r);
  EXPECT_TRUE(out.accepted) << name << ": "
                            << (out.findings.empty() ? "" : out.findings.front().message);
  return out.person;
}

PersonId parent_in(const Company& co, PersonId p, const std::string& network) {
  auto up = co.upline(admin(), p, network, 1);
  return up.empty() ? PersonId{} : up.front().id;
}

std::uint32_t position_in(const Company& co, PersonId p, const std::string& network) {
  const PersonId parent = parent_in(co, p, network);
  for (const auto& c : co.reader(admin(), network).children(parent))
    if (c.id == p) return c.position;
  ADD_FAILURE() << "person " << p.value() << " is not among their parent's children";
  return 0;
}

TEST(Placement, AThreeBySevenMatrixHolds3279PositionsFilledBreadthFirst) {
  auto co = open_with(R"([{"name": "matrix", "structure": "matrix", "width": 3, "depth": 7}])");
  const PersonId root = enroll(co, "root", {});
  std::vector<EnrollmentRequest> batch;
  for (int i = 1; i <= 3279; ++i) batch.push_back(request("m" + std::to_string(i), root));
  auto out = co.enroll_many(admin(), batch);
  ASSERT_TRUE(out.accepted);
  // Breadth first: the b-th position below the root (root = 0) hangs under
  // position (b - 1) / 3 at slot (b - 1) % 3; person ids are b + 1.
  {
    // A reader holds the read lock: it ends before the next write.
    auto reader = co.reader(admin(), "matrix");
    for (std::int64_t b = 1; b <= 3279; ++b) {
      const PersonId p{b + 1};
      const auto up = reader.upline(p, 1);
      ASSERT_EQ(up.size(), 1u);
      ASSERT_EQ(up[0].id.value(), (b - 1) / 3 + 1) << "position " << b;
    }
    EXPECT_EQ(reader.level(PersonId{3280}), 7u);
    EXPECT_EQ(reader.downline(root, {}).total, 3279u);
    EXPECT_TRUE(reader.open_positions(root).empty());
  }
  // 3 + 9 + ... + 2187 = 3279: the 3280th has no place in the root's matrix.
  auto full = co.enroll(admin(), request("overflow", root));
  ASSERT_FALSE(full.accepted);
  ASSERT_EQ(full.findings.size(), 1u);
  EXPECT_EQ(full.findings[0].reason, "network_full");
  EXPECT_EQ(full.findings[0].code, Code::failed_precondition);
  EXPECT_EQ(full.findings[0].field, "sponsor");
  EXPECT_EQ(co.person_count(admin()), 3280u);
  // Someone at level 7 still has a matrix of their own below them.
  const PersonId deep{3280};
  const PersonId below = enroll(co, "below", deep);
  EXPECT_EQ(co.level(admin(), below, "matrix"), 8u);
}

TEST(Placement, BinarySpilloverExtremesAndTheChosenLeg) {
  auto co = open_with(R"([
    {"name": "spill", "structure": "binary"},
    {"name": "left", "structure": "binary", "placement": {"policy": "extreme_left"}},
    {"name": "right", "structure": "binary", "placement": {"policy": "extreme_right"}},
    {"name": "chosen", "structure": "binary", "placement": {"policy": "sponsor_leg"}}])");
  const PersonId root = enroll(co, "root", {});
  std::vector<PersonId> p;
  for (int i = 0; i < 6; ++i) {
    // Alternate legs in the chosen-leg network: right, left, right, ...
    std::vector<PlacementChoice> choice{{"chosen", {}, static_cast<std::uint32_t>((i + 1) % 2)}};
    p.push_back(enroll(co, "p" + std::to_string(i), root, choice));
  }
  // Spillover: 2, 3 under the root; 4, 5 under 2; 6, 7 under 3.
  EXPECT_EQ(parent_in(co, p[0], "spill"), root);
  EXPECT_EQ(parent_in(co, p[1], "spill"), root);
  EXPECT_EQ(position_in(co, p[1], "spill"), 1u);
  EXPECT_EQ(parent_in(co, p[2], "spill"), p[0]);
  EXPECT_EQ(parent_in(co, p[4], "spill"), p[1]);
  // Extreme left: one long left leg.
  for (int i = 1; i < 6; ++i) {
    EXPECT_EQ(parent_in(co, p[i], "left"), p[i - 1]);
    EXPECT_EQ(position_in(co, p[i], "left"), 0u);
  }
  EXPECT_EQ(co.level(admin(), p[5], "left"), 6u);
  // Extreme right: one long right leg.
  EXPECT_EQ(parent_in(co, p[5], "right"), p[4]);
  EXPECT_EQ(position_in(co, p[5], "right"), 1u);
  // Chosen legs: p0 takes the right slot, p1 the left; later persons spill
  // over inside the leg they chose (p2 below p0, p3 below p1).
  EXPECT_EQ(position_in(co, p[0], "chosen"), 1u);
  EXPECT_EQ(position_in(co, p[1], "chosen"), 0u);
  EXPECT_EQ(parent_in(co, p[2], "chosen"), p[0]);
  EXPECT_EQ(parent_in(co, p[3], "chosen"), p[1]);
  // Without a leg the chosen-leg network refuses, naming the finding.
  auto out = co.enroll(admin(), request("nochoice", root));
  ASSERT_FALSE(out.accepted);
  EXPECT_EQ(out.findings[0].reason, "leg_required");
  EXPECT_EQ(out.findings[0].code, Code::invalid_argument);
}

TEST(Placement, TheWeakerLegByCountBalancesABinaryTree) {
  auto co = open_with(
      R"([{"name": "bin", "structure": "binary", "placement": {"policy": "weaker_leg"}}])");
  const PersonId root = enroll(co, "root", {});
  const PersonId a = enroll(co, "a", root);  // left: empty leg first
  const PersonId b = enroll(co, "b", root);  // right: the other empty leg
  EXPECT_EQ(position_in(co, a, "bin"), 0u);
  EXPECT_EQ(position_in(co, b, "bin"), 1u);
  // A manual extra in the left leg makes the right one weaker.
  enroll(co, "extra", root, {{"bin", a, 0}});
  const PersonId c = enroll(co, "c", root);
  EXPECT_EQ(parent_in(co, c, "bin"), b);
  const PersonId d = enroll(co, "d", root);  // now 2 and 2: ties go left
  EXPECT_TRUE(co.is_in_downline(admin(), d, a, "bin"));
}

TEST(Placement, LimitedDepthAndWidthSpillAndThenRefuse) {
  auto co = open_with(R"([{"name": "lim", "structure": "unilevel", "width": 2, "max_depth": 2}])");
  const PersonId root = enroll(co, "root", {});
  for (int i = 0; i < 6; ++i) enroll(co, "x" + std::to_string(i), root);  // 2 + 4 positions
  EXPECT_EQ(co.level_counts(admin(), root, in_network("lim")), (std::vector<std::uint64_t>{2, 4}));
  auto out = co.enroll(admin(), request("late", root));
  ASSERT_FALSE(out.accepted);
  EXPECT_EQ(out.findings[0].reason, "network_full");
}

TEST(Placement, ManualPlacementChecksTheSlot) {
  auto co = open_with(R"([{"name": "bin", "structure": "binary"}])");
  const PersonId root = enroll(co, "root", {});
  const PersonId a = enroll(co, "a", root, {{"bin", root, 1}});
  EXPECT_EQ(position_in(co, a, "bin"), 1u);
  auto taken = request("taken", root);
  taken.placements = {{"bin", root, 1}};
  auto out = co.enroll(admin(), taken);
  ASSERT_FALSE(out.accepted);
  EXPECT_EQ(out.findings[0].reason, "position_taken");
  EXPECT_EQ(out.findings[0].field, "placements[0]");
  auto wide = request("wide", root);
  wide.placements = {{"bin", root, 2}};
  out = co.enroll(admin(), wide);
  ASSERT_FALSE(out.accepted);
  EXPECT_EQ(out.findings[0].reason, "invalid_position");
  auto unknown = request("unknown", root);
  unknown.placements = {{"sponsor", root, 0}};
  out = co.enroll(admin(), unknown);
  ASSERT_FALSE(out.accepted);
  EXPECT_EQ(out.findings[0].reason, "unknown_network");
  EXPECT_EQ(out.findings[0].field, "placements[0].network");
  EXPECT_EQ(co.person_count(admin()), 2u);
}

TEST(Placement, ATerritorialNetworkGroupsByZone) {
  auto co = open_with(R"([{"name": "zones", "structure": "territorial"}])");
  auto in_zone = [&](const std::string& name, PersonId sponsor, const std::string& zone) {
    auto r = request(name, sponsor);
    r.person.zone = zone;
    auto out = co.enroll(admin(), r);
    EXPECT_TRUE(out.accepted);
    return out.person;
  };
  const PersonId n1 = in_zone("n1", {}, "north");
  const PersonId s1 = in_zone("s1", n1, "south");  // first of the south: a parent there
  const PersonId n2 = in_zone("n2", s1, "north");  // nearest northern upline: n1
  const PersonId s2 = in_zone("s2", n2, "south");  // nearest southern upline: s1
  EXPECT_EQ(parent_in(co, s1, "zones"), PersonId{});
  EXPECT_EQ(parent_in(co, n2, "zones"), n1);
  EXPECT_EQ(parent_in(co, s2, "zones"), s1);
  EXPECT_EQ(co.person(admin(), s2).data.zone, "south");
}

TEST(Placement, TheLobbyHoldsUntilALeaderPlacesOrTheWindowCloses) {
  auto clock = std::make_shared<ManualClock>(Instant::parse_rfc3339("2026-01-01T00:00:00Z"));
  auto co = Company::open("memory:", R"({"networks": [{"name": "bin", "structure": "binary",
      "placement": {"policy": "lobby", "lobby_hours": 48, "fallback": "extreme_left"}}]})",
                          OpenOptions{clock});
  const PersonId root = enroll(co, "root", {});
  const PersonId leader = enroll(co, "leader", root);
  const PersonId a = enroll(co, "a", leader);
  const PersonId b = enroll(co, "b", leader);
  // The root and leader were placed by the lobby too: staff places them.
  EXPECT_EQ(co.reader(admin(), "bin").lobby(), (std::vector<PersonId>{root, leader, a, b}));
  EXPECT_THROW(co.level(admin(), a, "bin"), FailedPrecondition);
  co.place(admin(), root, {"bin", {}, {}});
  co.place(admin(), leader, {"bin", root, 0});
  const Actor lead = Actor::of_person(leader, "leader");
  auto placed = co.place(lead, a, {"bin", leader, 1}, "my choice");
  EXPECT_EQ(placed.moved, (std::vector<PersonId>{a}));
  EXPECT_EQ(position_in(co, a, "bin"), 1u);
  // A consultant cannot place someone they do not see.
  EXPECT_THROW(co.place(Actor::of_person(a, "a"), b, {"bin", a, 0}), PermissionDenied);
  clock->advance_micros(49LL * 3600 * 1000000);
  EXPECT_THROW(co.place(lead, b, {"bin", leader, 0}), FailedPrecondition);
  auto expired = co.place_expired(admin(), "bin");
  EXPECT_EQ(expired.moved, (std::vector<PersonId>{b}));
  // Fallback extreme_left from b's sponsor (leader): leader's left slot.
  EXPECT_EQ(parent_in(co, b, "bin"), leader);
  EXPECT_EQ(position_in(co, b, "bin"), 0u);
  EXPECT_TRUE(co.reader(admin(), "bin").lobby().empty());
  const auto events = co.events(admin(), EventSeq{}, 100);
  EXPECT_EQ(events.back().kind, "placed");
  EXPECT_NE(events.back().payload_json.find("\"from\":{\"parent\":null,\"position\":0,"
                                            "\"state\":\"lobby\"}"),
            std::string::npos);
}

TEST(Placement, PlacesSurviveAReopenAndReachAnotherProcess) {
  const auto path = testing::temp_db("placement");
  const std::string config = R"({"networks": [{"name": "m", "structure": "matrix", "width": 2,
      "depth": 3, "placement": {"policy": "extreme_right"}}, {"name": "l", "structure": "binary",
      "placement": {"policy": "lobby"}}]})";
  std::uint64_t digest = 0;
  {
    auto writer = Company::open(path, config);
    auto reader = Company::open(path, config);
    const PersonId root = enroll(writer, "root", {});
    std::vector<EnrollmentRequest> batch;
    for (int i = 0; i < 20; ++i) batch.push_back(request("b" + std::to_string(i), root));
    ASSERT_TRUE(writer.enroll_many(admin(), batch).accepted);
    writer.place(admin(), root, {"l", {}, {}});
    writer.place(admin(), PersonId{5}, {"l", root, 1});
    reader.refresh();
    const auto& a = internal::CompanyAccess::state(writer).index;
    const auto& b = internal::CompanyAccess::state(reader).index;
    EXPECT_EQ(a.digest(), b.digest());
    digest = a.digest();
  }
  auto again = Company::open(path, config);
  EXPECT_EQ(internal::CompanyAccess::state(again).index.digest(), digest);
  EXPECT_EQ(position_in(again, PersonId{5}, "l"), 1u);
}

TEST(Placement, ConfigurationErrorsNameTheirPath) {
  const auto fails = [](const std::string& networks, const std::string& field) {
    try {
      open_with(networks);
      ADD_FAILURE() << networks;
    } catch (const InvalidArgument& e) {
      EXPECT_EQ(e.field(), field) << e.what();
    }
  };
  fails(R"([{"name": "m", "structure": "matrix", "width": 3}])", "networks[0].depth");
  fails(R"([{"name": "m", "structure": "star"}])", "networks[0].structure");
  fails(R"([{"name": "b", "structure": "binary", "width": 3}])", "networks[0].width");
  fails(R"([{"name": "u", "placement": {"policy": "extreme_left"}}])",
        "networks[0].placement.policy");
  fails(R"([{"name": "b", "structure": "binary", "placement": {"policy": "sideways"}}])",
        "networks[0].placement.policy");
  fails(R"([{"name": "sponsor", "width": 2}])", "networks[0].structure");
  fails(R"([{"name": "Bad Name"}])", "networks[0].name");
  fails(R"([{"name": "t", "structure": "territorial", "source": "nowhere"}])",
        "networks[0].source");
  fails(R"([{"name": "b", "compression": {"statuses": ["active"]}}])",
        "networks[0].compression.statuses[0]");
  fails(R"([{"name": "b", "generations": {"rank": "gold"}}])", "networks[0].generations.rank");
}

}  // namespace
}  // namespace downline
