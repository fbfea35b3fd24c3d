// The genealogy invariant checker: healthy trees of every shape pass, and
// each planted corruption is reported under exactly its rule.
#include "genealogy/verify.hpp"

#include <downline/downline.hpp>

#include "company/company_state.hpp"
#include "support/company_fixture.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <iostream>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

using P = NetworkTreeProbe;

std::string describe(const std::vector<Violation>& found) {
  std::string out;
  for (const auto& v : found)
    out += "  " + v.rule + " [" + v.network + "] person " + std::to_string(v.person.value()) +
           ": " + v.message + "\n";
  return out.empty() ? "  (none)\n" : out;
}

std::set<std::string> rules_of(const std::vector<Violation>& found) {
  std::set<std::string> rules;
  for (const auto& v : found) rules.insert(v.rule);
  return rules;
}

// `tree` breaks `rule` and nothing else.
void expect_only(const NetworkTree& tree, const std::string& rule) {
  const auto found = check_tree(tree, "net");
  EXPECT_EQ(rules_of(found), std::set<std::string>{rule}) << describe(found);
  for (const auto& v : found) EXPECT_EQ(v.network, "net");
}

// The person of the first violation; unset when there is none.
PersonId first_person(const std::vector<Violation>& found) {
  return found.empty() ? PersonId{} : found.front().person;
}

void expect_healthy(const NetworkTree& tree, const std::string& what) {
  const auto found = check_tree(tree, "net");
  EXPECT_TRUE(found.empty()) << what << "\n" << describe(found);
}

PersonId person(Node n) {
  return GenealogyIndex::id_of(n);
}

// --- healthy trees ---------------------------------------------------------------

// Adds `n` nodes to the empty `t`, each under a random placed node with room
// (or a new network parent).
void grow_random(NetworkTree& t, std::size_t n, std::mt19937_64& rng) {
  const TreeShape shape = t.shape();
  for (Node v = 0; v < n; ++v) {
    Node parent = kNoNode;
    for (int tries = 0; v > 0 && tries < 20 && rng() % 12 != 0; ++tries) {
      const Node p = static_cast<Node>(rng() % v);
      if (t.placed(p) && t.has_room(p)) {
        parent = p;
        break;
      }
    }
    std::uint32_t slot = 0;
    if (parent != kNoNode) {
      slot = t.free_slot(parent);
      if (shape.width != 0) {  // a random free slot, not always the leftmost
        std::vector<std::uint32_t> free;
        for (std::uint32_t s = 0; s < shape.width; ++s)
          if (t.slot_free(parent, s)) free.push_back(s);
        slot = free[rng() % free.size()];
      }
    }
    t.append(v, parent, slot);
  }
}

TEST(VerifyTree, HealthyTreesOfEveryShapeHaveNoViolation) {
  const std::uint64_t seed = testing::test_seed();
  std::cout << "DOWNLINE_SEED=" << seed << "\n";
  std::mt19937_64 rng(seed);
  const std::vector<std::pair<std::string, TreeShape>> shapes = {
      {"unilevel", {0, 0, false}},
      {"binary", {2, 0, true}},
      {"matrix 3 wide, 4 deep", {3, 4, false}},
      {"limited unilevel", {10, 3, true}},
  };
  for (const auto& [name, shape] : shapes) {
    NetworkTree t(shape);
    grow_random(t, 600, rng);
    expect_healthy(t, name + ", intervals stale");
    t.ensure_intervals();
    ASSERT_TRUE(t.intervals_fresh());
    expect_healthy(t, name + ", intervals fresh");
    NetworkTree assigned(shape);  // as a reopen builds it
    std::vector<Node> parents;
    std::vector<std::uint32_t> positions;
    for (Node v = 0; v < t.size(); ++v) {
      parents.push_back(t.parent(v));
      positions.push_back(t.position(v));
    }
    assigned.assign(parents, positions);
    expect_healthy(assigned, name + ", assigned");
  }
}

// Lobby and dropout nodes, lifts, unlifts and moves: the write paths of
// placement, compression and transfers.
TEST(VerifyTree, TreesWithLobbyDropoutsLiftsAndMovesHaveNoViolation) {
  const std::uint64_t seed = testing::test_seed();
  std::cout << "DOWNLINE_SEED=" << seed << "\n";
  std::mt19937_64 rng(seed);
  for (const TreeShape shape : {TreeShape{0, 0, true}, TreeShape{2, 0, true}, TreeShape{3, 6}}) {
    NetworkTree t(shape);
    grow_random(t, 300, rng);
    for (Node v = 300; v < 340; ++v) t.append(v, kNoNode, 0, NodeState::lobby);
    std::vector<bool> lifted(t.size(), false);
    for (int step = 0; step < 400; ++step) {
      const Node v = static_cast<Node>(rng() % t.size());
      switch (rng() % 4) {
        case 0:  // compression: out with the children moved up
          if (t.placed(v) && t.children_fit_above(v)) {
            t.lift(v, rng() % 2 ? NodeState::dropout : NodeState::lobby);
            lifted[v] = true;
          }
          break;
        case 1:  // a leaf leaves
          if (t.placed(v) && t.child_count(v) == 0) t.unplace(v, NodeState::dropout);
          break;
        case 2: {  // someone waiting is placed
          const Node p = static_cast<Node>(rng() % t.size());
          if (!t.placed(v) && t.placed(p) && t.has_room(p)) t.place(v, p, t.free_slot(p));
          break;
        }
        case 3: {  // a transfer with the downline
          const Node p = static_cast<Node>(rng() % t.size());
          if (t.placed(v) && t.placed(p) && p != v && !t.is_below(p, v) && t.has_room(p) &&
              (shape.max_depth == 0 || t.depth(p) + 1 + t.height(v) <= shape.max_depth))
            t.move(v, p, t.free_slot(p));
          break;
        }
      }
      if (step % 50 == 0) {
        expect_healthy(t, "step " + std::to_string(step) + ", intervals stale");
        t.ensure_intervals();
        expect_healthy(t, "step " + std::to_string(step) + ", intervals fresh");
      }
    }
    // A lift undone puts everyone back.
    for (Node v = 0; v < t.size(); ++v) {
      if (!t.placed(v) || t.parent(v) == kNoNode || !t.children_fit_above(v)) continue;
      const Node parent = t.parent(v);
      const std::uint32_t position = t.position(v);
      const auto children = t.lift(v, NodeState::dropout);
      expect_healthy(t, "lifted");
      t.unlift(v, parent, position, children);
      expect_healthy(t, "unlifted");
      break;
    }
    std::size_t placed = 0, waiting = 0;
    for (Node v = 0; v < t.size(); ++v) (t.placed(v) ? placed : waiting) += 1;
    EXPECT_GT(placed, 0u);
    EXPECT_GT(waiting, 0u);
  }
}

// Found by this checker: a dropout placed again (or a lift undone when an
// adjustment does not commit) must count only itself, not the downline it
// had before the lift.
TEST(VerifyTree, ALiftedNodePlacedAgainCountsOnlyItself) {
  NetworkTree t(TreeShape{2, 0, true});
  t.append(0, kNoNode);
  t.append(1, 0, 0);
  t.append(2, 1, 0);
  t.lift(1, NodeState::dropout);  // 2 takes 1's slot under 0
  expect_healthy(t, "lifted");
  t.place(1, 0, 1);
  expect_healthy(t, "placed again");  // stale_size: 1 counts 2
  NetworkTree u(TreeShape{2, 0, true});
  u.append(0, kNoNode);
  u.append(1, 0, 0);
  u.append(2, 1, 0);
  const auto children = u.lift(1, NodeState::dropout);
  u.unlift(1, 0, 0, children);
  expect_healthy(u, "lift undone");  // stale_size: 0 and 1 count 2 too many
}

TEST(VerifyTree, AnEmptyTreeAndANetworkOfParentsOnlyAreHealthy) {
  NetworkTree empty;
  expect_healthy(empty, "empty");
  NetworkTree roots(TreeShape{2, 1, true});
  for (Node v = 0; v < 5; ++v) roots.append(v, kNoNode);
  roots.append(5, kNoNode, 0, NodeState::lobby);
  expect_healthy(roots, "roots, stale");
  roots.ensure_intervals();
  expect_healthy(roots, "roots, fresh");
}

// --- planted corruptions: one rule each -------------------------------------------

// 0 ─ 1 ─ 3
//   │   └ 4
//   └ 2 ─ 5
void small_unilevel(NetworkTree& t) {
  t.append(0, kNoNode);
  t.append(1, 0, 0);
  t.append(2, 0, 1);
  t.append(3, 1, 0);
  t.append(4, 1, 1);
  t.append(5, 2, 0);
}

// A full binary tree of 7 in `t` (2 wide): 0; 1, 2; 3, 4 under 1; 5, 6 under 2.
void small_binary(NetworkTree& t) {
  t.append(0, kNoNode);
  for (Node v = 1; v < 7; ++v) t.append(v, (v - 1) / 2, (v - 1) % 2);
}

TEST(VerifyTree, FindsANodeInTwoChildLists) {
  NetworkTree t;
  small_unilevel(t);
  t.ensure_intervals();
  expect_healthy(t, "before");
  // 4 stays under 1 and is also linked after 5 under 2 (slot 1 > 0).
  (t.*P::next_sibling)[5] = 4;
  (t.*P::last_child)[2] = 4;
  (t.*P::child_count)[2] = 2;
  expect_only(t, "second_parent");
  EXPECT_EQ(first_person(check_tree(t, "net")), person(4));
}

TEST(VerifyTree, FindsTwoNodesThatAreEachOthersParent) {
  NetworkTree t;
  t.append(0, kNoNode);
  t.append(1, 0);
  t.append(2, 1);
  // 1 leaves 0's list and hangs under 2, which hangs under 1.
  (t.*P::first_child)[0] = (t.*P::last_child)[0] = kNoNode;
  (t.*P::child_count)[0] = 0;
  (t.*P::parent)[1] = 2;
  (t.*P::first_child)[2] = (t.*P::last_child)[2] = 1;
  (t.*P::child_count)[2] = 1;
  expect_only(t, "cycle");
  const auto found = check_tree(t, "net");
  ASSERT_EQ(found.size(), 1u);  // one cycle, reported once
  EXPECT_EQ(found.front().person, person(1));
}

TEST(VerifyTree, FindsADepthThatIsNotItsParentsPlusOne) {
  NetworkTree t;
  small_unilevel(t);
  t.ensure_intervals();
  (t.*P::depth)[1] = 5;  // its path is 0.1: level 1
  expect_only(t, "stale_depth");
  const auto found = check_tree(t, "net");
  ASSERT_EQ(found.size(), 1u);  // its children are judged by their own path
  EXPECT_EQ(found.front().person, person(1));
}

TEST(VerifyTree, FindsANodeWiderThanTheNetwork) {
  NetworkTree t(TreeShape{3, 0, false});
  t.append(0, kNoNode);
  for (Node v = 1; v < 4; ++v) t.append(v, 0, v - 1);
  t.ensure_intervals();
  expect_healthy(t, "three wide");
  (t.*P::shape).width = 2;  // three children in a binary network
  expect_only(t, "over_wide");
  EXPECT_EQ(first_person(check_tree(t, "net")), person(0));
}

TEST(VerifyTree, FindsANodeDeeperThanTheNetworkAllows) {
  NetworkTree t(TreeShape{0, 3, false});
  for (Node v = 0; v < 4; ++v) t.append(v, v == 0 ? kNoNode : v - 1);
  expect_healthy(t, "four levels in four");
  (t.*P::shape).max_depth = 2;
  expect_only(t, "too_deep");
  EXPECT_EQ(first_person(check_tree(t, "net")), person(3));
}

TEST(VerifyTree, FindsTwoSiblingsInOneSlot) {
  NetworkTree t(TreeShape{2, 0, false});
  small_binary(t);
  t.ensure_intervals();
  (t.*P::position)[4] = 0;  // 3 has slot 0 under 1 already
  expect_only(t, "duplicate_position");
  EXPECT_EQ(first_person(check_tree(t, "net")), person(4));
}

TEST(VerifyTree, FindsASlotOutsideTheWidth) {
  NetworkTree t(TreeShape{2, 0, false});
  small_binary(t);
  (t.*P::position)[4] = 2;
  expect_only(t, "position_range");
}

TEST(VerifyTree, FindsSiblingsOutOfPositionOrder) {
  NetworkTree t(TreeShape{2, 0, false});
  small_binary(t);
  t.ensure_intervals();
  // Under 1: right leg (4) listed before the left one (3).
  (t.*P::first_child)[1] = 4;
  (t.*P::next_sibling)[4] = 3;
  (t.*P::next_sibling)[3] = kNoNode;
  (t.*P::last_child)[1] = 3;
  expect_only(t, "sibling_order");
}

TEST(VerifyTree, FindsAWrongChildCount) {
  NetworkTree t;
  small_unilevel(t);
  (t.*P::child_count)[1] = 3;
  expect_only(t, "child_count");
}

TEST(VerifyTree, FindsAnUnplacedNodeStillLinked) {
  NetworkTree t;
  small_unilevel(t);
  t.ensure_intervals();
  // 5 is marked a dropout but stays in 2's child list.
  (t.*P::state)[5] = static_cast<std::uint8_t>(NodeState::dropout);
  (t.*P::placed_count) -= 1;
  expect_only(t, "unplaced_linked");
  EXPECT_EQ(first_person(check_tree(t, "net")), person(5));
}

TEST(VerifyTree, FindsAnUnplacedNodeThatKeptItsParent) {
  NetworkTree t;
  small_unilevel(t);
  t.unplace(5, NodeState::lobby);
  expect_healthy(t, "unplaced properly");
  (t.*P::parent)[5] = 2;
  expect_only(t, "unplaced_linked");
}

TEST(VerifyTree, FindsAWrongPlacedCount) {
  NetworkTree t;
  small_unilevel(t);
  t.ensure_intervals();
  (t.*P::placed_count) += 1;
  expect_only(t, "placed_count");
}

TEST(VerifyTree, FindsAStaleOpenDepth) {
  NetworkTree t(TreeShape{2, 0, false});
  t.append(0, kNoNode);
  t.append(1, 0, 0);
  t.append(2, 0, 1);
  t.append(3, 1, 0);
  expect_healthy(t, "binary of four");
  (t.*P::open_depth)[3] = 4;  // 3 has two free slots: 1
  expect_only(t, "stale_open_depth");
  EXPECT_EQ(first_person(check_tree(t, "net")), person(3));
}

TEST(VerifyTree, FindsAStaleSubtreeSize) {
  NetworkTree t(TreeShape{2, 0, true});
  small_binary(t);
  expect_healthy(t, "sizes kept");
  (t.*P::size)[2] += 1;
  expect_only(t, "stale_size");
  EXPECT_EQ(first_person(check_tree(t, "net")), person(2));
}

TEST(VerifyTree, FindsAStalePreorder) {
  NetworkTree t;
  small_unilevel(t);
  t.ensure_intervals();
  std::swap((t.*P::preorder)[1], (t.*P::preorder)[2]);
  ASSERT_TRUE(t.intervals_fresh());
  expect_only(t, "stale_preorder");
}

TEST(VerifyTree, LeavesStaleIntervalsAlone) {
  NetworkTree t;
  small_unilevel(t);
  t.ensure_intervals();
  std::swap((t.*P::preorder)[1], (t.*P::preorder)[2]);
  P::set_intervals_fresh(t, false);  // the next reader rebuilds them anyway
  expect_healthy(t, "stale intervals are not read");
}

TEST(VerifyTree, FindsAWrongDepthCopyInPreorder) {
  NetworkTree t;
  small_unilevel(t);
  t.ensure_intervals();
  (t.*P::pre_depth)[2] += 1;
  expect_only(t, "stale_pre_depth");
}

TEST(VerifyTree, FindsAWrongParentCopyInPreorder) {
  NetworkTree t;
  small_unilevel(t);
  t.ensure_intervals();
  (t.*P::pre_parent)[3] = 4;
  expect_only(t, "stale_pre_parent");
}

TEST(VerifyTree, FindsIntervalsThatDoNotNest) {
  NetworkTree t;
  small_unilevel(t);
  t.ensure_intervals();
  (t.*P::exit)[3] += 1;  // 3 is a leaf: its interval would cover 4
  expect_only(t, "stale_interval");
  EXPECT_EQ(first_person(check_tree(t, "net")), person(3));
}

TEST(VerifyTree, FindsArraysOfDifferentLengths) {
  NetworkTree t;
  small_unilevel(t);
  (t.*P::depth).push_back(0);
  expect_only(t, "column_size");
}

TEST(VerifyTree, FindsAPlacedNodeInNoList) {
  NetworkTree t;
  small_unilevel(t);
  // 5 leaves 2's list but keeps its parent.
  (t.*P::first_child)[2] = (t.*P::last_child)[2] = kNoNode;
  (t.*P::child_count)[2] = 0;
  expect_only(t, "unlisted");
}

TEST(VerifyTree, FindsAParentThatDisagreesWithTheList) {
  NetworkTree t;
  small_unilevel(t);
  (t.*P::parent)[4] = 2;  // still in 1's list; same level either way
  expect_only(t, "wrong_parent");
}

TEST(VerifyTree, FindsABrokenList) {
  NetworkTree t;
  small_unilevel(t);
  (t.*P::last_child)[1] = 3;  // the list goes on to 4
  expect_only(t, "broken_list");
  NetworkTree loop;
  small_unilevel(loop);
  (loop.*P::next_sibling)[4] = 3;  // 3 → 4 → 3 → ...
  expect_only(loop, "broken_list");
}

TEST(VerifyTree, FindsAnOrderedFlagThatNoLongerHolds) {
  NetworkTree t;
  t.append(0, kNoNode);
  t.append(1, kNoNode);
  t.move(0, 1, 0);  // 0 below 1: node order is no longer tree order
  expect_healthy(t, "moved");
  (t.*P::ordered) = true;
  expect_only(t, "stale_ordered");
}

TEST(VerifyTree, FindsAStateOutOfRange) {
  NetworkTree t;
  small_unilevel(t);
  t.unplace(5, NodeState::dropout);
  (t.*P::state)[5] = 7;
  expect_only(t, "bad_value");
}

TEST(VerifyTree, StopsAtTheLimit) {
  NetworkTree t(TreeShape{2, 0, false});
  small_binary(t);
  for (auto& c : (t.*P::child_count)) c += 1;
  EXPECT_EQ(check_tree(t, "net", 3).size(), 3u);
  EXPECT_EQ(check_tree(t, "net").size(), 7u);
  EXPECT_TRUE(check_tree(t, "net", 0).empty());
}

// --- the index -----------------------------------------------------------------------

GenealogyIndex small_index() {
  GenealogyIndex index(std::vector<TreeShape>{TreeShape{}, TreeShape{2, 0, true}});
  const std::vector<PersonId> none{PersonId{}, PersonId{}};
  index.add_person(PersonId{1}, CustomerType::consultant, Status::active, none);
  for (std::int64_t id = 2; id <= 6; ++id) {
    const std::vector<PersonId> parents{PersonId{(id) / 2}, PersonId{id / 2}};
    index.add_person(PersonId{id}, CustomerType::consultant, Status::active, parents);
  }
  return index;
}

const std::vector<std::string> kNames{"sponsor", "bin"};

TEST(VerifyIndex, AHealthyIndexHasNoViolation) {
  const GenealogyIndex index = small_index();
  const auto found = check_index(index, kNames);
  EXPECT_TRUE(found.empty()) << describe(found);
}

TEST(VerifyIndex, FindsColumnsOfDifferentLengths) {
  GenealogyIndex index = small_index();
  (index.*GenealogyIndexProbe::statuses).push_back(2);
  const auto found = check_index(index, kNames);
  ASSERT_EQ(rules_of(found), std::set<std::string>{"column_size"}) << describe(found);
  EXPECT_EQ(found.front().network, "");
}

TEST(VerifyIndex, FindsATreeOfAnotherSize) {
  GenealogyIndex index = small_index();
  index.tree(1).append(6, kNoNode);  // a node for a person who does not exist
  const auto found = check_index(index, kNames);
  ASSERT_EQ(rules_of(found), std::set<std::string>{"column_size"}) << describe(found);
  EXPECT_EQ(found.front().network, "bin");
}

TEST(VerifyIndex, NamesTheNetworkOfAViolation) {
  GenealogyIndex index = small_index();
  (index.tree(1).*P::child_count)[0] = 0;
  const auto found = check_index(index, kNames);
  ASSERT_EQ(found.size(), 1u) << describe(found);
  EXPECT_EQ(found.front().rule, "child_count");
  EXPECT_EQ(found.front().network, "bin");
  EXPECT_EQ(found.front().person, PersonId{1});
}

TEST(VerifyIndex, FindsAStatusOutOfRange) {
  GenealogyIndex index = small_index();
  (index.*GenealogyIndexProbe::statuses)[2] = 9;
  const auto found = check_index(index, kNames);
  ASSERT_EQ(rules_of(found), std::set<std::string>{"bad_value"}) << describe(found);
  EXPECT_EQ(found.front().person, PersonId{3});
}

// --- Company::verify: the index against the store ---------------------------------

std::set<std::string> rules_of(const VerifyReport& report) {
  std::set<std::string> rules;
  for (const auto& v : report.violations) rules.insert(v.rule);
  return rules;
}

std::string describe(const VerifyReport& report) {
  std::string out;
  for (const auto& v : report.violations)
    out += "  " + v.rule + " [" + v.network + "] person " + std::to_string(v.person.value()) +
           ": " + v.message + "\n";
  return out.empty() ? "  (none)\n" : out;
}

constexpr const char* kPlacementConfig = R"({"networks": [
  {"name": "bin", "structure": "binary", "placement": {"policy": "weaker_leg"}},
  {"name": "mat", "structure": "matrix", "width": 3, "depth": 4, "max_depth": 12},
  {"name": "comp", "compression": {"statuses": ["inactive"]}},
  {"name": "lob", "structure": "binary",
   "placement": {"policy": "lobby", "fallback": "extreme_left"}}]})";

class VerifyCompany : public ::testing::Test {
 protected:
  static PersonId enroll(Company& co, const std::string& name, PersonId sponsor) {
    auto out = co.enroll(testing::admin(), testing::request(name, sponsor));
    EXPECT_TRUE(out.accepted) << name;
    return out.person;
  }
  // A small sponsor tree in a SQLite file: 1 ─ 2 ─ 4, 1 ─ 3 ─ 5.
  Company open_sqlite(const std::string& path) {
    Company co = Company::open("sqlite:" + path, testing::kConfig);
    const PersonId root = enroll(co, "root", {});
    const PersonId a = enroll(co, "a", root);
    const PersonId b = enroll(co, "b", root);
    enroll(co, "a1", a);
    enroll(co, "b1", b);
    return co;
  }
  static void exec(const std::string& path, const std::string& sql) {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec(sql);
  }
  static std::string sponsor_network(const std::string& path) {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    return std::to_string(db.execAndGet("SELECT id FROM networks WHERE name = 'sponsor'").getInt());
  }
};

TEST_F(VerifyCompany, AHealthyCompanyPassesAfterEveryKindOfChange) {
  const std::uint64_t seed = testing::test_seed();
  std::cout << "DOWNLINE_SEED=" << seed << "\n";
  std::mt19937_64 rng(seed);
  Company co = Company::open("memory:", kPlacementConfig);
  const Actor admin = testing::admin();
  auto report = co.verify(admin);
  EXPECT_TRUE(report.ok) << describe(report);
  EXPECT_EQ(report.persons, 0u);
  std::vector<PersonId> ids{enroll(co, "p0", {})};
  for (int i = 1; i < 80; ++i)
    ids.push_back(enroll(co, "p" + std::to_string(i), ids[rng() % ids.size()]));
  report = co.verify(admin);
  EXPECT_TRUE(report.ok) << describe(report);
  EXPECT_EQ(report.persons, 80u);
  for (int i = 0; i < 40; ++i) {
    const PersonId p = ids[rng() % ids.size()];
    const PersonId to = ids[rng() % ids.size()];
    try {
      switch (rng() % 4) {
        case 0: co.transfer(admin, {p, "comp", to, {}, rng() % 2 == 0, {}, ""}); break;
        case 1: co.transfer(admin, {p, "bin", to, {}, true, {}, ""}); break;
        case 2: co.compress(admin, {"comp", {p}, {}, ""}); break;
        case 3: co.place(admin, p, {"lob", to, {}}); break;
      }
    } catch (const Error&) {
      // refused (own downline, full, not waiting, ...): nothing changed
    }
  }
  co.place_expired(admin, "lob");
  report = co.verify(admin);
  EXPECT_TRUE(report.ok) << describe(report);
}

TEST_F(VerifyCompany, OnlyStaffMayVerify) {
  Company co = Company::open("memory:", testing::kConfig);
  const PersonId root = enroll(co, "root", {});
  EXPECT_THROW(co.verify(Actor::of_person(root)), PermissionDenied);
  EXPECT_THROW(co.verify(Actor::staff("x", {"seller"})), PermissionDenied);
  EXPECT_TRUE(co.verify(Actor::staff("ops", {"operator"})).ok);
}

TEST_F(VerifyCompany, FindsANetworkRowChangedBehindTheIndexsBack) {
  const std::string path = testing::temp_db("verify-node");
  Company co = open_sqlite(path);
  EXPECT_TRUE(co.verify(testing::admin()).ok);
  // Person 5 moves from 3 to 2 (after 4) in the store only.
  exec(
      path,
      "UPDATE network_nodes SET parent_id = 2, position = 1 WHERE person_id = 5 AND network_id = " +
          sponsor_network(path));
  const VerifyReport report = co.verify(testing::admin());
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.persons, 5u);
  ASSERT_EQ(report.violations.size(), 1u) << describe(report);
  const auto& v = report.violations.front();
  EXPECT_EQ(v.rule, "index_storage_mismatch");
  EXPECT_EQ(v.network, "sponsor");
  EXPECT_EQ(v.person, PersonId{5});
  EXPECT_EQ(v.message, "parent 3 in the index, 2 in the store");
  // A reopen builds the index from the store: the two agree again.
  Company reopened = Company::open("sqlite:" + path, testing::kConfig);
  EXPECT_TRUE(reopened.verify(testing::admin()).ok) << describe(reopened.verify(testing::admin()));
}

TEST_F(VerifyCompany, FindsAStatusChangedBehindTheIndexsBack) {
  const std::string path = testing::temp_db("verify-status");
  Company co = open_sqlite(path);
  exec(path, "UPDATE customers SET status = 4 WHERE person_id = 3");  // blocked
  const VerifyReport report = co.verify(testing::admin());
  EXPECT_EQ(rules_of(report), std::set<std::string>{"index_storage_mismatch"}) << describe(report);
  ASSERT_EQ(report.violations.size(), 1u);
  EXPECT_EQ(report.violations.front().network, "");
  EXPECT_EQ(report.violations.front().person, PersonId{3});
  EXPECT_EQ(report.violations.front().message, "status active in the index, blocked in the store");
}

TEST_F(VerifyCompany, FindsAStateAndAZoneChangedBehindTheIndexsBack) {
  const std::string path = testing::temp_db("verify-state");
  Company co = open_sqlite(path);
  exec(path, "UPDATE network_nodes SET state = 2 WHERE person_id = 4 AND network_id = " +
                 sponsor_network(path));
  exec(path, "UPDATE persons SET zone = 'north' WHERE id = 2");
  const VerifyReport report = co.verify(testing::admin());
  EXPECT_EQ(rules_of(report), std::set<std::string>{"index_storage_mismatch"}) << describe(report);
  ASSERT_EQ(report.violations.size(), 2u);
  EXPECT_EQ(report.violations[0].person, PersonId{2});
  EXPECT_EQ(report.violations[0].message, "zone '' in the index, 'north' in the store");
  EXPECT_EQ(report.violations[1].person, PersonId{4});
  EXPECT_EQ(report.violations[1].message, "state placed in the index, dropout in the store");
}

TEST_F(VerifyCompany, FindsAStoredCycleThatAReopenWouldRefuse) {
  const std::string path = testing::temp_db("verify-cycle");
  Company co = open_sqlite(path);
  // 2 under its own recruit 4.
  exec(path, "UPDATE network_nodes SET parent_id = 4 WHERE person_id = 2 AND network_id = " +
                 sponsor_network(path));
  const VerifyReport report = co.verify(testing::admin());
  ASSERT_EQ(rules_of(report), (std::set<std::string>{"index_storage_mismatch", "storage_corrupt"}))
      << describe(report);
  EXPECT_EQ(report.violations.back().rule, "storage_corrupt");
  EXPECT_NE(report.violations.back().message.find("cycle"), std::string::npos);
  EXPECT_THROW(Company::open("sqlite:" + path, testing::kConfig), DataLoss);
}

TEST_F(VerifyCompany, FindsAStoredFaultThatAReopenLetsThrough) {
  const std::string path = testing::temp_db("verify-slots");
  { Company co = open_sqlite(path); }
  // 2 and 3 both in the first slot under 1: the rebuild keeps both.
  exec(path, "UPDATE network_nodes SET position = 0 WHERE parent_id = 1 AND network_id = " +
                 sponsor_network(path));
  Company co = Company::open("sqlite:" + path, testing::kConfig);
  const VerifyReport report = co.verify(testing::admin());
  EXPECT_EQ(rules_of(report), std::set<std::string>{"duplicate_position"}) << describe(report);
  ASSERT_EQ(report.violations.size(), 1u);
  EXPECT_EQ(report.violations.front().network, "sponsor");
  EXPECT_EQ(report.violations.front().person, PersonId{3});
}

TEST_F(VerifyCompany, FindsACorruptLiveIndex) {
  Company co = Company::open("memory:", kPlacementConfig);
  const PersonId root = enroll(co, "root", {});
  enroll(co, "a", root);
  enroll(co, "b", root);
  auto& index = const_cast<GenealogyIndex&>(CompanyAccess::state(co).index);
  (index.tree(2).*P::depth)[2] = 9;  // "bin": networks 0 and 1 are sponsor and referral
  const VerifyReport report = co.verify(testing::admin());
  ASSERT_EQ(report.violations.size(), 1u) << describe(report);
  EXPECT_EQ(report.violations.front().rule, "stale_depth");
  EXPECT_EQ(report.violations.front().network, "bin");
  EXPECT_EQ(report.violations.front().person, PersonId{3});
}

TEST_F(VerifyCompany, SeesWhatAnotherProcessCommitted) {
  const std::string path = testing::temp_db("verify-two");
  Company a = open_sqlite(path);
  Company b = Company::open("sqlite:" + path, testing::kConfig);
  enroll(a, "late", PersonId{2});
  const VerifyReport report = b.verify(testing::admin());
  EXPECT_TRUE(report.ok) << describe(report);
  EXPECT_EQ(report.persons, 6u);
}

TEST(VerifyJson, WritesTheReport) {
  VerifyReport report;
  EXPECT_EQ(json::to_json(report), R"({"ok":true,"persons":"0","violations":[]})");
  report.ok = false;
  report.persons = 12;
  report.violations.push_back({"cycle", "sponsor", PersonId{7}, "persons 7 -> 8 -> 7"});
  report.violations.push_back({"column_size", "", PersonId{}, "status has 13 entries"});
  EXPECT_EQ(
      json::to_json(report),
      R"({"ok":false,"persons":"12","violations":[)"
      R"({"rule":"cycle","network":"sponsor","person":"7","message":"persons 7 -> 8 -> 7"},)"
      R"({"rule":"column_size","network":"","person":null,"message":"status has 13 entries"}]})");
}

}  // namespace
}  // namespace internal
DOWNLINE_END_NAMESPACE
