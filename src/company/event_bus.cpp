#include "company/event_bus.hpp"

#include "storage/store.hpp"

#include <algorithm>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

EventBus::~EventBus() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t EventBus::subscribe(EventFn fn, EventSeq from) {
  std::lock_guard lock(mu_);
  if (!thread_.joinable()) {
    delivered_ = committed_ = from;
    thread_ = std::thread([this] { run(); });
  }
  // Delivery may lag: the events committed before now are not this one's.
  const std::uint64_t id = next_id_++;
  subscribers_.emplace(id, std::make_pair(std::move(fn), std::max(from, delivered_)));
  return id;
}

void EventBus::unsubscribe(std::uint64_t id) {
  std::unique_lock lock(mu_);
  subscribers_.erase(id);
  if (std::this_thread::get_id() == thread_.get_id()) return;  // from its own function
  idle_.wait(lock, [&] { return calling_ != id; });
}

void EventBus::committed(EventSeq seq) noexcept {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable() || seq <= committed_) return;
    committed_ = seq;
  }
  wake_.notify_one();
}

void EventBus::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || committed_ > delivered_; });
    if (stop_) return;
    const EventSeq after = delivered_;
    lock.unlock();
    std::vector<EventRow> rows;
    try {
      rows = store_.events_after(after, 1000);
    } catch (...) {
      // The store cannot be read now: the next commit tries again.
    }
    lock.lock();
    if (rows.empty()) {
      // Nothing readable (a failed read, or a sequence number no event
      // took): wait for the next commit instead of spinning.
      if (!stop_ && committed_ > delivered_)
        wake_.wait(lock, [&, seen = committed_] { return stop_ || committed_ > seen; });
      continue;
    }
    for (EventRow& row : rows) {
      const Event event{row.seq,
                        std::move(row.kind),
                        row.person,
                        row.effective_at,
                        row.recorded_at,
                        std::move(row.actor),
                        std::move(row.reason),
                        std::move(row.payload)};
      // Subscriptions may come and go while a function runs: ask the map
      // for the next id each time.
      for (auto it = subscribers_.begin(); it != subscribers_.end() && !stop_;) {
        const std::uint64_t id = it->first;
        if (it->second.second < event.seq) {
          const EventFn fn = it->second.first;
          calling_ = id;
          lock.unlock();
          try {
            fn(event);
          } catch (...) {
            // A host's failure is its own; the next event still comes.
          }
          lock.lock();
          calling_ = 0;
          idle_.notify_all();
        }
        it = subscribers_.upper_bound(id);
      }
      if (stop_) return;
      delivered_ = event.seq;
    }
  }
}

}  // namespace internal
DOWNLINE_END_NAMESPACE
