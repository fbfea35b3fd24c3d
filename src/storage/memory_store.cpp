// The memory store: plain containers behind one mutex. For tests and
// notebooks; nothing survives the process.
#include <downline/error.hpp>

#include "storage/store.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <unordered_map>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

struct MemoryData {
  std::map<std::int64_t, PersonRow> persons;
  std::unordered_map<std::string, PersonId> by_external_id;
  std::map<std::pair<int, std::int64_t>, NodeRow> nodes;
  std::vector<ChangeRow> changes;
  std::vector<RankChangeRow> rank_changes;
  std::vector<EventRow> events;
  std::map<std::string, int, std::less<>> networks;
  std::map<std::string, UserRow, std::less<>> users;
};

class MemoryStore;

class MemoryTxn final : public WriteTxn {
 public:
  MemoryTxn(MemoryData& data, std::mutex& mu, std::unique_lock<std::mutex> writer)
      : data_(data), mu_(mu), writer_(std::move(writer)) {
    std::lock_guard lock(mu_);
    next_seq_ = static_cast<std::int64_t>(data_.events.size()) + 1;
  }
  void insert_person(const PersonRow& row) override {
    if (!row.data.external_id.empty() && external_id_exists(row.data.external_id))
      throw AlreadyExists("external id '" + row.data.external_id + "' exists", "external_id");
    if (!row.data.external_id.empty()) staged_ext_.emplace(row.data.external_id, row.id);
    persons_.push_back(row);
  }
  void insert_node(const NodeRow& row) override { nodes_.push_back(row); }
  void update_node(const NodeRow& row, bool count_move) override {
    NodeRow updated = current_node(row.network, row.person);
    updated.parent = row.parent;
    updated.position = row.position;
    updated.state = row.state;
    if (count_move) ++updated.moves;
    nodes_.push_back(updated);
  }
  void update_nodes(std::span<const NodeUpdate> rows) override {
    for (const NodeUpdate& u : rows) update_node(u.node, u.count_move);
  }
  void insert_change(const ChangeRow& row) override { changes_.push_back(row); }
  void insert_changes(std::span<const ChangeRow> rows) override {
    changes_.insert(changes_.end(), rows.begin(), rows.end());
  }
  void set_rank(PersonId person, std::uint8_t rank) override {
    auto staged = std::find_if(persons_.rbegin(), persons_.rend(),
                               [&](const PersonRow& p) { return p.id == person; });
    if (staged != persons_.rend()) {
      staged->rank = rank;
      return;
    }
    std::lock_guard lock(mu_);
    if (!data_.persons.count(person.value())) throw Internal("no person to rank");
    ranks_.emplace_back(person, rank);
  }
  void insert_rank_change(const RankChangeRow& row) override { rank_changes_.push_back(row); }
  EventSeq append_event(const EventRow& row) override {
    events_.push_back(row);
    events_.back().seq = EventSeq{next_seq_++};
    return events_.back().seq;
  }
  EventSeq append_events(std::span<const EventRow> rows) override {
    const EventSeq first = rows.empty() ? EventSeq{} : EventSeq{next_seq_};
    for (const EventRow& row : rows) append_event(row);
    return first;
  }
  void insert_user(const UserRow& row) override {
    bool taken = std::any_of(users_.begin(), users_.end(),
                             [&](const UserRow& u) { return u.login == row.login; });
    {
      std::lock_guard lock(mu_);
      taken = taken || data_.users.count(row.login) > 0;
    }
    if (taken) throw AlreadyExists("login '" + row.login + "' exists", "login");
    users_.push_back(row);
  }
  bool external_id_exists(std::string_view external_id) override {
    std::string key(external_id);
    if (staged_ext_.count(key)) return true;
    std::lock_guard lock(mu_);
    return data_.by_external_id.count(key) > 0;
  }
  void commit() override {
    std::lock_guard lock(mu_);
    for (auto& p : persons_) {
      if (!p.data.external_id.empty()) data_.by_external_id.emplace(p.data.external_id, p.id);
      data_.persons.emplace(p.id.value(), std::move(p));
    }
    for (auto& n : nodes_) data_.nodes[{n.network, n.person.value()}] = n;
    for (auto& c : changes_) data_.changes.push_back(c);
    changes_.clear();
    for (auto [person, rank] : ranks_) data_.persons.at(person.value()).rank = rank;
    ranks_.clear();
    for (auto& r : rank_changes_) data_.rank_changes.push_back(std::move(r));
    rank_changes_.clear();
    for (auto& e : events_) data_.events.push_back(std::move(e));
    for (auto& u : users_) data_.users.emplace(u.login, std::move(u));
    users_.clear();
    persons_.clear();
    nodes_.clear();
    staged_nodes_.clear();
    indexed_nodes_ = 0;
    events_.clear();
  }

 private:
  // The latest version of a node: staged in this transaction, or stored.
  NodeRow current_node(int network, PersonId person) {
    for (; indexed_nodes_ < nodes_.size(); ++indexed_nodes_)
      staged_nodes_[{nodes_[indexed_nodes_].network, nodes_[indexed_nodes_].person.value()}] =
          indexed_nodes_;
    if (auto it = staged_nodes_.find({network, person.value()}); it != staged_nodes_.end())
      return nodes_[it->second];
    std::lock_guard lock(mu_);
    auto it = data_.nodes.find({network, person.value()});
    if (it == data_.nodes.end()) throw Internal("no network node to update");
    return it->second;
  }

  MemoryData& data_;
  std::mutex& mu_;
  std::unique_lock<std::mutex> writer_;
  std::int64_t next_seq_ = 1;
  std::vector<PersonRow> persons_;
  std::vector<NodeRow> nodes_;
  // Where the latest version of each staged node is in nodes_, for the first
  // indexed_nodes_ of them (filled when a node is updated).
  std::map<std::pair<int, std::int64_t>, std::size_t> staged_nodes_;
  std::size_t indexed_nodes_ = 0;
  std::vector<ChangeRow> changes_;
  std::vector<std::pair<PersonId, std::uint8_t>> ranks_;
  std::vector<RankChangeRow> rank_changes_;
  std::vector<EventRow> events_;
  std::vector<UserRow> users_;
  std::unordered_map<std::string, PersonId> staged_ext_;
};

class MemoryStore final : public Store {
 public:
  using Store::begin_write;
  // Nothing to skip: the memory store checks no references.
  std::unique_ptr<WriteTxn> begin_write(KeyChecks) override {
    return std::make_unique<MemoryTxn>(data_, mu_, std::unique_lock(writer_));
  }
  int network_id(std::string_view name) override {
    std::lock_guard lock(mu_);
    auto it = data_.networks.find(name);
    if (it != data_.networks.end()) return it->second;
    int id = static_cast<int>(data_.networks.size()) + 1;
    data_.networks.emplace(std::string(name), id);
    return id;
  }
  void scan_persons(const std::function<void(const PersonColumns&)>& fn) const override {
    std::lock_guard lock(mu_);
    for (const auto& [id, p] : data_.persons)
      fn(PersonColumns{p.id, p.type, p.status, p.data.zone, p.rank, p.enrolled_at});
  }
  void scan_nodes(int network, const std::function<void(const NodeRow&)>& fn) const override {
    std::lock_guard lock(mu_);
    for (auto it = data_.nodes.lower_bound({network, 0});
         it != data_.nodes.end() && it->first.first == network; ++it)
      fn(it->second);
  }
  std::optional<NodeRow> get_node(int network, PersonId person) const override {
    std::lock_guard lock(mu_);
    auto it = data_.nodes.find({network, person.value()});
    if (it == data_.nodes.end()) return std::nullopt;
    return it->second;
  }
  void scan_changes(int network, const std::function<void(const ChangeRow&)>& fn) const override {
    std::vector<ChangeRow> rows;
    {
      std::lock_guard lock(mu_);
      for (const auto& c : data_.changes)
        if (c.network == network) rows.push_back(c);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const ChangeRow& a, const ChangeRow& b) {
      if (a.person != b.person) return a.person < b.person;
      if (a.effective_at != b.effective_at) return a.effective_at < b.effective_at;
      return a.seq < b.seq;
    });
    for (const auto& c : rows) fn(c);
  }
  std::optional<PersonRow> get_person(PersonId id) const override {
    std::lock_guard lock(mu_);
    auto it = data_.persons.find(id.value());
    if (it == data_.persons.end()) return std::nullopt;
    return it->second;
  }
  std::optional<PersonId> find_external_id(std::string_view external_id) const override {
    std::lock_guard lock(mu_);
    auto it = data_.by_external_id.find(std::string(external_id));
    if (it == data_.by_external_id.end()) return std::nullopt;
    return it->second;
  }
  std::optional<UserRow> get_user(std::string_view login) const override {
    std::lock_guard lock(mu_);
    auto it = data_.users.find(login);
    if (it == data_.users.end()) return std::nullopt;
    return it->second;
  }
  std::vector<EventRow> events_after(EventSeq after, std::size_t limit) const override {
    std::lock_guard lock(mu_);
    std::vector<EventRow> out;
    for (auto i = static_cast<std::size_t>(std::max<std::int64_t>(after.value(), 0));
         i < data_.events.size() && out.size() < limit; ++i)
      out.push_back(data_.events[i]);
    return out;
  }
  StoreCounts counts() const override {
    std::lock_guard lock(mu_);
    return StoreCounts{data_.persons.size(),
                       data_.persons.size(),
                       data_.nodes.size(),
                       data_.events.size(),
                       static_cast<std::int64_t>(data_.events.size()),
                       data_.changes.size(),
                       data_.rank_changes.size()};
  }
  std::vector<RankChangeRow> rank_history(PersonId person) const override {
    std::lock_guard lock(mu_);
    std::vector<RankChangeRow> out;
    for (const auto& r : data_.rank_changes)
      if (r.person == person) out.push_back(r);
    std::stable_sort(out.begin(), out.end(), [](const RankChangeRow& a, const RankChangeRow& b) {
      return a.effective_at != b.effective_at ? a.effective_at < b.effective_at : a.seq < b.seq;
    });
    return out;
  }
  bool others_may_have_written() const override { return false; }
  EventSeq last_event_seq() const override {
    std::lock_guard lock(mu_);
    return EventSeq{static_cast<std::int64_t>(data_.events.size())};
  }
  // No other process reaches this store and the caller holds the writer
  // lock, so plain reads are already a snapshot.
  void with_read_snapshot(const std::function<void()>& fn) const override { fn(); }

 private:
  mutable std::mutex mu_;
  std::mutex writer_;
  MemoryData data_;
};

}  // namespace

std::unique_ptr<Store> open_memory_store() {
  return std::make_unique<MemoryStore>();
}

}  // namespace internal
DOWNLINE_END_NAMESPACE
