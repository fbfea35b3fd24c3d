#include <downline/downline.hpp>

#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

namespace downline {
namespace {

using testing::admin;
using testing::request;

// root ─ a ─ a1 ─ a11
//      │    └ a2
//      └ b ─ b1        (b1 referred by a1: in a1's referral downline only)
class Visibility : public ::testing::Test {
 protected:
  void SetUp() override {
    root = co.enroll(admin(), request("root")).person;
    a = co.enroll(admin(), request("a", root)).person;
    b = co.enroll(admin(), request("b", root)).person;
    a1 = co.enroll(admin(), request("a1", a)).person;
    a2 = co.enroll(admin(), request("a2", a)).person;
    a11 = co.enroll(admin(), request("a11", a1)).person;
    auto r = request("b1", b);
    r.referrer = a1;
    b1 = co.enroll(admin(), r).person;
  }
  Company co = Company::open("memory:", testing::kConfig);
  PersonId root, a, b, a1, a2, a11, b1;
};

TEST_F(Visibility, AdministratorSeesEveryone) {
  EXPECT_EQ(co.person_count(admin()), 7u);
  EXPECT_EQ(co.downline(admin(), root).total, 6u);
  EXPECT_EQ(co.person(admin(), b1).data.first_name, "b1");
  EXPECT_EQ(co.person_count(Actor::staff("ops", {"operator"})), 7u);
}

TEST_F(Visibility, ConsultantSeesThemselvesAndTheirSponsorDownline) {
  const auto as_a = Actor::of_person(a);
  EXPECT_EQ(co.person(as_a, a).data.first_name, "a");
  EXPECT_EQ(co.person(as_a, a11).data.first_name, "a11");
  EXPECT_EQ(co.person_count(as_a), 4u);
  EXPECT_EQ(co.downline(as_a, a).total, 3u);
  EXPECT_TRUE(co.is_in_downline(as_a, a11, a));
  EXPECT_EQ(co.find_person(as_a, "ext-a11"), a11);
}

TEST_F(Visibility, ReadsOutsideTheDownlineArePermissionDenied) {
  const auto as_a = Actor::of_person(a);
  EXPECT_THROW(co.person(as_a, b), PermissionDenied);
  EXPECT_THROW(co.person(as_a, root), PermissionDenied);
  EXPECT_THROW(co.downline(as_a, b), PermissionDenied);
  EXPECT_THROW(co.upline(as_a, b1), PermissionDenied);
  EXPECT_THROW(co.is_in_downline(as_a, a1, root), PermissionDenied);
  EXPECT_THROW(co.level(as_a, b), PermissionDenied);
  try {
    co.person(as_a, b);
  } catch (const PermissionDenied& e) {
    EXPECT_EQ(e.code(), Code::permission_denied);
    EXPECT_EQ(e.field(), "person");
  }
  // Outside the scope, an external id is as good as unknown.
  EXPECT_EQ(co.find_person(as_a, "ext-b"), std::nullopt);
}

TEST_F(Visibility, ListsNeverContainAnInvisiblePerson) {
  const auto as_a1 = Actor::of_person(a1);
  // The upline stops at the actor.
  auto up = co.upline(as_a1, a11);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].id, a1);
  EXPECT_EQ(co.network_id(as_a1, a11),
            std::to_string(a1.value()) + "." + std::to_string(a11.value()));
  // b1 is in a1's referral downline but not in a1's sponsor downline.
  DownlineQuery referral;
  referral.network = kReferralNetwork;
  EXPECT_EQ(co.downline(admin(), a1, referral).total, 2u);
  auto page = co.downline(as_a1, a1, referral);
  EXPECT_EQ(page.total, 1u);
  ASSERT_EQ(page.members.size(), 1u);
  EXPECT_EQ(page.members[0].id, a11);
  EXPECT_EQ(co.level_counts(as_a1, a1, referral), (std::vector<std::uint64_t>{1}));
  auto rd = co.reader(as_a1, kReferralNetwork);
  EXPECT_EQ(rd.largest_downlines(10), (std::vector<DownlineSize>{{a1, 1}, {a11, 0}}));
  EXPECT_EQ(rd.summary().persons, 2u);
  EXPECT_EQ(rd.summary().parents, 1u);
}

TEST_F(Visibility, AnActorWhoIsNoOneSeesNothing) {
  EXPECT_THROW(co.person_count(Actor::staff("guest", {})), PermissionDenied);
  EXPECT_THROW(co.person_count(Actor::staff("seller", {"seller"})), PermissionDenied);
  EXPECT_THROW(co.downline(Actor::of_person(PersonId{999}), root), PermissionDenied);
}

}  // namespace
}  // namespace downline
