// Delivery of committed events to the host's subscribers (issue 4: the host
// sends the configured notification for each enrollment outcome).
#pragma once

#include <downline/company.hpp>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

class Store;

/// Calls each subscriber with every event committed after it subscribed, in
/// sequence order, on one thread of its own (started by the first
/// subscription), so that no writer waits for a host's callback.
class EventBus {
 public:
  explicit EventBus(const Store& store) : store_(store) {}
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;
  /// Stops the thread; events not yet delivered are not.
  ~EventBus();

  /// Adds `fn` for the events after `from`; returns its id. Throws
  /// std::system_error when no thread can be started.
  std::uint64_t subscribe(EventFn fn, EventSeq from);
  /// Removes a subscription; when it returns, its function is not running
  /// (unless called from that function) and will not be called again.
  void unsubscribe(std::uint64_t id);
  /// Events up to `seq` are committed: wakes the thread. Never fails.
  void committed(EventSeq seq) noexcept;

 private:
  void run();

  const Store& store_;
  std::mutex mu_;
  std::condition_variable wake_, idle_;
  std::map<std::uint64_t, std::pair<EventFn, EventSeq>> subscribers_;  // fn, subscribed after
  std::uint64_t next_id_ = 1;
  std::uint64_t calling_ = 0;  // the subscription whose function runs now
  EventSeq delivered_, committed_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace internal
DOWNLINE_END_NAMESPACE
