// The storage interface: the only place that knows how rows are kept.
// Domain services talk to it; SQL lives only in sqlite_store.cpp.
#pragma once

#include <downline/ids.hpp>
#include <downline/person.hpp>
#include <downline/time.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// A person with their commercial extension, as stored (persons + customers).
struct PersonRow {
  PersonId id;
  PersonData data;
  CustomerType type = CustomerType::customer;
  Status status = Status::active;
  std::string channel;
  Instant enrolled_at;
  std::uint8_t rank = 0;  ///< 0 none, else 1 + position in the ranks catalog
  // data.phone is stored in E.164 and data.document_number normalised;
  // data.extended is not read: the store keeps `extended_json`.
  std::string email_key;             ///< the e-mail in lower case ("" none): uniqueness
  std::string extended_json = "{}";  ///< extended fields by slot: {"1": "text", ...}
  std::string quick_code;            ///< a guest's quick-access code ("" none), unique
  std::int64_t credit_limit_micros = 0;
  bool vip = false;                 ///< exempt from automatic inactivation
  std::string commercial_state;     ///< the catalog's id ("" none)
  std::string last_order_campaign;  ///< the last campaign closed with a counted order of theirs
};

/// One work item of an approval workflow (kind: WorkItemKind, state:
/// WorkItemState as numbers).
struct WorkItemRow {
  std::int64_t id = 0;  ///< assigned by insert_work_item
  std::uint8_t kind = 0;
  PersonId person;
  std::uint8_t state = 0;
  std::uint32_t step = 0;
  std::optional<std::int64_t> amount_micros;
  std::string detail;
  Instant created_at;
  EventSeq seq;  ///< the event that opened it
};

/// One decision on a work item.
struct WorkDecisionRow {
  std::int64_t item = 0;
  std::uint32_t step = 0;
  std::string actor;
  bool approved = false;
  std::string reason;
  std::optional<std::int64_t> amount_micros;
  Instant at;
  EventSeq seq;  ///< the event that recorded it
};

/// One blacklist entry (kind: BlacklistKind as a number).
struct BlacklistRow {
  std::uint8_t kind = 0;
  std::string key;  ///< the normalised value compared
  std::string value, country, reason, note, added_by;
  Instant added_at;
};

/// One acceptance of a contract version.
struct AcceptanceRow {
  PersonId person;
  std::string contract;
  std::uint32_t version = 0;
  std::string digest, channel;
  Instant accepted_at;
  EventSeq seq;  ///< the event that recorded it
};

/// One attached document's metadata.
struct AttachmentRow {
  PersonId person;
  EventSeq seq;             ///< the event that recorded it
  std::uint32_t index = 0;  ///< order within that event
  std::string type, file_name, extension, digest, uri;
  std::uint64_t size_bytes = 0;
  Instant added_at;
};

/// Where a person stands in one network: placed (under `parent`, or a
/// network parent when unset), waiting in the lobby, or dropped out.
enum class NodeStateRow : std::uint8_t { placed = 0, lobby = 1, dropout = 2 };

/// A person's place in one network.
struct NodeRow {
  int network = 0;
  PersonId person;
  PersonId parent;
  std::uint32_t position = 0;
  NodeStateRow state = NodeStateRow::placed;
  std::uint32_t moves = 0;  ///< transfers so far (read only: update_node counts them)
};

/// A node's new place, for WriteTxn::update_nodes.
struct NodeUpdate {
  NodeRow node;             ///< network and person; the new parent, position and state
  bool count_move = false;  ///< adds one to the node's moves
};

/// One structural change of one person in one network, for "as of"
/// questions: the place before and after, at its effective time.
struct ChangeRow {
  EventSeq seq;  ///< the event that recorded it
  int network = 0;
  PersonId person;
  PersonId parent, from_parent;
  std::uint32_t position = 0, from_position = 0;
  NodeStateRow state = NodeStateRow::placed, from_state = NodeStateRow::placed;
  Instant effective_at;
};

/// One change of a person's rank (rank history, seed 002 §7.1.1.2.4). Ranks
/// are the catalog's ids ("" = none), so a reordered catalog keeps history.
struct RankChangeRow {
  EventSeq seq;  ///< the event that recorded it
  PersonId person;
  std::string previous_rank, rank;
  std::string campaign;
  Instant effective_at;
};

/// A campaign of the calendar (state: CampaignState as a number).
struct CampaignRow {
  std::string id;
  LocalDate start, end;  ///< local dates, `end` inclusive
  Instant starts_at, ends_at;
  std::uint8_t state = 0;
  std::optional<Instant> closed_at;
  std::string summary_json;  ///< the close's summary ("" until closed)
  EventSeq seq;              ///< the event that added it
};

/// An order as stored (state: OrderState as a number). Lines and comments
/// are kept as JSON arrays: they are read with their order, never searched.
struct OrderRow {
  std::int64_t oid = 0;  ///< the store's number of the order, assigned by insert_order
  std::string id;        ///< the host's id, unique
  PersonId owner, created_by;
  std::string campaign;
  std::uint8_t state = 0;
  std::int64_t amount_micros = 0, volume_micros = 0;
  Instant created_at, state_at;
  std::string lines_json = "[]", comments_json = "[]";
  EventSeq seq;  ///< the event of its last change
};

/// One state an order went through.
struct OrderStateRow {
  std::int64_t oid = 0;
  EventSeq seq;
  std::uint8_t state = 0;
  Instant at;
};

/// The hot columns of a person, for the index rebuild.
struct PersonColumns {
  PersonId id;
  CustomerType type = CustomerType::customer;
  Status status = Status::active;
  std::string_view zone;
  std::uint8_t rank = 0;
  Instant enrolled_at;
  bool purchased = false;  ///< an order of theirs was paid (first_order set)
  std::string_view commercial_state;
  std::string_view last_order_campaign;
};

struct EventRow {
  EventSeq seq;  // assigned by the store on append
  std::string kind;
  PersonId person;
  Instant effective_at;
  Instant recorded_at;
  std::string actor;
  std::string reason;
  std::string payload;  // JSON object
};

/// A user of the host: login, roles, the person they are (if any).
struct UserRow {
  std::string login;
  PersonId person;
  std::vector<std::string> roles;
};

/// Row counts, for diagnostics and for tests that prove nothing was written.
struct StoreCounts {
  std::uint64_t persons = 0;
  std::uint64_t customers = 0;
  std::uint64_t nodes = 0;
  std::uint64_t events = 0;
  std::int64_t last_event = 0;
  std::uint64_t changes = 0;
  std::uint64_t rank_changes = 0;
  std::uint64_t blacklist = 0;
  std::uint64_t acceptances = 0;
  std::uint64_t attachments = 0;
  std::uint64_t work_items = 0;
  std::uint64_t work_decisions = 0;
  std::uint64_t campaigns = 0;
  std::uint64_t orders = 0;
  std::uint64_t order_states = 0;
  friend bool operator==(const StoreCounts&, const StoreCounts&) = default;
};

/// The keys an enrollment batch asks the store about, all answered from one
/// committed state: a bulk enrollment looks them up before it takes the
/// writer's lock (an import, while the batch before it is written).
struct KeyQuery {
  std::vector<std::string_view> external_ids;
  std::vector<std::string_view> email_keys;
  std::vector<std::pair<std::string_view, std::string_view>> documents;  ///< type, number
  std::vector<std::pair<std::uint8_t, std::string_view>> barred;         ///< kind, key
};

/// The answers to a KeyQuery, in its order.
struct KeyAnswers {
  EventSeq as_of;                      ///< the last event of the state they were read from
  std::vector<PersonId> external_ids;  ///< the owner; unset when none
  std::vector<PersonId> email_keys;
  std::vector<PersonId> documents;
  std::vector<std::optional<std::string>> barred;  ///< the reason when on the blacklist
};

/// One write transaction. Destroying it without commit() rolls back.
class WriteTxn {
 public:
  virtual ~WriteTxn() = default;
  virtual void insert_person(const PersonRow& row) = 0;
  virtual void insert_node(const NodeRow& row) = 0;
  /// Sets the parent, position and state of an existing node; adds one to
  /// its moves when `count_move`.
  virtual void update_node(const NodeRow& row, bool count_move) = 0;
  /// Records a structural change (history for "as of").
  virtual void insert_change(const ChangeRow& row) = 0;
  /// Sets a person's current rank (0 none, else 1 + catalog position).
  virtual void set_rank(PersonId person, std::uint8_t rank) = 0;
  /// Sets a person's status.
  virtual void set_status(PersonId person, Status status) = 0;
  /// Sets a person's customer type.
  virtual void set_type(PersonId person, CustomerType type) = 0;
  /// Records a rank change (rank history).
  virtual void insert_rank_change(const RankChangeRow& row) = 0;
  /// Appends the event and returns the sequence it was given.
  virtual EventSeq append_event(const EventRow& row) = 0;
  /// The sequence the next appended event will get, so that rows written
  /// before it can name it.
  virtual EventSeq next_event_seq() = 0;
  // Bulk writes (a compression writes ~200k rows of each kind): the same
  // rows as the one-row calls in a loop, in fewer statements. A failure
  // throws and leaves the transaction to be dropped (rolled back).
  /// Appends the events in order; returns the sequence of the first, the
  /// others following it one by one (first + i). None: the null sequence.
  virtual EventSeq append_events(std::span<const EventRow> rows) = 0;
  /// update_node for each row, as if one after the other in the given
  /// order; the store may write them in key order (fastest when they come
  /// sorted by network, then person).
  virtual void update_nodes(std::span<const NodeUpdate> rows) = 0;
  /// insert_change for each row (fastest sorted by network, person,
  /// effective time, then sequence).
  virtual void insert_changes(std::span<const ChangeRow> rows) = 0;
  /// True when a person with this external id exists, written rows included.
  virtual bool external_id_exists(std::string_view external_id) = 0;
  /// The person with this e-mail key (lower case), written rows included.
  virtual std::optional<PersonId> find_email(std::string_view email_key) = 0;
  /// The person with this document, written rows included.
  virtual std::optional<PersonId> find_document(std::string_view type, std::string_view number) = 0;
  /// The reason a normalised value is barred, if it is.
  virtual std::optional<std::string> blacklisted(std::uint8_t kind, std::string_view key) = 0;
  /// Throws AlreadyExists when the kind and key are barred already.
  virtual void insert_blacklist(const BlacklistRow& row) = 0;
  /// False when there was no such entry.
  virtual bool delete_blacklist(std::uint8_t kind, std::string_view key) = 0;
  /// Throws AlreadyExists when the person accepted that version already.
  virtual void insert_acceptance(const AcceptanceRow& row) = 0;
  virtual void insert_attachment(const AttachmentRow& row) = 0;
  /// The person whose replicated site has this slug, written rows included.
  virtual std::optional<PersonId> find_site(std::string_view slug) = 0;
  /// True when a guest holds this quick-access code, written rows included.
  virtual bool quick_code_taken(std::string_view code) = 0;
  /// Stores a new work item and returns its id.
  virtual std::int64_t insert_work_item(const WorkItemRow& row) = 0;
  /// Sets an item's state, step and amount.
  virtual void update_work_item(const WorkItemRow& row) = 0;
  virtual void insert_work_decision(const WorkDecisionRow& row) = 0;
  virtual void set_credit_limit(PersonId person, std::int64_t micros) = 0;
  /// Sets whether a stored person is a VIP; throws Internal when none.
  virtual void set_vip(PersonId person, bool vip) = 0;
  /// The item with this id, written rows included.
  virtual std::optional<WorkItemRow> find_work_item(std::int64_t id) = 0;
  /// Throws AlreadyExists when the login is taken.
  virtual void insert_user(const UserRow& row) = 0;
  /// Throws AlreadyExists when the id is taken.
  virtual void insert_campaign(const CampaignRow& row) = 0;
  /// Sets a stored campaign's state, closed_at and summary.
  virtual void update_campaign(const CampaignRow& row) = 0;
  /// Stores (or replaces) one named column of a campaign's per-person
  /// results, encoded by the cycle (src/cycle/columns.hpp).
  virtual void put_campaign_column(std::string_view campaign, std::string_view name,
                                   std::string_view data) = 0;
  /// The order with this host id, written rows included.
  virtual std::optional<OrderRow> find_order(std::string_view id) = 0;
  /// Stores a new order and sets `row.oid`; throws AlreadyExists when the
  /// id is taken.
  virtual void insert_order(OrderRow& row) = 0;
  /// Sets a stored order's state, totals, lines, comments, state_at and seq.
  virtual void update_order(const OrderRow& row) = 0;
  virtual void insert_order_state(const OrderStateRow& row) = 0;
  /// Records the id of a person's first paid order.
  virtual void set_first_order(PersonId person, std::string_view order) = 0;
  /// Sets what a close decided of a person: their commercial state and the
  /// last campaign in which they ordered (an empty one keeps the stored).
  virtual void set_cycle_marks(PersonId person, std::string_view commercial_state,
                               std::string_view last_order_campaign) = 0;
  /// Makes the transaction durable; throws Unavailable/Internal on failure,
  /// in which case nothing was written.
  virtual void commit() = 0;
};

/// Who checks that the persons a write transaction names exist.
enum class KeyChecks : std::uint8_t {
  store,   ///< the store, on every row (SQLite: foreign keys)
  caller,  ///< the caller, who writes only persons its index holds (every
           ///< one of them is stored): a compression's ~400k lookups saved
};

/// A store. Thread-safe: reads may run from many threads while one write
/// transaction is open.
class Store {
 public:
  virtual ~Store() = default;

  /// Starts the one write transaction (BEGIN IMMEDIATE on SQLite: other
  /// processes' writers wait, up to the busy timeout, then Unavailable).
  std::unique_ptr<WriteTxn> begin_write() { return begin_write(KeyChecks::store); }
  /// As begin_write(); with KeyChecks::caller the store skips its own
  /// reference checks (SQLite: foreign keys) for this transaction.
  virtual std::unique_ptr<WriteTxn> begin_write(KeyChecks checks) = 0;
  /// The numeric id of a network, registering it when new.
  virtual int network_id(std::string_view name) = 0;

  /// Calls `fn` for every person, in id order (index rebuild).
  virtual void scan_persons(const std::function<void(const PersonColumns&)>& fn) const = 0;
  /// Calls `fn` for every node of a network, in person id order.
  virtual void scan_nodes(int network, const std::function<void(const NodeRow&)>& fn) const = 0;
  /// The node of a person in a network.
  virtual std::optional<NodeRow> get_node(int network, PersonId person) const = 0;
  /// Calls `fn` for every change of a network, by person, then effective
  /// time, then sequence.
  virtual void scan_changes(int network, const std::function<void(const ChangeRow&)>& fn) const = 0;
  virtual std::optional<PersonRow> get_person(PersonId id) const = 0;
  /// True when the person exists and is a VIP (the close's cheap question).
  virtual bool is_vip(PersonId id) const = 0;
  /// A person's rank changes, by effective time, then sequence.
  virtual std::vector<RankChangeRow> rank_history(PersonId person) const = 0;
  virtual std::optional<PersonId> find_external_id(std::string_view external_id) const = 0;
  /// Every blacklist entry, by kind then key.
  virtual std::vector<BlacklistRow> blacklist() const = 0;
  /// A person's acceptances, by sequence.
  virtual std::vector<AcceptanceRow> acceptances_of_person(PersonId person) const = 0;
  /// A contract's acceptances (every version), by sequence.
  virtual std::vector<AcceptanceRow> acceptances_of_contract(std::string_view contract) const = 0;
  /// One acceptance of each accepted (contract, version), with its digest:
  /// the versions whose content may no longer change.
  virtual std::vector<AcceptanceRow> accepted_versions() const = 0;
  /// The first person with this e-mail key (committed rows).
  virtual std::optional<PersonId> find_email_key(std::string_view email_key) const = 0;
  /// The first person with this document (committed rows).
  virtual std::optional<PersonId> find_document_of(std::string_view type,
                                                   std::string_view number) const = 0;
  /// Answers every key of `query` from one committed state, on a connection
  /// of its own (other readers do not wait for it). Throws Unavailable or
  /// Internal when the store cannot be read.
  virtual KeyAnswers look_up_keys(const KeyQuery& query) const = 0;
  /// The guest holding a quick-access code.
  virtual std::optional<PersonId> find_quick_code(std::string_view code) const = 0;
  /// Work items, by id: of `person` when set, in `state` and of `kind` when
  /// given (as numbers).
  virtual std::vector<WorkItemRow> work_items(PersonId person, std::optional<std::uint8_t> state,
                                              std::optional<std::uint8_t> kind) const = 0;
  /// An item's decisions, oldest first.
  virtual std::vector<WorkDecisionRow> work_decisions(std::int64_t item) const = 0;
  /// A person's attachments, by sequence then index.
  virtual std::vector<AttachmentRow> attachments_of(PersonId person) const = 0;
  virtual std::optional<UserRow> get_user(std::string_view login) const = 0;
  /// Every campaign, by start.
  virtual std::vector<CampaignRow> campaigns() const = 0;
  /// The named result columns of a campaign, by name; empty when none.
  virtual std::vector<std::pair<std::string, std::string>> campaign_columns(
      std::string_view campaign) const = 0;
  /// One result column of a campaign; std::nullopt when it has none of that name.
  virtual std::optional<std::string> campaign_column(std::string_view campaign,
                                                     std::string_view name) const = 0;
  /// The order with this host id.
  virtual std::optional<OrderRow> get_order(std::string_view id) const = 0;
  /// An order's states, oldest first.
  virtual std::vector<OrderStateRow> order_history(std::int64_t oid) const = 0;
  /// Calls `fn` for every order of a campaign, by owner then oid.
  virtual void scan_campaign_orders(std::string_view campaign,
                                    const std::function<void(const OrderRow&)>& fn) const = 0;
  /// A person's orders in a campaign, by oid.
  virtual std::vector<OrderRow> orders_of(PersonId owner, std::string_view campaign) const = 0;
  virtual std::vector<EventRow> events_after(EventSeq after, std::size_t limit) const = 0;
  /// The events of one kind after `after`, by sequence.
  virtual std::vector<EventRow> events_of_kind_after(std::string_view kind,
                                                     EventSeq after) const = 0;
  /// The persons of the events of these kinds effective in [from, to), by
  /// event sequence (a person once per event).
  virtual std::vector<PersonId> persons_with_events(std::span<const std::string_view> kinds,
                                                    Instant from, Instant to) const = 0;
  virtual StoreCounts counts() const = 0;
  /// The sequence of the last committed event (0 when none).
  virtual EventSeq last_event_seq() const = 0;
  /// Runs `fn` inside one read transaction, so that every read it makes
  /// sees the same committed state (index rebuild on open).
  virtual void with_read_snapshot(const std::function<void()>& fn) const = 0;
  /// True when another connection or process may have committed since the
  /// last call (always false for stores no one else can reach).
  virtual bool others_may_have_written() const = 0;
};

struct StoreOptions {
  int busy_timeout_ms = 5000;
  int write_cache_mib = 256;  ///< the SQLite write connection's page cache
};

/// Opens the store named by a URI: "sqlite:PATH", "memory:", or a bare
/// path (SQLite). Throws InvalidArgument for an unknown scheme.
std::unique_ptr<Store> open_store(std::string_view uri, const StoreOptions& options);

std::unique_ptr<Store> open_memory_store();
std::unique_ptr<Store> open_sqlite_store(const std::string& path, const StoreOptions& options);

}  // namespace internal
DOWNLINE_END_NAMESPACE
