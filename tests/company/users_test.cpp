#include <downline/downline.hpp>

#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

namespace downline {
namespace {

using testing::admin;
using testing::request;

class Users : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    co.emplace(Company::open(GetParam() ? "sqlite:" + testing::temp_db("users") : "memory:",
                             testing::kConfig));
    root = co->enroll(admin(), request("root")).person;
    leader = co->enroll(admin(), request("leader", root)).person;
  }
  std::optional<Company> co;
  PersonId root, leader;
};

TEST_P(Users, AStoredUserActsWithItsRolesAndPerson) {
  co->add_user(admin(), Actor{"lucia", leader, {"leader"}});
  co->add_user(admin(), Actor::staff("ops", {"operator"}));
  const Actor lucia = co->actor_for("lucia");
  EXPECT_EQ(lucia.person, leader);
  EXPECT_EQ(lucia.roles, std::vector<std::string>{"leader"});
  EXPECT_EQ(co->person_count(lucia), 1u);
  EXPECT_THROW(co->person(lucia, root), PermissionDenied);
  EXPECT_EQ(co->person_count(co->actor_for("ops")), 2u);
  auto events = co->events(admin(), EventSeq{}, 100);
  EXPECT_EQ(events.back().kind, "user_added");
  EXPECT_EQ(events.back().person, PersonId{});
  EXPECT_EQ(events.back().payload_json, R"({"login":"ops","roles":["operator"]})");
  EXPECT_EQ(co->last_event(), events.back().seq);
}

TEST_P(Users, RejectsBadUsersAndWritesNothing) {
  co->add_user(admin(), Actor::staff("taken", {"seller"}));
  const auto before = co->last_event();
  EXPECT_THROW(co->add_user(admin(), Actor::staff("taken", {"seller"})), AlreadyExists);
  EXPECT_THROW(co->add_user(admin(), Actor{"ghost", PersonId{99}, {"seller"}}), NotFound);
  EXPECT_THROW(co->add_user(admin(), Actor::staff("", {"seller"})), InvalidArgument);
  try {
    co->add_user(admin(), Actor::staff("shouty", {"seller", "ADMIN"}));
    ADD_FAILURE();
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "roles[1]");
  }
  EXPECT_THROW(co->add_user(Actor::staff("ops", {"operator"}), Actor::staff("x", {"admin"})),
               PermissionDenied);
  EXPECT_THROW(co->add_user(Actor::of_person(root), Actor::staff("x", {"admin"})),
               PermissionDenied);
  EXPECT_EQ(co->last_event(), before);
  EXPECT_EQ(co->events(admin(), before, 10).size(), 0u);
  EXPECT_THROW(co->actor_for("ghost"), NotFound);
  EXPECT_THROW(co->actor_for("shouty"), NotFound);
}

INSTANTIATE_TEST_SUITE_P(Stores, Users, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "sqlite" : "memory"; });

}  // namespace
}  // namespace downline
