// Transfers and compression: what moves, what is refused (with the reason),
// and that a refused adjustment writes nothing.
#include <downline/downline.hpp>

#include "company/company_state.hpp"
#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

#include <set>

namespace downline {
namespace {

using testing::admin;
using testing::in_network;
using testing::request;

class Adjustments : public ::testing::Test {
 protected:
  void open(const std::string& networks) {
    clock_ = std::make_shared<ManualClock>(Instant::parse_rfc3339("2026-01-01T00:00:00Z"));
    co_.emplace(Company::open("memory:", R"({"networks": )" + networks + "}", OpenOptions{clock_}));
  }
  Company& co() { return *co_; }
  PersonId enroll(const std::string& name, PersonId sponsor, const std::string& zone = "") {
    auto r = request(name, sponsor);
    r.person.zone = zone;
    auto out = co().enroll(admin(), r);
    EXPECT_TRUE(out.accepted);
    return out.person;
  }
  PersonId parent(PersonId p, const std::string& network) {
    auto up = co().upline(admin(), p, network, 1);
    return up.empty() ? PersonId{} : up.front().id;
  }
  std::set<std::int64_t> downline_of(PersonId p, const std::string& network) {
    std::set<std::int64_t> out;
    for (const auto& m : co().downline(admin(), p, in_network(network)).members)
      out.insert(m.id.value());
    return out;
  }
  /// Row counts and the index digest: a refused call changes neither.
  std::pair<internal::StoreCounts, std::uint64_t> snapshot() {
    const auto& s = internal::CompanyAccess::state(co());
    return {s.store->counts(), s.index.digest()};
  }
  template <class E, class Fn>
  void refused(Fn&& fn, const std::string& field, const std::string& words) {
    const auto before = snapshot();
    try {
      fn();
      ADD_FAILURE() << "not refused: " << words;
    } catch (const E& e) {
      EXPECT_EQ(e.field(), field) << e.what();
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
    EXPECT_EQ(snapshot(), before) << words;
  }

  std::shared_ptr<ManualClock> clock_;
  std::optional<Company> co_;
};

TEST_F(Adjustments, ATransferWithTheDownlineMovesTheWholeSubtree) {
  open(R"([{"name": "net", "transfers": {"max_moves": 2}}])");
  const PersonId root = enroll("root", {});
  const PersonId a = enroll("a", root);
  const PersonId b = enroll("b", root);
  const PersonId a1 = enroll("a1", a);
  const PersonId a2 = enroll("a2", a1);
  auto out = co().transfer(admin(), {a, "net", b, {}, true, {}, "realignment"});
  EXPECT_EQ(out.moved, (std::vector<PersonId>{a}));
  EXPECT_EQ(parent(a, "net"), b);
  EXPECT_EQ(parent(a1, "net"), a);
  EXPECT_EQ(co().level(admin(), a2, "net"), 4u);
  EXPECT_EQ(downline_of(b, "net"), (std::set<std::int64_t>{a.value(), a1.value(), a2.value()}));
  EXPECT_EQ(co().network_id(admin(), a2, "net"), "1.3.2.4.5");
  // The sponsor network did not move.
  EXPECT_EQ(parent(a, "sponsor"), root);
  const auto events = co().events(admin(), EventSeq{}, 100);
  EXPECT_EQ(events.back().kind, "transferred");
  EXPECT_EQ(events.back().reason, "realignment");
  // Under their own downline: refused, nothing written.
  refused<FailedPrecondition>(
      [&] {
        co().transfer(admin(), {a, "net", a2, {}, true, {}, ""});
      },
      "new_parent", "own downline");
  refused<FailedPrecondition>(
      [&] {
        co().transfer(admin(), {a, "net", a, {}, true, {}, ""});
      },
      "new_parent", "own downline");
  // At most two moves.
  co().transfer(admin(), {a, "net", root, {}, true, {}, ""});
  refused<FailedPrecondition>(
      [&] {
        co().transfer(admin(), {a, "net", b, {}, true, {}, ""});
      },
      "person", "moved 2 times");
  // Staff only.
  EXPECT_THROW(co().transfer(Actor::of_person(root), {b, "net", a, {}, true, {}, ""}),
               PermissionDenied);
}

TEST_F(Adjustments, ATransferAloneLeavesTheChildrenWithTheFormerParent) {
  open(R"([{"name": "bin", "structure": "binary"}])");
  const PersonId root = enroll("root", {});
  const PersonId a = enroll("a", root);  // root.0
  const PersonId b = enroll("b", root);  // root.1
  const PersonId c = enroll("c", a);     // a.0
  const PersonId d = enroll("d", a);     // a.1
  // a alone under b: c takes a's slot under root; d does not fit (root is full).
  refused<FailedPrecondition>(
      [&] {
        co().transfer(admin(), {a, "bin", b, {}, false, {}, ""});
      },
      "with_downline", "do not fit");
  // Move d away first; then c alone takes a's slot.
  co().transfer(admin(), {d, "bin", b, 0, true, {}, ""});
  auto out = co().transfer(admin(), {a, "bin", b, 1, false, {}, ""});
  EXPECT_EQ(out.moved, (std::vector<PersonId>{c, a}));
  EXPECT_EQ(parent(c, "bin"), root);
  EXPECT_EQ(co().reader(admin(), "bin").children(root)[0].id, c);  // a's former slot 0
  EXPECT_EQ(parent(a, "bin"), b);
  EXPECT_TRUE(co().downline(admin(), a, in_network("bin")).members.empty());
  const auto events = co().events(admin(), EventSeq{}, 100);
  EXPECT_EQ(events[events.size() - 2].kind, "moved_up");
  EXPECT_EQ(events.back().kind, "transferred");
  // A full parent is refused with the reason.
  refused<FailedPrecondition>(
      [&] {
        co().transfer(admin(), {c, "bin", b, 0, true, {}, ""});
      },
      "new_parent", "network_full");
  refused<InvalidArgument>(
      [&] {
        co().transfer(admin(), {c, "bin", b, 2, true, {}, ""});
      },
      "position", "outside");
}

TEST_F(Adjustments, AMoveThatWouldGoBelowTheDeepestLevelIsRefused) {
  open(R"([{"name": "lim", "max_depth": 2}])");
  const PersonId root = enroll("root", {});
  const PersonId a = enroll("a", root);
  const PersonId b = enroll("b", root);
  enroll("c", a);
  // b is at level 1: a would be at 2 and c at 3, below the deepest level.
  refused<FailedPrecondition>(
      [&] {
        co().transfer(admin(), {a, "lim", b, {}, true, {}, ""});
      },
      "new_parent", "deeper than level 2");
  // Alone, a fits at level 2 (c moves up to the root).
  co().transfer(admin(), {a, "lim", b, {}, false, {}, ""});
  EXPECT_EQ(co().level(admin(), a, "lim"), 2u);
}

TEST_F(Adjustments, AChangeCannotTakeEffectAfterNow) {
  // Found by the simulation: a transfer dated tomorrow moved the tree today,
  // an enrollment then took the freed slot, and the history no longer
  // replayed (an "as of" reader refused the store as corrupt).
  open(R"([{"name": "bin", "structure": "binary", "compression": {"statuses": ["inactive"]}}])");
  const PersonId root = enroll("root", {});
  const PersonId a = enroll("a", root);
  const PersonId b = enroll("b", root);
  const Instant tomorrow{clock_->now().micros_since_epoch + 86'400'000'000LL};
  refused<FailedPrecondition>(
      [&] {
        co().transfer(admin(), {a, "bin", b, {}, true, tomorrow, ""});
      },
      "effective_at", "after now");
  refused<FailedPrecondition>(
      [&] {
        co().compress(admin(), {"bin", {a}, Instant{clock_->now().micros_since_epoch + 1}, ""});
      },
      "effective_at", "after now");
  // Now itself is fine, and the past stays readable.
  co().transfer(admin(), {a, "bin", b, {}, true, clock_->now(), ""});
  EXPECT_EQ(parent(a, "bin"), b);
  const PersonId c = enroll("c", root);
  EXPECT_EQ(co().reader(admin(), "bin", clock_->now()).children(root).size(), 2u);
  EXPECT_EQ(parent(c, "bin"), root);
}

TEST_F(Adjustments, WindowsTerritoriesAndHistoryOrderAreEnforced) {
  open(R"([{"name": "net", "transfers": {"window_days": 30, "across_territories": false}}])");
  const PersonId root = enroll("root", {}, "north");
  const PersonId a = enroll("a", root, "north");
  const PersonId s = enroll("s", root, "south");
  const PersonId n2 = enroll("n2", root, "north");
  refused<FailedPrecondition>(
      [&] {
        co().transfer(admin(), {a, "net", s, {}, true, {}, ""});
      },
      "new_parent", "territory");
  co().transfer(admin(), {a, "net", n2, {}, true, {}, ""});
  // Before the latest change: history is only appended.
  refused<FailedPrecondition>(
      [&] {
        co().transfer(
            admin(),
            {a, "net", root, {}, true, Instant::parse_rfc3339("2025-12-31T00:00:00Z"), ""});
      },
      "effective_at", "cannot take effect before");
  clock_->advance_micros(31LL * 86'400'000'000LL);
  refused<FailedPrecondition>(
      [&] {
        co().transfer(admin(), {a, "net", root, {}, true, {}, ""});
      },
      "person", "within 30 days");
  refused<NotFound>(
      [&] {
        co().transfer(admin(), {PersonId{99}, "net", root, {}, true, {}, ""});
      },
      "person", "no person");
  EXPECT_THROW(co().transfer(admin(), {a, "nowhere", root, {}, true, {}, ""}), NotFound);
}

TEST_F(Adjustments, CompressionMovesThreeChildrenUpOneLevelAndKeepsUplineTotals) {
  open(R"([{"name": "comp", "compression": {"statuses": ["inactive"]}}])");
  const PersonId root = enroll("root", {});
  const PersonId up = enroll("up", root);
  const PersonId x = enroll("x", up);  // the inactive one, with three children
  const PersonId c1 = enroll("c1", x);
  const PersonId c2 = enroll("c2", x);
  const PersonId c3 = enroll("c3", x);
  const PersonId g = enroll("g", c2);
  const auto root_before = downline_of(root, "comp");
  const auto up_before = downline_of(up, "comp");
  // Everyone but the inactive x has volume.
  RecalculationRequest recalc;
  recalc.network = "comp";
  std::int64_t units = 1;
  for (PersonId p : {root, up, c1, c2, c3, g})
    recalc.personal_volumes.push_back({p, Decimal::from_integer(units *= 3)});
  co().recalculate(admin(), recalc);
  const Decimal root_gv = co().figures(admin(), root, "comp").group_volume;
  const Decimal up_gv = co().figures(admin(), up, "comp").group_volume;
  auto out = co().compress(admin(), {"comp", {x}, {}, "campaign 12 close"});
  EXPECT_EQ(out.removed, (std::vector<PersonId>{x}));
  EXPECT_EQ(out.moved, (std::vector<PersonId>{c1, c2, c3}));
  for (PersonId c : {c1, c2, c3}) {
    EXPECT_EQ(parent(c, "comp"), up);
    EXPECT_EQ(co().level(admin(), c, "comp"), 2u);
  }
  EXPECT_EQ(co().level(admin(), g, "comp"), 3u);
  // Every upline keeps the same persons below, less the dropout: with the
  // dropout's volume at zero, their group volumes are unchanged.
  auto without_x = [&](std::set<std::int64_t> s) {
    s.erase(x.value());
    return s;
  };
  EXPECT_EQ(downline_of(root, "comp"), without_x(root_before));
  EXPECT_EQ(downline_of(up, "comp"), without_x(up_before));
  co().recalculate(admin(), recalc);
  EXPECT_EQ(co().figures(admin(), root, "comp").group_volume, root_gv);
  EXPECT_EQ(co().figures(admin(), up, "comp").group_volume, up_gv);
  EXPECT_EQ(co().figures(admin(), up, "comp").legs.size(), 3u);  // c1, c2, c3 now
  EXPECT_THROW(co().level(admin(), x, "comp"), FailedPrecondition);
  // The events: one per person, the dropout first.
  const auto events = co().events(admin(), EventSeq{}, 100);
  ASSERT_GE(events.size(), 4u);
  EXPECT_EQ(events[events.size() - 4].kind, "dropped_out");
  EXPECT_EQ(events.back().kind, "moved_up");
  EXPECT_EQ(events.back().reason, "campaign 12 close");
  // The sponsor network is not compressed.
  refused<InvalidArgument>(
      [&] {
        co().compress(admin(), {"sponsor", {x}, {}, ""});
      },
      "network", "enrolled whom");
  refused<FailedPrecondition>(
      [&] {
        co().compress(admin(), {"comp", {x}, {}, ""});
      },
      "persons[0]", "no place");
}

TEST_F(Adjustments, CompressionFollowsRemovedChainsToTheNearestRemainingUpline) {
  open(R"([{"name": "comp"}])");
  const PersonId root = enroll("root", {});
  const PersonId a = enroll("a", root);
  const PersonId b = enroll("b", a);
  const PersonId c = enroll("c", b);
  const PersonId d = enroll("d", a);
  auto out = co().compress(admin(), {"comp", {b, a}, {}, ""});
  EXPECT_EQ(out.removed, (std::vector<PersonId>{a, b}));
  EXPECT_EQ(parent(c, "comp"), root);
  EXPECT_EQ(parent(d, "comp"), root);
  EXPECT_EQ(co().level(admin(), c, "comp"), 1u);
  // No configured statuses and no list: the caller must name the persons.
  refused<InvalidArgument>(
      [&] {
        co().compress(admin(), {"comp", {}, {}, ""});
      },
      "persons", "no compression statuses");
}

TEST_F(Adjustments, ARefusedCompressionInANarrowNetworkWritesNothing) {
  open(R"([{"name": "bin", "structure": "binary"}])");
  const PersonId root = enroll("root", {});
  const PersonId a = enroll("a", root);
  enroll("b", root);
  enroll("a1", a);
  enroll("a2", a);
  // a's two children cannot both take a's one slot under a full root.
  refused<FailedPrecondition>(
      [&] {
        co().compress(admin(), {"bin", {a}, {}, ""});
      },
      "persons", "do not fit");
}

TEST_F(Adjustments, OtherProcessesSeeTransfersAndCompressions) {
  const auto path = testing::temp_db("adjustments");
  const std::string config = R"({"networks": [{"name": "net"}]})";
  auto writer = Company::open(path, config);
  auto reader = Company::open(path, config);
  EnrollmentRequest r = request("root");
  const PersonId root = writer.enroll(admin(), r).person;
  const PersonId a = writer.enroll(admin(), request("a", root)).person;
  const PersonId b = writer.enroll(admin(), request("b", root)).person;
  const PersonId c = writer.enroll(admin(), request("c", a)).person;
  writer.transfer(admin(), {a, "net", b, {}, true, {}, ""});
  writer.compress(admin(), {"net", {b}, {}, ""});
  reader.refresh();
  EXPECT_EQ(internal::CompanyAccess::state(reader).index.digest(),
            internal::CompanyAccess::state(writer).index.digest());
  EXPECT_EQ(reader.upline(admin(), c, "net").size(), 2u);  // c -> a -> root
  auto reopened = Company::open(path, config);
  EXPECT_EQ(internal::CompanyAccess::state(reopened).index.digest(),
            internal::CompanyAccess::state(writer).index.digest());
}

}  // namespace
}  // namespace downline
