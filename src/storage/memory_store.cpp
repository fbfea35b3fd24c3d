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
  std::map<std::pair<std::string, std::string>, std::string> columns;  // (campaign, name)
  std::map<std::int64_t, PersonRow> persons;
  std::unordered_map<std::string, PersonId> by_external_id;
  std::map<std::pair<int, std::int64_t>, NodeRow> nodes;
  std::vector<ChangeRow> changes;
  std::vector<RankChangeRow> rank_changes;
  std::vector<EventRow> events;
  std::map<std::string, int, std::less<>> networks;
  std::map<std::string, UserRow, std::less<>> users;
  // The first person with each e-mail key / document (uniqueness is the
  // configuration's choice, so a key may repeat).
  std::unordered_map<std::string, PersonId> by_email, by_document;
  std::map<std::pair<std::uint8_t, std::string>, BlacklistRow> blacklist;
  std::vector<AcceptanceRow> acceptances;
  std::vector<AttachmentRow> attachments;
  std::unordered_map<std::string, PersonId> by_site, by_quick_code;
  std::map<std::int64_t, WorkItemRow> work_items;
  std::vector<WorkDecisionRow> work_decisions;
  std::map<std::string, CampaignRow, std::less<>> campaigns;
  std::vector<OrderRow> orders;  ///< by oid - 1
  std::unordered_map<std::string, std::int64_t> order_by_id;
  std::vector<OrderStateRow> order_states;
  std::unordered_map<std::int64_t, std::string> first_orders;  ///< by person
};

std::string document_key(std::string_view type, std::string_view number) {
  return std::string(type).append(1, '\0').append(number);
}

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
    if (!row.data.site.empty() && find_site(row.data.site))
      throw AlreadyExists("site '" + row.data.site + "' exists", "site");
    if (!row.quick_code.empty() && quick_code_taken(row.quick_code))
      throw AlreadyExists("the quick-access code exists", "quick_code");
    if (!row.data.site.empty()) staged_site_.emplace(row.data.site, row.id);
    if (!row.quick_code.empty()) staged_quick_code_.emplace(row.quick_code, row.id);
    if (!row.email_key.empty()) staged_email_.emplace(row.email_key, row.id);
    if (!row.data.document_number.empty())
      staged_document_.emplace(document_key(row.data.document_type, row.data.document_number),
                               row.id);
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
  void set_status(PersonId person, Status status) override {
    auto staged = std::find_if(persons_.rbegin(), persons_.rend(),
                               [&](const PersonRow& p) { return p.id == person; });
    if (staged != persons_.rend()) {
      staged->status = status;
      return;
    }
    std::lock_guard lock(mu_);
    if (!data_.persons.count(person.value())) throw Internal("no person to change");
    statuses_.emplace_back(person, status);
  }
  void set_type(PersonId person, CustomerType type) override {
    std::lock_guard lock(mu_);
    if (!data_.persons.count(person.value())) throw Internal("no person to change");
    types_.emplace_back(person, type);
  }
  void insert_rank_change(const RankChangeRow& row) override { rank_changes_.push_back(row); }
  EventSeq append_event(const EventRow& row) override {
    events_.push_back(row);
    events_.back().seq = EventSeq{next_seq_++};
    return events_.back().seq;
  }
  EventSeq next_event_seq() override { return EventSeq{next_seq_}; }
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
  std::optional<PersonId> find_email(std::string_view email_key) override {
    return find(staged_email_, &MemoryData::by_email, std::string(email_key));
  }
  std::optional<PersonId> find_document(std::string_view type, std::string_view number) override {
    return find(staged_document_, &MemoryData::by_document, document_key(type, number));
  }
  std::optional<std::string> blacklisted(std::uint8_t kind, std::string_view key) override {
    auto entry = blacklist_entry(kind, key);
    if (!entry) return std::nullopt;
    return entry->reason;
  }
  void insert_blacklist(const BlacklistRow& row) override {
    if (blacklist_entry(row.kind, row.key))
      throw AlreadyExists("'" + row.key + "' is barred already", "value");
    blacklist_.emplace_back(row, true);
  }
  bool delete_blacklist(std::uint8_t kind, std::string_view key) override {
    auto entry = blacklist_entry(kind, key);
    if (!entry) return false;
    BlacklistRow gone = *entry;
    blacklist_.emplace_back(std::move(gone), false);
    return true;
  }
  void insert_acceptance(const AcceptanceRow& row) override {
    const auto same = [&](const AcceptanceRow& a) {
      return a.person == row.person && a.contract == row.contract && a.version == row.version;
    };
    bool taken = std::any_of(acceptances_.begin(), acceptances_.end(), same);
    {
      std::lock_guard lock(mu_);
      taken = taken || std::any_of(data_.acceptances.begin(), data_.acceptances.end(), same);
    }
    if (taken) throw AlreadyExists("the contract version is accepted already", "contract");
    acceptances_.push_back(row);
  }
  void insert_attachment(const AttachmentRow& row) override { attachments_.push_back(row); }
  std::optional<PersonId> find_site(std::string_view slug) override {
    return find(staged_site_, &MemoryData::by_site, std::string(slug));
  }
  bool quick_code_taken(std::string_view code) override {
    return find(staged_quick_code_, &MemoryData::by_quick_code, std::string(code)).has_value();
  }
  std::int64_t insert_work_item(const WorkItemRow& row) override {
    WorkItemRow item = row;
    {
      std::lock_guard lock(mu_);
      item.id = static_cast<std::int64_t>(data_.work_items.size() + work_items_.size()) + 1;
    }
    work_items_[item.id] = item;
    return item.id;
  }
  void update_work_item(const WorkItemRow& row) override {
    if (!find_work_item(row.id)) throw Internal("no work item to update");
    work_items_[row.id] = row;
  }
  void insert_work_decision(const WorkDecisionRow& row) override { work_decisions_.push_back(row); }
  void set_credit_limit(PersonId person, std::int64_t micros) override {
    std::lock_guard lock(mu_);
    if (!data_.persons.count(person.value())) throw Internal("no person to change");
    credit_limits_.emplace_back(person, micros);
  }
  void set_vip(PersonId person, bool vip) override {
    std::lock_guard lock(mu_);
    if (!data_.persons.count(person.value())) throw Internal("no person to change");
    vips_.emplace_back(person, vip);
  }
  void insert_campaign(const CampaignRow& row) override {
    bool taken = campaigns_.count(row.id) > 0;
    {
      std::lock_guard lock(mu_);
      taken = taken || data_.campaigns.count(row.id) > 0;
    }
    if (taken) throw AlreadyExists("campaign '" + row.id + "' exists", "id");
    campaigns_[row.id] = row;
  }
  void update_campaign(const CampaignRow& row) override {
    if (auto it = campaigns_.find(row.id); it != campaigns_.end()) {
      it->second = row;
      return;
    }
    std::lock_guard lock(mu_);
    if (!data_.campaigns.count(row.id)) throw Internal("no campaign to change");
    campaign_updates_[row.id] = row;
  }
  void put_campaign_column(std::string_view campaign, std::string_view name,
                           std::string_view data) override {
    columns_[{std::string(campaign), std::string(name)}] = std::string(data);
  }
  std::optional<OrderRow> find_order(std::string_view id) override {
    if (auto it = staged_order_ids_.find(std::string(id)); it != staged_order_ids_.end())
      return orders_.at(it->second);
    std::lock_guard lock(mu_);
    auto it = data_.order_by_id.find(std::string(id));
    if (it == data_.order_by_id.end()) return std::nullopt;
    return data_.orders[static_cast<std::size_t>(it->second - 1)];
  }
  void insert_order(OrderRow& row) override {
    if (find_order(row.id)) throw AlreadyExists("order '" + row.id + "' exists", "id");
    {
      std::lock_guard lock(mu_);
      row.oid = static_cast<std::int64_t>(data_.orders.size()) + new_orders_ + 1;
    }
    ++new_orders_;
    staged_order_ids_[row.id] = row.oid;
    orders_[row.oid] = row;
  }
  void update_order(const OrderRow& row) override {
    if (!find_order(row.id)) throw Internal("no order to change");
    staged_order_ids_[row.id] = row.oid;
    orders_[row.oid] = row;
  }
  void insert_order_state(const OrderStateRow& row) override { order_states_.push_back(row); }
  void set_cycle_marks(PersonId person, std::string_view commercial_state,
                       std::string_view last_order_campaign) override {
    std::lock_guard lock(mu_);
    if (!data_.persons.count(person.value())) throw Internal("no person to change");
    marks_.push_back({person, std::string(commercial_state), std::string(last_order_campaign)});
  }
  void set_first_order(PersonId person, std::string_view order) override {
    std::lock_guard lock(mu_);
    if (!data_.persons.count(person.value())) throw Internal("no person to change");
    first_orders_.emplace_back(person, std::string(order));
  }
  std::optional<WorkItemRow> find_work_item(std::int64_t id) override {
    if (auto it = work_items_.find(id); it != work_items_.end()) return it->second;
    std::lock_guard lock(mu_);
    if (auto it = data_.work_items.find(id); it != data_.work_items.end()) return it->second;
    return std::nullopt;
  }
  void commit() override {
    std::lock_guard lock(mu_);
    for (auto& [row, present] : blacklist_) {
      const auto key = std::make_pair(row.kind, row.key);
      if (present)
        data_.blacklist[key] = std::move(row);
      else
        data_.blacklist.erase(key);
    }
    blacklist_.clear();
    for (auto& a : acceptances_) data_.acceptances.push_back(std::move(a));
    acceptances_.clear();
    for (auto& a : attachments_) data_.attachments.push_back(std::move(a));
    for (auto& [id, item] : work_items_) data_.work_items[id] = std::move(item);
    work_items_.clear();
    for (auto& d : work_decisions_) data_.work_decisions.push_back(std::move(d));
    work_decisions_.clear();
    for (auto& [key, id] : staged_site_) data_.by_site.emplace(key, id);
    for (auto& [key, id] : staged_quick_code_) data_.by_quick_code.emplace(key, id);
    staged_site_.clear();
    staged_quick_code_.clear();
    attachments_.clear();
    for (auto& [key, id] : staged_email_) data_.by_email.emplace(key, id);
    for (auto& [key, id] : staged_document_) data_.by_document.emplace(key, id);
    staged_email_.clear();
    staged_document_.clear();
    for (auto& p : persons_) {
      if (!p.data.external_id.empty()) data_.by_external_id.emplace(p.data.external_id, p.id);
      data_.persons.emplace(p.id.value(), std::move(p));
    }
    for (auto& n : nodes_) data_.nodes[{n.network, n.person.value()}] = n;
    for (auto& c : changes_) data_.changes.push_back(c);
    changes_.clear();
    for (auto [person, rank] : ranks_) data_.persons.at(person.value()).rank = rank;
    ranks_.clear();
    for (auto [person, status] : statuses_) data_.persons.at(person.value()).status = status;
    statuses_.clear();
    for (auto [person, type] : types_) data_.persons.at(person.value()).type = type;
    types_.clear();
    for (auto [person, micros] : credit_limits_)
      data_.persons.at(person.value()).credit_limit_micros = micros;
    credit_limits_.clear();
    for (auto [person, vip] : vips_) data_.persons.at(person.value()).vip = vip;
    vips_.clear();
    for (auto& [id, c] : campaigns_) data_.campaigns.emplace(id, std::move(c));
    campaigns_.clear();
    for (auto& [id, c] : campaign_updates_) data_.campaigns[id] = std::move(c);
    campaign_updates_.clear();
    for (auto& [key, data] : columns_) data_.columns[key] = std::move(data);
    columns_.clear();
    // orders_ is by oid: the new ones come in the order they were numbered.
    for (auto& [oid, o] : orders_) {
      const auto at = static_cast<std::size_t>(oid - 1);
      if (at == data_.orders.size()) {
        data_.order_by_id.emplace(o.id, oid);
        data_.orders.push_back(std::move(o));
      } else {
        data_.orders[at] = std::move(o);
      }
    }
    orders_.clear();
    staged_order_ids_.clear();
    new_orders_ = 0;
    for (auto& r : order_states_) data_.order_states.push_back(r);
    order_states_.clear();
    for (auto& [person, order] : first_orders_) data_.first_orders[person.value()] = order;
    for (auto& m : marks_) {
      PersonRow& p = data_.persons.at(m.person.value());
      p.commercial_state = std::move(m.state);
      if (!m.last.empty()) p.last_order_campaign = std::move(m.last);
    }
    marks_.clear();
    first_orders_.clear();
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
  std::optional<PersonId> find(const std::unordered_map<std::string, PersonId>& staged,
                               std::unordered_map<std::string, PersonId> MemoryData::*stored,
                               const std::string& key) {
    if (auto it = staged.find(key); it != staged.end()) return it->second;
    std::lock_guard lock(mu_);
    auto& map = data_.*stored;
    if (auto it = map.find(key); it != map.end()) return it->second;
    return std::nullopt;
  }

  // The entry as this transaction leaves it: its latest staged change, or
  // the stored one.
  std::optional<BlacklistRow> blacklist_entry(std::uint8_t kind, std::string_view key) {
    for (auto it = blacklist_.rbegin(); it != blacklist_.rend(); ++it)
      if (it->first.kind == kind && it->first.key == key)
        return it->second ? std::optional(it->first) : std::nullopt;
    std::lock_guard lock(mu_);
    auto it = data_.blacklist.find({kind, std::string(key)});
    if (it == data_.blacklist.end()) return std::nullopt;
    return it->second;
  }

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
  std::vector<std::pair<PersonId, Status>> statuses_;
  std::vector<std::pair<PersonId, CustomerType>> types_;
  std::vector<RankChangeRow> rank_changes_;
  std::vector<EventRow> events_;
  std::vector<UserRow> users_;
  std::unordered_map<std::string, PersonId> staged_ext_, staged_email_, staged_document_;
  std::vector<std::pair<BlacklistRow, bool>> blacklist_;  // the entry, and whether it stays
  std::vector<AcceptanceRow> acceptances_;
  std::vector<AttachmentRow> attachments_;
  std::unordered_map<std::string, PersonId> staged_site_, staged_quick_code_;
  std::map<std::int64_t, WorkItemRow> work_items_;
  std::vector<WorkDecisionRow> work_decisions_;
  std::vector<std::pair<PersonId, std::int64_t>> credit_limits_;
  std::vector<std::pair<PersonId, bool>> vips_;
  std::map<std::string, CampaignRow> campaigns_, campaign_updates_;
  std::map<std::pair<std::string, std::string>, std::string> columns_;
  std::map<std::int64_t, OrderRow> orders_;  // new and changed, by oid
  std::unordered_map<std::string, std::int64_t> staged_order_ids_;
  std::int64_t new_orders_ = 0;
  std::vector<OrderStateRow> order_states_;
  std::vector<std::pair<PersonId, std::string>> first_orders_;
  struct Marks {
    PersonId person;
    std::string state, last;
  };
  std::vector<Marks> marks_;
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
      fn(PersonColumns{p.id, p.type, p.status, p.data.zone, p.rank, p.enrolled_at,
                       data_.first_orders.count(id) > 0, p.commercial_state,
                       p.last_order_campaign});
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
  bool is_vip(PersonId id) const override {
    std::lock_guard lock(mu_);
    auto it = data_.persons.find(id.value());
    return it != data_.persons.end() && it->second.vip;
  }
  std::optional<PersonRow> get_person(PersonId id) const override {
    std::lock_guard lock(mu_);
    auto it = data_.persons.find(id.value());
    if (it == data_.persons.end()) return std::nullopt;
    return it->second;
  }
  std::optional<PersonId> find_email_key(std::string_view email_key) const override {
    std::lock_guard lock(mu_);
    auto it = data_.by_email.find(std::string(email_key));
    if (it == data_.by_email.end()) return std::nullopt;
    return it->second;
  }
  std::optional<PersonId> find_document_of(std::string_view type,
                                           std::string_view number) const override {
    std::lock_guard lock(mu_);
    auto it = data_.by_document.find(document_key(type, number));
    if (it == data_.by_document.end()) return std::nullopt;
    return it->second;
  }
  KeyAnswers look_up_keys(const KeyQuery& q) const override {
    std::lock_guard lock(mu_);
    KeyAnswers a;
    a.as_of = EventSeq{static_cast<std::int64_t>(data_.events.size())};
    const auto owner = [](const auto& map, const std::string& key) {
      auto it = map.find(key);
      return it == map.end() ? PersonId{} : it->second;
    };
    for (const std::string_view ext : q.external_ids)
      a.external_ids.push_back(owner(data_.by_external_id, std::string(ext)));
    for (const std::string_view key : q.email_keys)
      a.email_keys.push_back(owner(data_.by_email, std::string(key)));
    for (const auto& [type, number] : q.documents)
      a.documents.push_back(owner(data_.by_document, document_key(type, number)));
    for (const auto& [kind, key] : q.barred) {
      auto it = data_.blacklist.find({kind, std::string(key)});
      a.barred.push_back(it == data_.blacklist.end() ? std::nullopt
                                                     : std::optional(it->second.reason));
    }
    return a;
  }
  std::optional<PersonId> find_quick_code(std::string_view code) const override {
    std::lock_guard lock(mu_);
    auto it = data_.by_quick_code.find(std::string(code));
    if (it == data_.by_quick_code.end()) return std::nullopt;
    return it->second;
  }
  std::vector<WorkItemRow> work_items(PersonId person, std::optional<std::uint8_t> state,
                                      std::optional<std::uint8_t> kind) const override {
    std::lock_guard lock(mu_);
    std::vector<WorkItemRow> out;
    for (const auto& [id, item] : data_.work_items)
      if ((!person || item.person == person) && (!state || item.state == *state) &&
          (!kind || item.kind == *kind))
        out.push_back(item);
    return out;
  }
  std::vector<WorkDecisionRow> work_decisions(std::int64_t item) const override {
    std::lock_guard lock(mu_);
    std::vector<WorkDecisionRow> out;
    for (const auto& d : data_.work_decisions)
      if (d.item == item) out.push_back(d);
    return out;
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
  std::vector<EventRow> events_of_kind_after(std::string_view kind, EventSeq after) const override {
    std::lock_guard lock(mu_);
    std::vector<EventRow> out;
    for (auto i = static_cast<std::size_t>(std::max<std::int64_t>(after.value(), 0));
         i < data_.events.size(); ++i)
      if (data_.events[i].kind == kind) out.push_back(data_.events[i]);
    return out;
  }
  std::vector<PersonId> persons_with_events(std::span<const std::string_view> kinds, Instant from,
                                            Instant to) const override {
    std::lock_guard lock(mu_);
    std::vector<PersonId> out;
    for (const EventRow& e : data_.events)
      if (e.effective_at >= from && e.effective_at < to &&
          std::find(kinds.begin(), kinds.end(), e.kind) != kinds.end())
        out.push_back(e.person);
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
                       data_.rank_changes.size(),
                       data_.blacklist.size(),
                       data_.acceptances.size(),
                       data_.attachments.size(),
                       data_.work_items.size(),
                       data_.work_decisions.size(),
                       data_.campaigns.size(),
                       data_.orders.size(),
                       data_.order_states.size()};
  }
  std::vector<CampaignRow> campaigns() const override {
    std::lock_guard lock(mu_);
    std::vector<CampaignRow> out;
    for (const auto& [id, c] : data_.campaigns) out.push_back(c);
    std::stable_sort(out.begin(), out.end(), [](const CampaignRow& a, const CampaignRow& b) {
      return a.starts_at < b.starts_at;
    });
    return out;
  }
  std::vector<std::pair<std::string, std::string>> campaign_columns(
      std::string_view campaign) const override {
    std::lock_guard lock(mu_);
    std::vector<std::pair<std::string, std::string>> out;
    for (auto it = data_.columns.lower_bound({std::string(campaign), std::string()});
         it != data_.columns.end() && it->first.first == campaign; ++it)
      out.emplace_back(it->first.second, it->second);
    return out;
  }
  std::optional<std::string> campaign_column(std::string_view campaign,
                                             std::string_view name) const override {
    std::lock_guard lock(mu_);
    auto it = data_.columns.find({std::string(campaign), std::string(name)});
    if (it == data_.columns.end()) return std::nullopt;
    return it->second;
  }
  std::optional<OrderRow> get_order(std::string_view id) const override {
    std::lock_guard lock(mu_);
    auto it = data_.order_by_id.find(std::string(id));
    if (it == data_.order_by_id.end()) return std::nullopt;
    return data_.orders[static_cast<std::size_t>(it->second - 1)];
  }
  std::vector<OrderStateRow> order_history(std::int64_t oid) const override {
    std::lock_guard lock(mu_);
    std::vector<OrderStateRow> out;
    for (const auto& r : data_.order_states)
      if (r.oid == oid) out.push_back(r);
    std::stable_sort(out.begin(), out.end(), [](const OrderStateRow& a, const OrderStateRow& b) {
      return a.seq != b.seq ? a.seq < b.seq : a.state < b.state;
    });
    return out;
  }
  void scan_campaign_orders(std::string_view campaign,
                            const std::function<void(const OrderRow&)>& fn) const override {
    std::vector<OrderRow> rows;
    {
      std::lock_guard lock(mu_);
      for (const auto& o : data_.orders)
        if (o.campaign == campaign) rows.push_back(o);
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const OrderRow& a, const OrderRow& b) { return a.owner < b.owner; });
    for (const auto& o : rows) fn(o);
  }
  std::vector<OrderRow> orders_of(PersonId owner, std::string_view campaign) const override {
    std::lock_guard lock(mu_);
    std::vector<OrderRow> out;
    for (const auto& o : data_.orders)
      if (o.owner == owner && o.campaign == campaign) out.push_back(o);
    return out;
  }
  std::vector<BlacklistRow> blacklist() const override {
    std::lock_guard lock(mu_);
    std::vector<BlacklistRow> out;
    for (const auto& [key, row] : data_.blacklist) out.push_back(row);
    return out;
  }
  std::vector<AcceptanceRow> acceptances_of_person(PersonId person) const override {
    return acceptances_where([&](const AcceptanceRow& a) { return a.person == person; });
  }
  std::vector<AcceptanceRow> acceptances_of_contract(std::string_view contract) const override {
    return acceptances_where([&](const AcceptanceRow& a) { return a.contract == contract; });
  }
  std::vector<AcceptanceRow> accepted_versions() const override {
    std::lock_guard lock(mu_);
    std::map<std::pair<std::string, std::uint32_t>, AcceptanceRow> first;
    for (const auto& a : data_.acceptances) first.try_emplace({a.contract, a.version}, a);
    std::vector<AcceptanceRow> out;
    for (auto& [key, a] : first) out.push_back(std::move(a));
    return out;
  }
  std::vector<AttachmentRow> attachments_of(PersonId person) const override {
    std::lock_guard lock(mu_);
    std::vector<AttachmentRow> out;
    for (const auto& a : data_.attachments)
      if (a.person == person) out.push_back(a);
    return out;
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
  template <typename Pred>
  std::vector<AcceptanceRow> acceptances_where(Pred pred) const {
    std::lock_guard lock(mu_);
    std::vector<AcceptanceRow> out;
    for (const auto& a : data_.acceptances)
      if (pred(a)) out.push_back(a);
    return out;
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
