// Subscriptions to committed events (issue 4: the host sends the configured
// notification for each outcome): every event after the subscription, in
// order, on the library's thread; unsubscribing stops them.
#include <downline/downline.hpp>

#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

namespace downline::testing {
namespace {

// What a subscriber saw, and a wait for a given event.
class Seen {
 public:
  EventFn fn() {
    return [this](const Event& e) {
      std::lock_guard lock(mu_);
      events_.push_back(e);
      cv_.notify_all();
    };
  }
  /// Waits (up to 10 s) until the event `seq` came; false when it did not.
  bool wait_for(EventSeq seq) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10),
                        [&] { return !events_.empty() && events_.back().seq >= seq; });
  }
  std::vector<Event> events() {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
};

TEST(Events, ASubscriberGetsEveryCommittedEventInOrderFromItsSubscriptionOn) {
  Company company = Company::open("memory:", kConfig);
  const PersonId before = company.enroll(admin(), request("before")).person;
  Seen seen;
  const std::uint64_t id = company.subscribe(admin(), seen.fn());
  const EnrollmentOutcome a = company.enroll(admin(), request("a", before));
  const BulkEnrollmentOutcome many =
      company.enroll_many(admin(), std::vector{request("b", before), request("c", before)});
  company.change_status(admin(), {a.person, Status::inactive, "no orders"});
  const EventSeq last = company.set_vip(admin(), before, true, "top seller");
  ASSERT_TRUE(seen.wait_for(last));
  const std::vector<Event> events = seen.events();
  std::vector<std::string> kinds;
  for (const Event& e : events) kinds.push_back(e.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"enrolled", "enrolled", "enrolled", "inactivated",
                                             "vip_granted"}));
  EXPECT_EQ(events[0].seq, a.event);
  EXPECT_EQ(events[0].person, a.person);
  EXPECT_EQ(events[2].seq, many.last_event);
  EXPECT_EQ(events[3].reason, "no orders");
  EXPECT_EQ(events[3].actor, "backend");
  for (std::size_t i = 1; i < events.size(); ++i) EXPECT_GT(events[i].seq, events[i - 1].seq);
  company.unsubscribe(id);
}

TEST(Events, UnsubscribingStopsThemAndAThrowingSubscriberStopsNoOne) {
  Company company = Company::open("memory:", kConfig);
  Seen first, second;
  int thrown = 0;
  const std::uint64_t a = company.subscribe(admin(), first.fn());
  company.subscribe(admin(), [&](const Event&) {
    ++thrown;
    throw std::runtime_error("the host's mail server is down");
  });
  const std::uint64_t c = company.subscribe(admin(), second.fn());
  const EventSeq one = company.enroll(admin(), request("one")).event;
  ASSERT_TRUE(first.wait_for(one));
  ASSERT_TRUE(second.wait_for(one));
  company.unsubscribe(a);
  const EventSeq two = company.enroll(admin(), request("two")).event;
  ASSERT_TRUE(second.wait_for(two));  // after the thrower, the next event still came
  EXPECT_EQ(first.events().size(), 1u);
  EXPECT_EQ(second.events().size(), 2u);
  EXPECT_EQ(thrown, 2);
  company.unsubscribe(c);
  company.unsubscribe(12345);  // unknown: ignored
}

TEST(Events, ASubscriberMayUnsubscribeItselfAndOnlyStaffSubscribe) {
  Company company = Company::open("memory:", kConfig);
  Seen seen;
  std::uint64_t self = 0;
  std::mutex mu;
  int calls = 0;
  {
    std::lock_guard lock(mu);
    self = company.subscribe(admin(), [&](const Event&) {
      std::lock_guard inner(mu);
      ++calls;
      company.unsubscribe(self);
    });
  }
  company.subscribe(admin(), seen.fn());
  company.enroll(admin(), request("one"));
  const EventSeq two = company.enroll(admin(), request("two")).event;
  ASSERT_TRUE(seen.wait_for(two));
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(calls, 1);
  }
  const PersonId p = company.find_person(admin(), "ext-one").value();
  EXPECT_THROW(company.subscribe(Actor::of_person(p), seen.fn()), PermissionDenied);
  EXPECT_THROW(company.subscribe(admin(), EventFn{}), InvalidArgument);
}

TEST(Events, AnotherProcesssEventsComeOnceThisCompanySeesThem) {
  const std::string path = temp_db("events");
  Company writer = Company::open("sqlite:" + path, kConfig);
  Company reader = Company::open("sqlite:" + path, kConfig);
  Seen seen;
  reader.subscribe(admin(), seen.fn());
  const EventSeq seq = writer.enroll(admin(), request("far")).event;
  reader.refresh();
  ASSERT_TRUE(seen.wait_for(seq));
  EXPECT_EQ(seen.events().back().kind, "enrolled");
}

}  // namespace
}  // namespace downline::testing
