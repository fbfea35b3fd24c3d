// The SQLite store (default, embedded), through SQLiteCpp.
//
// Two connections: one for the single write transaction, one for readers
// (WAL lets them run side by side). Each is used under its own mutex because
// prepared statements are not thread-safe. Cached statements are rewound with
// tryReset(): SQLiteCpp's reset() rethrows the statement's last failure, which
// would blame the next, innocent call for a constraint the previous one broke.
#include <downline/error.hpp>

#include "storage/store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <mutex>
#include <span>
#include <thread>
#include <tuple>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

// Forward migrations: entry i brings the schema from version i to i + 1.
// Never edit a released entry; append a new one.
constexpr std::array<const char*, 8> kMigrations = {
    R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE networks (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE persons (
  id INTEGER PRIMARY KEY,
  external_id TEXT UNIQUE,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  email TEXT NOT NULL,
  phone TEXT NOT NULL,
  country TEXT NOT NULL,
  birth_date TEXT
);
-- type: 0 guest, 1 customer, 2 consultant.
-- status: 0 pre_registered, 1 pending_kit, 2 active, 3 inactive, 4 blocked, 5 retired.
CREATE TABLE customers (
  person_id INTEGER PRIMARY KEY REFERENCES persons(id),
  type INTEGER NOT NULL CHECK (type BETWEEN 0 AND 2),
  status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 5),
  channel TEXT NOT NULL,
  enrolled_at_us INTEGER NOT NULL
);
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  person_id INTEGER REFERENCES persons(id),
  roles TEXT NOT NULL
);
CREATE TABLE network_nodes (
  network_id INTEGER NOT NULL REFERENCES networks(id),
  person_id INTEGER NOT NULL REFERENCES persons(id),
  parent_id INTEGER REFERENCES persons(id),
  PRIMARY KEY (network_id, person_id)
) WITHOUT ROWID;
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  person_id INTEGER REFERENCES persons(id),
  effective_at_us INTEGER NOT NULL,
  recorded_at_us INTEGER NOT NULL,
  actor TEXT NOT NULL,
  reason TEXT NOT NULL,
  payload TEXT NOT NULL
);
)sql",
    // 2: placement networks (positions, lobby, dropouts, move counts), their
    // history for "as of" questions, zones and ranks.
    R"sql(
ALTER TABLE persons ADD COLUMN zone TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN rank INTEGER NOT NULL DEFAULT 0;
-- state: 0 placed, 1 lobby, 2 dropout.
ALTER TABLE network_nodes ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE network_nodes ADD COLUMN state INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 2);
ALTER TABLE network_nodes ADD COLUMN moves INTEGER NOT NULL DEFAULT 0;
-- Version 1 kept recruits in enrollment order: that order becomes their position.
UPDATE network_nodes SET position = r.rn
  FROM (SELECT network_id AS nid, person_id AS pid,
               row_number() OVER (PARTITION BY network_id, parent_id ORDER BY person_id) - 1 AS rn
          FROM network_nodes) AS r
 WHERE network_nodes.network_id = r.nid AND network_nodes.person_id = r.pid;
-- History rows are written with the events and network_nodes rows they
-- mirror, whose keys are checked there; no foreign keys here, so a large
-- compression does not probe the persons table four times per row.
CREATE TABLE network_changes (
  network_id INTEGER NOT NULL,
  person_id INTEGER NOT NULL,
  effective_at_us INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  parent_id INTEGER,
  position INTEGER NOT NULL,
  state INTEGER NOT NULL,
  from_parent_id INTEGER,
  from_position INTEGER NOT NULL,
  from_state INTEGER NOT NULL,
  PRIMARY KEY (network_id, person_id, effective_at_us, seq)
) WITHOUT ROWID;
)sql",
    // 3: rank history. Ranks by their catalog id, so that a reordered
    // catalog does not rewrite the past.
    R"sql(
CREATE TABLE rank_history (
  person_id INTEGER NOT NULL REFERENCES persons(id),
  effective_at_us INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  previous_rank TEXT NOT NULL,
  rank TEXT NOT NULL,
  campaign TEXT NOT NULL,
  PRIMARY KEY (person_id, effective_at_us, seq)
) WITHOUT ROWID;
)sql",
    // 4: identification documents, e-mail keys, extended fields, the
    // blacklist, contract acceptances and attachments (seed 004).
    R"sql(
ALTER TABLE persons ADD COLUMN document_type TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN document_number TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN email_key TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN extended TEXT NOT NULL DEFAULT '{}';
UPDATE persons SET email_key = lower(email);
CREATE INDEX persons_email_key ON persons (email_key) WHERE email_key <> '';
CREATE INDEX persons_document ON persons (document_type, document_number)
  WHERE document_number <> '';
ALTER TABLE persons ADD COLUMN site TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX persons_site ON persons (site) WHERE site <> '';
ALTER TABLE customers ADD COLUMN quick_code TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX customers_quick_code ON customers (quick_code) WHERE quick_code <> '';
ALTER TABLE customers ADD COLUMN credit_limit_micros INTEGER NOT NULL DEFAULT 0;
-- kind: 0 registration, 1 document, 2 credit_request; state: 0 open, 1 approved, 2 rejected.
CREATE TABLE work_items (
  id INTEGER PRIMARY KEY,
  kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 2),
  person_id INTEGER NOT NULL REFERENCES persons(id),
  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 2),
  step INTEGER NOT NULL,
  amount_micros INTEGER,
  detail TEXT NOT NULL,
  created_at_us INTEGER NOT NULL,
  seq INTEGER NOT NULL
);
CREATE INDEX work_items_open ON work_items (state, kind, id);
CREATE INDEX work_items_person ON work_items (person_id, id);
CREATE TABLE work_decisions (
  item_id INTEGER NOT NULL REFERENCES work_items(id),
  step INTEGER NOT NULL,
  actor TEXT NOT NULL,
  approved INTEGER NOT NULL,
  reason TEXT NOT NULL,
  amount_micros INTEGER,
  at_us INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (item_id, seq)
) WITHOUT ROWID;
-- kind: 0 document, 1 email, 2 phone.
CREATE TABLE blacklist (
  kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 2),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  country TEXT NOT NULL,
  reason TEXT NOT NULL,
  note TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_at_us INTEGER NOT NULL,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE TABLE contract_acceptances (
  person_id INTEGER NOT NULL REFERENCES persons(id),
  contract TEXT NOT NULL,
  version INTEGER NOT NULL,
  digest TEXT NOT NULL,
  channel TEXT NOT NULL,
  accepted_at_us INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (person_id, contract, version)
) WITHOUT ROWID;
CREATE INDEX contract_acceptances_contract ON contract_acceptances (contract, version, seq);
CREATE TABLE attachments (
  person_id INTEGER NOT NULL REFERENCES persons(id),
  seq INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  type TEXT NOT NULL,
  file_name TEXT NOT NULL,
  extension TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  digest TEXT NOT NULL,
  uri TEXT NOT NULL,
  added_at_us INTEGER NOT NULL,
  PRIMARY KEY (person_id, seq, idx)
) WITHOUT ROWID;
)sql",
    // 5: VIP persons, exempt from automatic inactivation (seed 004 §7.2).
    R"sql(
ALTER TABLE customers ADD COLUMN vip INTEGER NOT NULL DEFAULT 0;
)sql",
    // 6: the commercial cycle: the campaign calendar, the orders the host
    // reports and their states. A state row's key holds the state: one
    // event may record an order's creation and its next state.
    R"sql(
CREATE TABLE campaigns (
  id TEXT PRIMARY KEY,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  starts_at_us INTEGER NOT NULL,
  ends_at_us INTEGER NOT NULL,
  state INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 2),
  closed_at_us INTEGER,
  summary TEXT NOT NULL DEFAULT '',
  seq INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE orders (
  oid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  owner_id INTEGER NOT NULL REFERENCES persons(id),
  created_by_id INTEGER NOT NULL REFERENCES persons(id),
  campaign TEXT NOT NULL REFERENCES campaigns(id),
  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 6),
  amount_micros INTEGER NOT NULL,
  volume_micros INTEGER NOT NULL,
  created_at_us INTEGER NOT NULL,
  state_at_us INTEGER NOT NULL,
  lines TEXT NOT NULL,
  comments TEXT NOT NULL,
  seq INTEGER NOT NULL
);
CREATE INDEX orders_campaign ON orders (campaign, owner_id);
CREATE TABLE order_states (
  oid INTEGER NOT NULL REFERENCES orders(oid),
  seq INTEGER NOT NULL,
  state INTEGER NOT NULL,
  at_us INTEGER NOT NULL,
  PRIMARY KEY (oid, seq, state)
) WITHOUT ROWID;
ALTER TABLE customers ADD COLUMN first_order TEXT NOT NULL DEFAULT '';
)sql",
    // 7: what the closes decide of each person: the commercial state, and
    // the last campaign with an order (campaigns without one count from it).
    R"sql(
ALTER TABLE customers ADD COLUMN commercial_state TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN last_order_campaign TEXT NOT NULL DEFAULT '';
)sql",
    // 8: what a close computed for every person (volumes, ranks and the
    // measures that explain them), one compact column per figure.
    R"sql(
CREATE TABLE campaign_columns (
  campaign TEXT NOT NULL REFERENCES campaigns (id),
  name TEXT NOT NULL,
  data BLOB NOT NULL,
  UNIQUE (campaign, name)
);
)sql",
};

[[noreturn]] void rethrow_sqlite(const SQLite::Exception& e, const std::string& what) {
  const std::string message = what + ": " + e.what();
  switch (e.getErrorCode()) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: throw Unavailable(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: throw DataLoss(message);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY: throw Unavailable(message);
    case SQLITE_CONSTRAINT: throw FailedPrecondition(message);
    default: throw Internal(message);
  }
}

void bind_text_or_null(SQLite::Statement& st, int index, const std::string& text) {
  if (text.empty())
    st.bind(index);
  else
    st.bindNoCopy(index, text);
}

// The event of the current row of a SELECT seq, kind, person_id,
// effective_at_us, recorded_at_us, actor, reason, payload.
EventRow event_at(SQLite::Statement& st) {
  EventRow e;
  e.seq = EventSeq{st.getColumn(0).getInt64()};
  e.kind = st.getColumn(1).getString();
  e.person = PersonId{st.getColumn(2).getInt64()};
  e.effective_at = Instant{st.getColumn(3).getInt64()};
  e.recorded_at = Instant{st.getColumn(4).getInt64()};
  e.actor = st.getColumn(5).getString();
  e.reason = st.getColumn(6).getString();
  e.payload = st.getColumn(7).getString();
  return e;
}

void pragmas(SQLite::Database& db, int cache_mib) {
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=NORMAL");
  db.exec("PRAGMA foreign_keys=ON");
  // Bulk writes touch several indexes at once: once their pages outgrow the
  // cache, each insert reads a page back and spills a dirty one to the log
  // mid-transaction (the default is 2 MB). Pages are taken as they are used.
  db.exec("PRAGMA cache_size=-" + std::to_string(static_cast<long long>(cache_mib) * 1024));
}

// Rows per multi-row INSERT of the bulk writes: one statement step instead
// of 64 (each row still binds its values).
constexpr std::size_t kRowsPerInsert = 64;

// "(?,?,…),(?,?,…),…": `rows` groups of `columns` parameters.
std::string values_list(std::size_t rows, std::size_t columns) {
  std::string group = "(?";
  for (std::size_t c = 1; c < columns; ++c) group += ",?";
  group += ')';
  std::string out;
  for (std::size_t r = 0; r < rows; ++r) out.append(r ? "," : "").append(group);
  return out;
}

class SqliteStore;

class SqliteTxn final : public WriteTxn {
 public:
  SqliteTxn(SqliteStore& store, std::unique_lock<std::mutex> lock, KeyChecks checks);
  ~SqliteTxn() override;
  void insert_person(const PersonRow& row) override;
  void insert_node(const NodeRow& row) override;
  void update_node(const NodeRow& row, bool count_move) override;
  void insert_change(const ChangeRow& row) override;
  void set_rank(PersonId person, std::uint8_t rank) override;
  void set_status(PersonId person, Status status) override;
  void set_type(PersonId person, CustomerType type) override;
  void insert_rank_change(const RankChangeRow& row) override;
  EventSeq append_event(const EventRow& row) override;
  EventSeq append_events(std::span<const EventRow> rows) override;
  EventSeq next_event_seq() override;
  void update_nodes(std::span<const NodeUpdate> rows) override;
  void insert_changes(std::span<const ChangeRow> rows) override;
  bool external_id_exists(std::string_view external_id) override;
  std::optional<PersonId> find_email(std::string_view email_key) override;
  std::optional<PersonId> find_document(std::string_view type, std::string_view number) override;
  std::optional<std::string> blacklisted(std::uint8_t kind, std::string_view key) override;
  void insert_blacklist(const BlacklistRow& row) override;
  bool delete_blacklist(std::uint8_t kind, std::string_view key) override;
  void insert_acceptance(const AcceptanceRow& row) override;
  void insert_attachment(const AttachmentRow& row) override;
  std::optional<PersonId> find_site(std::string_view slug) override;
  bool quick_code_taken(std::string_view code) override;
  std::int64_t insert_work_item(const WorkItemRow& row) override;
  void update_work_item(const WorkItemRow& row) override;
  void insert_work_decision(const WorkDecisionRow& row) override;
  void set_credit_limit(PersonId person, std::int64_t micros) override;
  void set_vip(PersonId person, bool vip) override;
  std::optional<WorkItemRow> find_work_item(std::int64_t id) override;
  void insert_user(const UserRow& row) override;
  void insert_campaign(const CampaignRow& row) override;
  void update_campaign(const CampaignRow& row) override;
  void put_campaign_column(std::string_view campaign, std::string_view name,
                           std::string_view data) override;
  std::optional<OrderRow> find_order(std::string_view id) override;
  void insert_order(OrderRow& row) override;
  void update_order(const OrderRow& row) override;
  void insert_order_state(const OrderStateRow& row) override;
  void set_first_order(PersonId person, std::string_view order) override;
  void set_cycle_marks(PersonId person, std::string_view commercial_state,
                       std::string_view last_order_campaign) override;
  void commit() override;

 private:
  SqliteStore& s_;
  std::unique_lock<std::mutex> lock_;
  bool open_ = true;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& path, const StoreOptions& options)
      : path_(path),
        options_(options),
        db_(open_db(path, options, options.write_cache_mib)),
        rdb_(open_db(path, options, kReadCacheMib)) {
    try {
      migrate();
      ins_person_.emplace(db_,
                          "INSERT INTO persons (id, external_id, first_name, last_name, email, "
                          "phone, country, birth_date, zone, document_type, document_number, "
                          "email_key, extended, site) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
      ins_customer_.emplace(db_,
                            "INSERT INTO customers (person_id, type, status, channel, "
                            "enrolled_at_us, rank, quick_code, credit_limit_micros, vip) "
                            "VALUES (?,?,?,?,?,?,?,?,?)");
      ins_node_.emplace(db_,
                        "INSERT INTO network_nodes (network_id, person_id, parent_id, position, "
                        "state) VALUES (?,?,?,?,?)");
      ins_event_.emplace(db_,
                         "INSERT INTO events (kind, person_id, effective_at_us, recorded_at_us, "
                         "actor, reason, payload) VALUES (?,?,?,?,?,?,?)");
      w_ext_.emplace(db_, "SELECT 1 FROM persons WHERE external_id = ?");
      w_email_.emplace(db_,
                       "SELECT id FROM persons WHERE email_key = ? AND email_key <> '' LIMIT 1");
      w_document_.emplace(db_,
                          "SELECT id FROM persons WHERE document_type = ? AND document_number = ? "
                          "AND document_number <> '' LIMIT 1");
      w_blacklisted_.emplace(db_, "SELECT reason FROM blacklist WHERE kind = ? AND key = ?");
      ins_acceptance_.emplace(db_,
                              "INSERT INTO contract_acceptances (person_id, contract, version, "
                              "digest, channel, accepted_at_us, seq) VALUES (?,?,?,?,?,?,?)");
      ins_attachment_.emplace(db_,
                              "INSERT INTO attachments (person_id, seq, idx, type, file_name, "
                              "extension, size_bytes, digest, uri, added_at_us) "
                              "VALUES (?,?,?,?,?,?,?,?,?,?)");
      upd_node_.emplace(db_,
                        "UPDATE network_nodes SET parent_id = ?, position = ?, state = ?, "
                        "moves = moves + ? WHERE network_id = ? AND person_id = ?");
      ins_change_.emplace(db_,
                          "INSERT INTO network_changes (network_id, person_id, effective_at_us, "
                          "seq, parent_id, position, state, from_parent_id, from_position, "
                          "from_state) VALUES (?,?,?,?,?,?,?,?,?,?)");
      r_person_.emplace(rdb_,
                        "SELECT p.id, p.external_id, p.first_name, p.last_name, p.email, p.phone, "
                        "p.country, p.birth_date, c.type, c.status, c.channel, c.enrolled_at_us, "
                        "p.zone, c.rank, p.document_type, p.document_number, p.email_key, "
                        "p.extended, p.site, c.quick_code, c.credit_limit_micros, c.vip, "
                        "c.commercial_state, c.last_order_campaign "
                        "FROM persons p JOIN customers c ON c.person_id = p.id WHERE p.id = ?");
      r_ext_.emplace(rdb_, "SELECT id FROM persons WHERE external_id = ?");
      r_email_.emplace(rdb_,
                       "SELECT id FROM persons WHERE email_key = ? AND email_key <> '' LIMIT 1");
      r_document_.emplace(rdb_,
                          "SELECT id FROM persons WHERE document_type = ? AND document_number = ? "
                          "AND document_number <> '' LIMIT 1");
      r_last_seq_.emplace(rdb_, "SELECT coalesce(max(seq), 0) FROM events");
      r_vip_.emplace(rdb_, "SELECT vip FROM customers WHERE person_id = ?");
      r_events_.emplace(rdb_,
                        "SELECT seq, kind, person_id, effective_at_us, recorded_at_us, actor, "
                        "reason, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?");
      last_seq_.emplace(db_, "SELECT coalesce(max(seq), 0) FROM events");
      ins_event_seq_.emplace(db_,
                             "INSERT INTO events (seq, kind, person_id, effective_at_us, "
                             "recorded_at_us, actor, reason, payload) VALUES (?,?,?,?,?,?,?,?)");
      ins_events_.emplace(db_,
                          "INSERT INTO events (seq, kind, person_id, effective_at_us, "
                          "recorded_at_us, actor, reason, payload) VALUES " +
                              values_list(kRowsPerInsert, 8));
      ins_changes_.emplace(db_,
                           "INSERT INTO network_changes (network_id, person_id, effective_at_us, "
                           "seq, parent_id, position, state, from_parent_id, from_position, "
                           "from_state) VALUES " +
                               values_list(kRowsPerInsert, 10));
      w_order_.emplace(db_, std::string(kOrderColumns) + " WHERE id = ?");
      r_order_.emplace(rdb_, std::string(kOrderColumns) + " WHERE id = ?");
      ins_order_.emplace(db_,
                         "INSERT INTO orders (id, owner_id, created_by_id, campaign, state, "
                         "amount_micros, volume_micros, created_at_us, state_at_us, lines, "
                         "comments, seq) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
      upd_order_.emplace(db_,
                         "UPDATE orders SET state = ?, amount_micros = ?, volume_micros = ?, "
                         "state_at_us = ?, lines = ?, comments = ?, seq = ? WHERE oid = ?");
      ins_order_state_.emplace(
          db_, "INSERT INTO order_states (oid, seq, state, at_us) VALUES (?,?,?,?)");
      upd_first_order_.emplace(db_, "UPDATE customers SET first_order = ? WHERE person_id = ?");
      upd_rank_.emplace(db_, "UPDATE customers SET rank = ? WHERE person_id = ?");
      upd_status_.emplace(db_, "UPDATE customers SET status = ? WHERE person_id = ?");
      ins_rank_change_.emplace(db_,
                               "INSERT INTO rank_history (person_id, effective_at_us, seq, "
                               "previous_rank, rank, campaign) VALUES (?,?,?,?,?,?)");
      upd_cycle_marks_.emplace(db_,
                               "UPDATE customers SET commercial_state = ?, "
                               "last_order_campaign = coalesce(?, last_order_campaign) "
                               "WHERE person_id = ?");
      r_version_.emplace(rdb_, "PRAGMA data_version");
      others_may_have_written();  // remember the starting data_version
      sqlite3_wal_hook(db_.getHandle(), &SqliteStore::after_commit, this);
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot open the SQLite store '" + path + "'");
    }
  }

  using Store::begin_write;
  ~SqliteStore() override {
    {
      std::lock_guard lock(checkpoint_mu_);
      stop_checkpoints_ = true;
    }
    checkpoint_cv_.notify_one();
    if (checkpointer_.joinable()) checkpointer_.join();
  }

  std::unique_ptr<WriteTxn> begin_write(KeyChecks checks) override {
    return std::make_unique<SqliteTxn>(*this, std::unique_lock(write_mu_), checks);
  }

  int network_id(std::string_view name) override {
    std::lock_guard lock(write_mu_);
    try {
      SQLite::Statement sel(db_, "SELECT id FROM networks WHERE name = ?");
      sel.bind(1, std::string(name));
      if (sel.executeStep()) return sel.getColumn(0).getInt();
      SQLite::Statement ins(db_, "INSERT INTO networks (name) VALUES (?)");
      ins.bind(1, std::string(name));
      ins.exec();
      return static_cast<int>(db_.getLastInsertRowid());
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot register network");
    }
  }

  void scan_persons(const std::function<void(const PersonColumns&)>& fn) const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(
          rdb_,
          "SELECT c.person_id, c.type, c.status, p.zone, c.rank, c.enrolled_at_us, "
          "c.first_order <> '', c.commercial_state, c.last_order_campaign FROM customers c JOIN "
          "persons p ON p.id = c.person_id "
          "ORDER BY c.person_id");
      PersonColumns row;
      while (st.executeStep()) {
        row.id = PersonId{st.getColumn(0).getInt64()};
        row.type = static_cast<CustomerType>(st.getColumn(1).getInt());
        row.status = static_cast<Status>(st.getColumn(2).getInt());
        const auto zone = st.getColumn(3);
        row.zone = std::string_view(static_cast<const char*>(zone.getBlob()),
                                    static_cast<std::size_t>(zone.getBytes()));
        row.rank = static_cast<std::uint8_t>(st.getColumn(4).getInt());
        row.enrolled_at = Instant{st.getColumn(5).getInt64()};
        row.purchased = st.getColumn(6).getInt() != 0;
        const auto state = st.getColumn(7);
        row.commercial_state = std::string_view(static_cast<const char*>(state.getBlob()),
                                                static_cast<std::size_t>(state.getBytes()));
        const auto last = st.getColumn(8);
        row.last_order_campaign = std::string_view(static_cast<const char*>(last.getBlob()),
                                                   static_cast<std::size_t>(last.getBytes()));
        fn(row);
      }
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read persons");
    }
  }

  static NodeRow read_node(SQLite::Statement& st, int network) {
    NodeRow row;
    row.network = network;
    row.person = PersonId{st.getColumn(0).getInt64()};
    row.parent = PersonId{st.getColumn(1).getInt64()};
    row.position = static_cast<std::uint32_t>(st.getColumn(2).getInt64());
    row.state = static_cast<NodeStateRow>(st.getColumn(3).getInt());
    row.moves = static_cast<std::uint32_t>(st.getColumn(4).getInt64());
    return row;
  }

  void scan_nodes(int network, const std::function<void(const NodeRow&)>& fn) const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(rdb_,
                           "SELECT person_id, parent_id, position, state, moves FROM network_nodes "
                           "WHERE network_id = ? ORDER BY person_id");
      st.bind(1, network);
      while (st.executeStep()) fn(read_node(st, network));
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read network");
    }
  }

  std::optional<NodeRow> get_node(int network, PersonId person) const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(rdb_,
                           "SELECT person_id, parent_id, position, state, moves FROM network_nodes "
                           "WHERE network_id = ? AND person_id = ?");
      st.bind(1, network);
      st.bind(2, person.value());
      if (!st.executeStep()) return std::nullopt;
      return read_node(st, network);
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read network node");
    }
  }

  void scan_changes(int network, const std::function<void(const ChangeRow&)>& fn) const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(rdb_,
                           "SELECT person_id, effective_at_us, seq, parent_id, position, state, "
                           "from_parent_id, from_position, from_state FROM network_changes "
                           "WHERE network_id = ? ORDER BY person_id, effective_at_us, seq");
      st.bind(1, network);
      ChangeRow row;
      row.network = network;
      while (st.executeStep()) {
        row.person = PersonId{st.getColumn(0).getInt64()};
        row.effective_at = Instant{st.getColumn(1).getInt64()};
        row.seq = EventSeq{st.getColumn(2).getInt64()};
        row.parent = PersonId{st.getColumn(3).getInt64()};
        row.position = static_cast<std::uint32_t>(st.getColumn(4).getInt64());
        row.state = static_cast<NodeStateRow>(st.getColumn(5).getInt());
        row.from_parent = PersonId{st.getColumn(6).getInt64()};
        row.from_position = static_cast<std::uint32_t>(st.getColumn(7).getInt64());
        row.from_state = static_cast<NodeStateRow>(st.getColumn(8).getInt());
        fn(row);
      }
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read network history");
    }
  }

  std::optional<PersonRow> get_person(PersonId id) const override {
    std::lock_guard lock(read_mu_);
    try {
      auto& st = *r_person_;
      st.tryReset();
      st.bind(1, id.value());
      if (!st.executeStep()) return std::nullopt;
      PersonRow row;
      row.id = PersonId{st.getColumn(0).getInt64()};
      row.data.external_id = st.getColumn(1).getString();
      row.data.first_name = st.getColumn(2).getString();
      row.data.last_name = st.getColumn(3).getString();
      row.data.email = st.getColumn(4).getString();
      row.data.phone = st.getColumn(5).getString();
      row.data.country = st.getColumn(6).getString();
      if (!st.getColumn(7).isNull())
        row.data.birth_date = LocalDate::parse(st.getColumn(7).getString());
      row.type = static_cast<CustomerType>(st.getColumn(8).getInt());
      row.status = static_cast<Status>(st.getColumn(9).getInt());
      row.channel = st.getColumn(10).getString();
      row.enrolled_at = Instant{st.getColumn(11).getInt64()};
      row.data.zone = st.getColumn(12).getString();
      row.rank = static_cast<std::uint8_t>(st.getColumn(13).getInt());
      row.data.document_type = st.getColumn(14).getString();
      row.data.document_number = st.getColumn(15).getString();
      row.email_key = st.getColumn(16).getString();
      row.extended_json = st.getColumn(17).getString();
      row.data.site = st.getColumn(18).getString();
      row.quick_code = st.getColumn(19).getString();
      row.credit_limit_micros = st.getColumn(20).getInt64();
      row.vip = st.getColumn(21).getInt() != 0;
      row.commercial_state = st.getColumn(22).getString();
      row.last_order_campaign = st.getColumn(23).getString();
      st.tryReset();
      return row;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read person");
    }
  }

  std::optional<PersonId> find_external_id(std::string_view external_id) const override {
    std::lock_guard lock(read_mu_);
    try {
      auto& st = *r_ext_;
      st.tryReset();
      st.bind(1, std::string(external_id));
      if (!st.executeStep()) return std::nullopt;
      PersonId id{st.getColumn(0).getInt64()};
      st.tryReset();
      return id;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot look up external id");
    }
  }

  std::vector<std::pair<std::string, std::string>> campaign_columns(
      std::string_view campaign) const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(rdb_,
                           "SELECT name, data FROM campaign_columns WHERE campaign = ? "
                           "ORDER BY name");
      st.bind(1, std::string(campaign));
      std::vector<std::pair<std::string, std::string>> out;
      while (st.executeStep()) {
        const auto& data = st.getColumn(1);
        out.emplace_back(st.getColumn(0).getString(),
                         std::string(static_cast<const char*>(data.getBlob()),
                                     static_cast<std::size_t>(data.getBytes())));
      }
      return out;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read a campaign's results");
    }
  }
  std::optional<std::string> campaign_column(std::string_view campaign,
                                             std::string_view name) const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(rdb_,
                           "SELECT data FROM campaign_columns WHERE campaign = ? AND name = ?");
      st.bind(1, std::string(campaign));
      st.bind(2, std::string(name));
      if (!st.executeStep()) return std::nullopt;
      const auto& data = st.getColumn(0);
      return std::string(static_cast<const char*>(data.getBlob()),
                         static_cast<std::size_t>(data.getBytes()));
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read a campaign's results");
    }
  }
  std::vector<CampaignRow> campaigns() const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(rdb_,
                           "SELECT id, start_date, end_date, starts_at_us, ends_at_us, state, "
                           "closed_at_us, summary, seq FROM campaigns ORDER BY starts_at_us, id");
      std::vector<CampaignRow> out;
      while (st.executeStep()) {
        CampaignRow row;
        row.id = st.getColumn(0).getString();
        row.start = LocalDate::parse(st.getColumn(1).getString());
        row.end = LocalDate::parse(st.getColumn(2).getString());
        row.starts_at = Instant{st.getColumn(3).getInt64()};
        row.ends_at = Instant{st.getColumn(4).getInt64()};
        row.state = static_cast<std::uint8_t>(st.getColumn(5).getInt());
        if (!st.getColumn(6).isNull()) row.closed_at = Instant{st.getColumn(6).getInt64()};
        row.summary_json = st.getColumn(7).getString();
        row.seq = EventSeq{st.getColumn(8).getInt64()};
        out.push_back(std::move(row));
      }
      return out;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read the campaigns");
    }
  }

  // The columns order_of reads, in its order.
  static constexpr const char* kOrderColumns =
      "SELECT oid, id, owner_id, created_by_id, campaign, state, amount_micros, volume_micros, "
      "created_at_us, state_at_us, lines, comments, seq FROM orders";

  static OrderRow order_of(SQLite::Statement& st) {
    OrderRow row;
    row.oid = st.getColumn(0).getInt64();
    row.id = st.getColumn(1).getString();
    row.owner = PersonId{st.getColumn(2).getInt64()};
    row.created_by = PersonId{st.getColumn(3).getInt64()};
    row.campaign = st.getColumn(4).getString();
    row.state = static_cast<std::uint8_t>(st.getColumn(5).getInt());
    row.amount_micros = st.getColumn(6).getInt64();
    row.volume_micros = st.getColumn(7).getInt64();
    row.created_at = Instant{st.getColumn(8).getInt64()};
    row.state_at = Instant{st.getColumn(9).getInt64()};
    row.lines_json = st.getColumn(10).getString();
    row.comments_json = st.getColumn(11).getString();
    row.seq = EventSeq{st.getColumn(12).getInt64()};
    return row;
  }

  std::optional<OrderRow> get_order(std::string_view id) const override {
    std::lock_guard lock(read_mu_);
    try {
      auto& st = *r_order_;
      st.tryReset();
      st.bind(1, std::string(id));
      if (!st.executeStep()) return std::nullopt;
      OrderRow row = order_of(st);
      st.tryReset();
      return row;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read an order");
    }
  }

  std::vector<OrderStateRow> order_history(std::int64_t oid) const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(rdb_,
                           "SELECT seq, state, at_us FROM order_states WHERE oid = ? "
                           "ORDER BY seq, state");
      st.bind(1, oid);
      std::vector<OrderStateRow> out;
      while (st.executeStep())
        out.push_back(OrderStateRow{oid, EventSeq{st.getColumn(0).getInt64()},
                                    static_cast<std::uint8_t>(st.getColumn(1).getInt()),
                                    Instant{st.getColumn(2).getInt64()}});
      return out;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read an order's history");
    }
  }

  void scan_campaign_orders(std::string_view campaign,
                            const std::function<void(const OrderRow&)>& fn) const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(
          rdb_, std::string(kOrderColumns) + " WHERE campaign = ? ORDER BY owner_id, oid");
      st.bind(1, std::string(campaign));
      while (st.executeStep()) fn(order_of(st));
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read a campaign's orders");
    }
  }

  std::vector<OrderRow> orders_of(PersonId owner, std::string_view campaign) const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(
          rdb_, std::string(kOrderColumns) + " WHERE campaign = ? AND owner_id = ? ORDER BY oid");
      st.bind(1, std::string(campaign));
      st.bind(2, owner.value());
      std::vector<OrderRow> out;
      while (st.executeStep()) out.push_back(order_of(st));
      return out;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read a person's orders");
    }
  }

  std::optional<UserRow> get_user(std::string_view login) const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(rdb_, "SELECT person_id, roles FROM users WHERE login = ?");
      st.bind(1, std::string(login));
      if (!st.executeStep()) return std::nullopt;
      UserRow row{std::string(login), PersonId{st.getColumn(0).getInt64()}, {}};
      const std::string roles = st.getColumn(1).getString();
      for (std::size_t start = 0; start < roles.size();) {
        const std::size_t comma = std::min(roles.find(',', start), roles.size());
        row.roles.push_back(roles.substr(start, comma - start));
        start = comma + 1;
      }
      return row;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read user");
    }
  }

  std::vector<EventRow> events_after(EventSeq after, std::size_t limit) const override {
    std::lock_guard lock(read_mu_);
    std::vector<EventRow> out;
    try {
      auto& st = *r_events_;
      st.tryReset();
      st.bind(1, after.value());
      st.bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
      while (st.executeStep()) {
        out.push_back(event_at(st));
      }
      st.tryReset();
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read events");
    }
    return out;
  }

  std::vector<EventRow> events_of_kind_after(std::string_view kind, EventSeq after) const override {
    std::lock_guard lock(read_mu_);
    std::vector<EventRow> out;
    try {
      SQLite::Statement st(rdb_,
                           "SELECT seq, kind, person_id, effective_at_us, recorded_at_us, actor, "
                           "reason, payload FROM events WHERE seq > ? AND kind = ? ORDER BY seq");
      st.bind(1, after.value());
      st.bind(2, std::string(kind));
      while (st.executeStep()) {
        out.push_back(event_at(st));
      }
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read events");
    }
    return out;
  }

  bool is_vip(PersonId person) const override {
    std::lock_guard lock(read_mu_);
    try {
      auto& st = *r_vip_;
      st.tryReset();
      st.bind(1, person.value());
      const bool vip = st.executeStep() && st.getColumn(0).getInt() != 0;
      st.tryReset();
      return vip;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read a person");
    }
  }

  std::vector<PersonId> persons_with_events(std::span<const std::string_view> kinds, Instant from,
                                            Instant to) const override {
    std::lock_guard lock(read_mu_);
    std::vector<PersonId> out;
    if (kinds.empty()) return out;
    try {
      std::string sql =
          "SELECT person_id FROM events WHERE effective_at_us >= ? AND effective_at_us < ? AND "
          "person_id IS NOT NULL AND kind IN (?";
      for (std::size_t i = 1; i < kinds.size(); ++i) sql += ", ?";
      sql += ") ORDER BY seq";
      SQLite::Statement st(rdb_, sql);
      st.bind(1, from.micros_since_epoch);
      st.bind(2, to.micros_since_epoch);
      for (std::size_t i = 0; i < kinds.size(); ++i)
        st.bind(static_cast<int>(i + 3), std::string(kinds[i]));
      while (st.executeStep()) out.push_back(PersonId{st.getColumn(0).getInt64()});
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read events");
    }
    return out;
  }

  std::vector<RankChangeRow> rank_history(PersonId person) const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(rdb_,
                           "SELECT effective_at_us, seq, previous_rank, rank, campaign "
                           "FROM rank_history WHERE person_id = ? ORDER BY effective_at_us, seq");
      st.bind(1, person.value());
      std::vector<RankChangeRow> out;
      while (st.executeStep())
        out.push_back(RankChangeRow{EventSeq{st.getColumn(1).getInt64()}, person,
                                    st.getColumn(2).getString(), st.getColumn(3).getString(),
                                    st.getColumn(4).getString(),
                                    Instant{st.getColumn(0).getInt64()}});
      return out;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read rank history");
    }
  }

  std::vector<BlacklistRow> blacklist() const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(rdb_,
                           "SELECT kind, key, value, country, reason, note, added_by, added_at_us "
                           "FROM blacklist ORDER BY kind, key");
      std::vector<BlacklistRow> out;
      while (st.executeStep())
        out.push_back(BlacklistRow{static_cast<std::uint8_t>(st.getColumn(0).getInt()),
                                   st.getColumn(1).getString(), st.getColumn(2).getString(),
                                   st.getColumn(3).getString(), st.getColumn(4).getString(),
                                   st.getColumn(5).getString(), st.getColumn(6).getString(),
                                   Instant{st.getColumn(7).getInt64()}});
      return out;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read the blacklist");
    }
  }

  std::vector<AcceptanceRow> acceptances_of_person(PersonId person) const override {
    return acceptances("WHERE person_id = ? ORDER BY seq",
                       [&](SQLite::Statement& st) { st.bind(1, person.value()); });
  }

  std::vector<AcceptanceRow> acceptances_of_contract(std::string_view contract) const override {
    return acceptances("WHERE contract = ? ORDER BY seq",
                       [&](SQLite::Statement& st) { st.bind(1, std::string(contract)); });
  }

  std::vector<AcceptanceRow> accepted_versions() const override {
    // SQLite's bare columns with min(): the row holding the first sequence.
    return acceptances(
        "GROUP BY contract, version HAVING seq = min(seq) ORDER BY contract, version",
        [](SQLite::Statement&) {});
  }

  // Cached statements: an import asks these for every row.
  std::optional<PersonId> find_email_key(std::string_view email_key) const override {
    std::lock_guard lock(read_mu_);
    return read_id(*r_email_, {email_key}, "cannot look up an e-mail");
  }

  std::optional<PersonId> find_document_of(std::string_view type,
                                           std::string_view number) const override {
    std::lock_guard lock(read_mu_);
    return read_id(*r_document_, {type, number}, "cannot look up a document");
  }

  KeyAnswers look_up_keys(const KeyQuery& q) const override {
    std::lock_guard lock(keys_mu_);
    try {
      if (!kdb_) {
        kdb_.emplace(open_db(path_, options_, kReadCacheMib));
        k_ext_.emplace(*kdb_, "SELECT id FROM persons WHERE external_id = ?");
        k_email_.emplace(*kdb_,
                         "SELECT id FROM persons WHERE email_key = ? AND email_key <> '' LIMIT 1");
        k_document_.emplace(*kdb_,
                            "SELECT id FROM persons WHERE document_type = ? AND "
                            "document_number = ? AND document_number <> '' LIMIT 1");
        k_barred_.emplace(*kdb_, "SELECT reason FROM blacklist WHERE kind = ? AND key = ?");
        k_last_seq_.emplace(*kdb_, "SELECT coalesce(max(seq), 0) FROM events");
        k_barred_count_.emplace(*kdb_, "SELECT count(*) FROM blacklist");
      }
      // One read transaction: every answer and as_of see the same commit.
      SQLite::Transaction snapshot(*kdb_, SQLite::TransactionBehavior::DEFERRED);
      KeyAnswers a;
      k_last_seq_->tryReset();
      k_last_seq_->executeStep();
      a.as_of = EventSeq{k_last_seq_->getColumn(0).getInt64()};
      k_last_seq_->tryReset();
      const auto id = [](SQLite::Statement& st, std::initializer_list<std::string_view> texts) {
        return read_id(st, texts, "cannot look up keys").value_or(PersonId{});
      };
      a.external_ids.reserve(q.external_ids.size());
      for (const std::string_view ext : q.external_ids)
        a.external_ids.push_back(id(*k_ext_, {ext}));
      a.email_keys.reserve(q.email_keys.size());
      for (const std::string_view key : q.email_keys) a.email_keys.push_back(id(*k_email_, {key}));
      a.documents.reserve(q.documents.size());
      for (const auto& [type, number] : q.documents)
        a.documents.push_back(id(*k_document_, {type, number}));
      a.barred.reserve(q.barred.size());
      k_barred_count_->tryReset();
      k_barred_count_->executeStep();
      const auto listed = static_cast<std::size_t>(k_barred_count_->getColumn(0).getInt64());
      k_barred_count_->tryReset();
      if (listed * 8 < q.barred.size()) {
        // A blacklist much shorter than the question is read whole: one
        // scan instead of a probe per key.
        std::unordered_map<std::string, std::string> reasons;
        SQLite::Statement all(*kdb_, "SELECT kind, key, reason FROM blacklist");
        while (all.executeStep())
          reasons.emplace(std::string(1, static_cast<char>(all.getColumn(0).getInt())) +
                              all.getColumn(1).getString(),
                          all.getColumn(2).getString());
        std::string probe;
        for (const auto& [kind, key] : q.barred) {
          probe.assign(1, static_cast<char>(kind)).append(key);
          auto it = reasons.find(probe);
          a.barred.push_back(it == reasons.end() ? std::nullopt : std::optional(it->second));
        }
        snapshot.commit();
        return a;
      }
      for (const auto& [kind, key] : q.barred) {
        auto& st = *k_barred_;
        st.tryReset();
        st.bind(1, static_cast<int>(kind));
        st.bind(2, std::string(key));
        a.barred.push_back(st.executeStep() ? std::optional(st.getColumn(0).getString())
                                            : std::nullopt);
        st.tryReset();
      }
      snapshot.commit();
      return a;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot look up keys");
    }
  }

  // The id in the first column of `st`'s first row with `texts` bound.
  static std::optional<PersonId> read_id(SQLite::Statement& st,
                                         std::initializer_list<std::string_view> texts,
                                         const char* what) {
    try {
      st.tryReset();
      int i = 0;
      // As strings: SQLiteCpp binds a pointer and a size as a BLOB, which
      // no TEXT column equals.
      for (const std::string_view t : texts) st.bind(++i, std::string(t));
      if (!st.executeStep()) return std::nullopt;
      PersonId id{st.getColumn(0).getInt64()};
      st.tryReset();
      return id;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, what);
    }
  }

  std::optional<PersonId> find_quick_code(std::string_view code) const override {
    return find_one("SELECT person_id FROM customers WHERE quick_code = ? AND quick_code <> ''",
                    {std::string(code)});
  }

  // The id in the first column of the first row of `sql` with `texts` bound.
  std::optional<PersonId> find_one(const char* sql,
                                   std::initializer_list<std::string> texts) const {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(rdb_, sql);
      int i = 0;
      for (const auto& t : texts) st.bind(++i, t);
      if (!st.executeStep()) return std::nullopt;
      return PersonId{st.getColumn(0).getInt64()};
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot look up a person");
    }
  }

  std::vector<WorkItemRow> work_items(PersonId person, std::optional<std::uint8_t> state,
                                      std::optional<std::uint8_t> kind) const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(
          rdb_,
          "SELECT id, kind, person_id, state, step, amount_micros, detail, "
          "created_at_us, seq FROM work_items WHERE (?1 IS NULL OR person_id = ?1) "
          "AND (?2 IS NULL OR state = ?2) AND (?3 IS NULL OR kind = ?3) ORDER BY id");
      if (person) st.bind(1, person.value());
      if (state) st.bind(2, static_cast<int>(*state));
      if (kind) st.bind(3, static_cast<int>(*kind));
      std::vector<WorkItemRow> out;
      while (st.executeStep()) out.push_back(work_item_of(st));
      return out;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read work items");
    }
  }

  std::vector<WorkDecisionRow> work_decisions(std::int64_t item) const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(rdb_,
                           "SELECT step, actor, approved, reason, amount_micros, at_us, seq "
                           "FROM work_decisions WHERE item_id = ? ORDER BY seq");
      st.bind(1, item);
      std::vector<WorkDecisionRow> out;
      while (st.executeStep()) {
        WorkDecisionRow d;
        d.item = item;
        d.step = static_cast<std::uint32_t>(st.getColumn(0).getInt64());
        d.actor = st.getColumn(1).getString();
        d.approved = st.getColumn(2).getInt() != 0;
        d.reason = st.getColumn(3).getString();
        if (!st.getColumn(4).isNull()) d.amount_micros = st.getColumn(4).getInt64();
        d.at = Instant{st.getColumn(5).getInt64()};
        d.seq = EventSeq{st.getColumn(6).getInt64()};
        out.push_back(std::move(d));
      }
      return out;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read work decisions");
    }
  }

  static WorkItemRow work_item_of(SQLite::Statement& st) {
    WorkItemRow w;
    w.id = st.getColumn(0).getInt64();
    w.kind = static_cast<std::uint8_t>(st.getColumn(1).getInt());
    w.person = PersonId{st.getColumn(2).getInt64()};
    w.state = static_cast<std::uint8_t>(st.getColumn(3).getInt());
    w.step = static_cast<std::uint32_t>(st.getColumn(4).getInt64());
    if (!st.getColumn(5).isNull()) w.amount_micros = st.getColumn(5).getInt64();
    w.detail = st.getColumn(6).getString();
    w.created_at = Instant{st.getColumn(7).getInt64()};
    w.seq = EventSeq{st.getColumn(8).getInt64()};
    return w;
  }

  std::vector<AttachmentRow> attachments_of(PersonId person) const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(rdb_,
                           "SELECT seq, idx, type, file_name, extension, size_bytes, digest, uri, "
                           "added_at_us FROM attachments WHERE person_id = ? ORDER BY seq, idx");
      st.bind(1, person.value());
      std::vector<AttachmentRow> out;
      while (st.executeStep())
        out.push_back(AttachmentRow{
            person, EventSeq{st.getColumn(0).getInt64()},
            static_cast<std::uint32_t>(st.getColumn(1).getInt64()), st.getColumn(2).getString(),
            st.getColumn(3).getString(), st.getColumn(4).getString(), st.getColumn(6).getString(),
            st.getColumn(7).getString(), static_cast<std::uint64_t>(st.getColumn(5).getInt64()),
            Instant{st.getColumn(8).getInt64()}});
      return out;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read attachments");
    }
  }

  StoreCounts counts() const override {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(rdb_,
                           "SELECT (SELECT count(*) FROM persons), (SELECT count(*) FROM "
                           "customers), (SELECT count(*) FROM network_nodes), (SELECT count(*) "
                           "FROM events), (SELECT coalesce(max(seq), 0) FROM events), "
                           "(SELECT count(*) FROM network_changes), "
                           "(SELECT count(*) FROM rank_history), "
                           "(SELECT count(*) FROM blacklist), "
                           "(SELECT count(*) FROM contract_acceptances), "
                           "(SELECT count(*) FROM attachments), "
                           "(SELECT count(*) FROM work_items), "
                           "(SELECT count(*) FROM work_decisions), "
                           "(SELECT count(*) FROM campaigns), (SELECT count(*) FROM orders), "
                           "(SELECT count(*) FROM order_states)");
      st.executeStep();
      return StoreCounts{static_cast<std::uint64_t>(st.getColumn(0).getInt64()),
                         static_cast<std::uint64_t>(st.getColumn(1).getInt64()),
                         static_cast<std::uint64_t>(st.getColumn(2).getInt64()),
                         static_cast<std::uint64_t>(st.getColumn(3).getInt64()),
                         st.getColumn(4).getInt64(),
                         static_cast<std::uint64_t>(st.getColumn(5).getInt64()),
                         static_cast<std::uint64_t>(st.getColumn(6).getInt64()),
                         static_cast<std::uint64_t>(st.getColumn(7).getInt64()),
                         static_cast<std::uint64_t>(st.getColumn(8).getInt64()),
                         static_cast<std::uint64_t>(st.getColumn(9).getInt64()),
                         static_cast<std::uint64_t>(st.getColumn(10).getInt64()),
                         static_cast<std::uint64_t>(st.getColumn(11).getInt64()),
                         static_cast<std::uint64_t>(st.getColumn(12).getInt64()),
                         static_cast<std::uint64_t>(st.getColumn(13).getInt64()),
                         static_cast<std::uint64_t>(st.getColumn(14).getInt64())};
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot count rows");
    }
  }

  EventSeq last_event_seq() const override {
    std::lock_guard lock(read_mu_);
    try {
      auto& st = *r_last_seq_;
      st.tryReset();
      st.executeStep();
      EventSeq seq{st.getColumn(0).getInt64()};
      st.tryReset();
      return seq;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read the event log");
    }
  }

  void with_read_snapshot(const std::function<void()>& fn) const override {
    std::lock_guard lock(read_mu_);
    try {
      rdb_.exec("BEGIN");
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot start a read transaction");
    }
    try {
      fn();
    } catch (...) {
      try {
        rdb_.exec("ROLLBACK");
      } catch (...) {
      }
      throw;
    }
    try {
      rdb_.exec("COMMIT");
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot end a read transaction");
    }
  }

  bool others_may_have_written() const override {
    std::lock_guard lock(read_mu_);
    try {
      auto& st = *r_version_;
      st.tryReset();
      st.executeStep();
      std::int64_t v = st.getColumn(0).getInt64();
      st.tryReset();
      bool changed = v != data_version_;
      data_version_ = v;
      return changed;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read data_version");
    }
  }

 private:
  friend class SqliteTxn;

  template <typename Bind>
  std::vector<AcceptanceRow> acceptances(const std::string& where, Bind bind) const {
    std::lock_guard lock(read_mu_);
    try {
      SQLite::Statement st(rdb_,
                           "SELECT person_id, contract, version, digest, channel, accepted_at_us, "
                           "seq FROM contract_acceptances " +
                               where);
      bind(st);
      std::vector<AcceptanceRow> out;
      while (st.executeStep())
        out.push_back(AcceptanceRow{
            PersonId{st.getColumn(0).getInt64()}, st.getColumn(1).getString(),
            static_cast<std::uint32_t>(st.getColumn(2).getInt64()), st.getColumn(3).getString(),
            st.getColumn(4).getString(), Instant{st.getColumn(5).getInt64()},
            EventSeq{st.getColumn(6).getInt64()}});
      return out;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot read contract acceptances");
    }
  }

  // The read connection answers one question at a time.
  static constexpr int kReadCacheMib = 32;

  static SQLite::Database open_db(const std::string& path, const StoreOptions& options,
                                  int cache_mib) {
    try {
      SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
                          options.busy_timeout_ms);
      pragmas(db, cache_mib);
      return db;
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, "cannot open the SQLite store '" + path + "'");
    }
  }

  // SQLite's own hook (wal_autocheckpoint) checkpoints on the committing
  // thread once the WAL holds 1000 pages. After a large transaction (a
  // compression of 10% of 1M persons writes ~15k pages), copying them into
  // the database and syncing both files takes longer than the transaction:
  // such checkpoints run on a thread and a connection of their own, and the
  // call returns once its transaction is committed. Smaller commits
  // checkpoint as SQLite would. Runs inside COMMIT: must not throw.
  static int after_commit(void* self, sqlite3* db, const char* schema, int pages) noexcept {
    constexpr int kAutoCheckpointPages = 1000;  // SQLite's default
    constexpr int kBackgroundPages = 4096;      // 16 MB
    if (pages < kAutoCheckpointPages) return SQLITE_OK;
    if (pages < kBackgroundPages || !static_cast<SqliteStore*>(self)->checkpoint_later())
      sqlite3_wal_checkpoint(db, schema);
    return SQLITE_OK;
  }

  bool checkpoint_later() noexcept {
    try {
      std::lock_guard lock(checkpoint_mu_);
      if (!checkpointer_.joinable()) checkpointer_ = std::thread([this] { run_checkpoints(); });
      checkpoint_wanted_ = true;
    } catch (...) {
      return false;  // no thread: checkpoint here
    }
    checkpoint_cv_.notify_one();
    return true;
  }

  void run_checkpoints() {
    std::optional<SQLite::Database> db;
    std::unique_lock lock(checkpoint_mu_);
    for (;;) {
      checkpoint_cv_.wait(lock, [this] { return checkpoint_wanted_ || stop_checkpoints_; });
      // Stopping: the last connection to close checkpoints what is left.
      if (stop_checkpoints_) return;
      checkpoint_wanted_ = false;
      lock.unlock();
      try {
        if (!db) db.emplace(open_db(path_, options_, kReadCacheMib));
        // PASSIVE, as SQLite's own: writers and readers go on meanwhile.
        sqlite3_wal_checkpoint_v2(db->getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                  nullptr);
      } catch (...) {  // the next large commit, or the last close, tries again
      }
      lock.lock();
    }
  }

  void migrate() {
    std::lock_guard lock(write_mu_);
    db_.exec("BEGIN IMMEDIATE");
    try {
      db_.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      SQLite::Statement sel(db_, "SELECT version FROM schema_version");
      std::int64_t version = 0;
      bool has_row = sel.executeStep();
      if (has_row) version = sel.getColumn(0).getInt64();
      sel.reset();
      if (version > static_cast<std::int64_t>(kMigrations.size()))
        throw DataLoss("the store has schema version " + std::to_string(version) +
                       ", newer than this downline knows (" + std::to_string(kMigrations.size()) +
                       ")");
      for (auto v = static_cast<std::size_t>(version); v < kMigrations.size(); ++v)
        db_.exec(kMigrations[v]);
      if (!has_row) db_.exec("INSERT INTO schema_version (version) VALUES (0)");
      db_.exec("UPDATE schema_version SET version = " + std::to_string(kMigrations.size()));
      db_.exec("COMMIT");
    } catch (...) {
      db_.exec("ROLLBACK");
      throw;
    }
  }

  std::string path_;
  StoreOptions options_;
  mutable std::mutex write_mu_;
  mutable std::recursive_mutex read_mu_;
  SQLite::Database db_;
  mutable SQLite::Database rdb_;
  std::optional<SQLite::Statement> ins_person_, ins_customer_, ins_node_, ins_event_, w_ext_,
      w_email_, w_document_, w_blacklisted_, ins_acceptance_, ins_attachment_, upd_node_,
      ins_change_, last_seq_, ins_event_seq_, ins_events_, ins_changes_, w_order_, ins_order_,
      upd_order_, ins_order_state_, upd_first_order_, upd_cycle_marks_, upd_rank_, upd_status_,
      ins_rank_change_;
  // The write connection's PRAGMA foreign_keys, switched only between
  // transactions (SQLite ignores it inside one) and only when a
  // transaction asks for the other setting.
  bool foreign_keys_ = true;
  mutable std::optional<SQLite::Statement> r_person_, r_ext_, r_events_, r_version_, r_email_,
      r_document_, r_last_seq_, r_order_, r_vip_;
  mutable std::int64_t data_version_ = -1;
  // look_up_keys' own connection, opened on first use.
  mutable std::mutex keys_mu_;
  mutable std::optional<SQLite::Database> kdb_;
  mutable std::optional<SQLite::Statement> k_ext_, k_email_, k_document_, k_barred_, k_last_seq_,
      k_barred_count_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_wanted_ = false, stop_checkpoints_ = false;
  std::thread checkpointer_;  // started by the first large commit
};

SqliteTxn::SqliteTxn(SqliteStore& store, std::unique_lock<std::mutex> lock, KeyChecks checks)
    : s_(store), lock_(std::move(lock)) {
  try {
    // Changing it expires the cached statements: they recompile on their
    // next use, once per switch.
    if (const bool on = checks == KeyChecks::store; on != s_.foreign_keys_) {
      s_.db_.exec(on ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF");
      s_.foreign_keys_ = on;
    }
    s_.db_.exec("BEGIN IMMEDIATE");
  } catch (const SQLite::Exception& e) {
    open_ = false;
    rethrow_sqlite(e, "cannot start a write transaction");
  }
}

SqliteTxn::~SqliteTxn() {
  if (!open_) return;
  try {
    s_.db_.exec("ROLLBACK");
  } catch (...) {  // the connection rolls back on its own when it cannot
  }
}

void SqliteTxn::insert_person(const PersonRow& row) {
  try {
    auto& p = *s_.ins_person_;
    p.tryReset();
    p.bind(1, row.id.value());
    bind_text_or_null(p, 2, row.data.external_id);
    p.bindNoCopy(3, row.data.first_name);
    p.bindNoCopy(4, row.data.last_name);
    p.bindNoCopy(5, row.data.email);
    p.bindNoCopy(6, row.data.phone);
    p.bindNoCopy(7, row.data.country);
    if (row.data.birth_date)
      p.bind(8, row.data.birth_date->to_string());
    else
      p.bind(8);
    p.bindNoCopy(9, row.data.zone);
    p.bindNoCopy(10, row.data.document_type);
    p.bindNoCopy(11, row.data.document_number);
    p.bindNoCopy(12, row.email_key);
    p.bindNoCopy(13, row.extended_json);
    p.bindNoCopy(14, row.data.site);
    p.exec();
    auto& c = *s_.ins_customer_;
    c.tryReset();
    c.bind(1, row.id.value());
    c.bind(2, static_cast<int>(row.type));
    c.bind(3, static_cast<int>(row.status));
    c.bindNoCopy(4, row.channel);
    c.bind(5, row.enrolled_at.micros_since_epoch);
    c.bind(6, static_cast<int>(row.rank));
    c.bindNoCopy(7, row.quick_code);
    c.bind(8, row.credit_limit_micros);
    c.bind(9, row.vip ? 1 : 0);
    c.exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) {
      const std::string what = e.what();
      if (what.find("persons.site") != std::string::npos)
        throw AlreadyExists("site '" + row.data.site + "' exists", "site");
      if (what.find("customers.quick_code") != std::string::npos)
        throw AlreadyExists("the quick-access code exists", "quick_code");
      throw AlreadyExists("external id '" + row.data.external_id + "' exists", "external_id");
    }
    rethrow_sqlite(e, "cannot insert person");
  }
}

void SqliteTxn::insert_node(const NodeRow& row) {
  try {
    auto& n = *s_.ins_node_;
    n.tryReset();
    n.bind(1, row.network);
    n.bind(2, row.person.value());
    if (row.parent)
      n.bind(3, row.parent.value());
    else
      n.bind(3);
    n.bind(4, static_cast<std::int64_t>(row.position));
    n.bind(5, static_cast<int>(row.state));
    n.exec();
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot insert network node");
  }
}

namespace {
void bind_id_or_null(SQLite::Statement& st, int index, PersonId id) {
  if (id)
    st.bind(index, id.value());
  else
    st.bind(index);
}

// The order in which to write `rows`: as given when already sorted by
// `key`, else sorted by it, rows with equal keys in their given order.
template <typename Row, typename Key>
std::vector<std::uint32_t> key_order(std::span<const Row> rows, Key key) {
  std::vector<std::uint32_t> order(rows.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  const bool sorted = std::is_sorted(rows.begin(), rows.end(),
                                     [&](const Row& a, const Row& b) { return key(a) < key(b); });
  if (!sorted)
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return key(rows[a]) < key(rows[b]); });
  return order;
}

void update_node_row(SQLite::Statement& st, const NodeRow& row, int moves) {
  st.tryReset();
  bind_id_or_null(st, 1, row.parent);
  st.bind(2, static_cast<std::int64_t>(row.position));
  st.bind(3, static_cast<int>(row.state));
  st.bind(4, moves);
  st.bind(5, row.network);
  st.bind(6, row.person.value());
  if (st.exec() != 1) throw Internal("no network node to update");
}

void bind_event(SQLite::Statement& st, int first, std::int64_t seq, const EventRow& row) {
  st.bind(first, seq);
  st.bindNoCopy(first + 1, row.kind);
  bind_id_or_null(st, first + 2, row.person);
  st.bind(first + 3, row.effective_at.micros_since_epoch);
  st.bind(first + 4, row.recorded_at.micros_since_epoch);
  st.bindNoCopy(first + 5, row.actor);
  st.bindNoCopy(first + 6, row.reason);
  st.bindNoCopy(first + 7, row.payload);
}

void bind_change(SQLite::Statement& st, int first, const ChangeRow& row) {
  st.bind(first, row.network);
  st.bind(first + 1, row.person.value());
  st.bind(first + 2, row.effective_at.micros_since_epoch);
  st.bind(first + 3, row.seq.value());
  bind_id_or_null(st, first + 4, row.parent);
  st.bind(first + 5, static_cast<std::int64_t>(row.position));
  st.bind(first + 6, static_cast<int>(row.state));
  bind_id_or_null(st, first + 7, row.from_parent);
  st.bind(first + 8, static_cast<std::int64_t>(row.from_position));
  st.bind(first + 9, static_cast<int>(row.from_state));
}
}  // namespace

void SqliteTxn::update_node(const NodeRow& row, bool count_move) {
  try {
    update_node_row(*s_.upd_node_, row, count_move ? 1 : 0);
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot update network node");
  }
}

void SqliteTxn::insert_change(const ChangeRow& row) {
  try {
    auto& st = *s_.ins_change_;
    st.tryReset();
    bind_change(st, 1, row);
    st.exec();
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot record network change");
  }
}

void SqliteTxn::set_rank(PersonId person, std::uint8_t rank) {
  try {
    auto& st = *s_.upd_rank_;
    st.tryReset();
    st.bind(1, static_cast<int>(rank));
    st.bind(2, person.value());
    if (st.exec() != 1) throw Internal("no person to rank");
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot set rank");
  }
}

void SqliteTxn::set_status(PersonId person, Status status) {
  try {
    auto& st = *s_.upd_status_;
    st.tryReset();
    st.bind(1, static_cast<int>(status));
    st.bind(2, person.value());
    if (st.exec() != 1) throw Internal("no person to change");
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot set status");
  }
}

void SqliteTxn::set_type(PersonId person, CustomerType type) {
  try {
    SQLite::Statement st(s_.db_, "UPDATE customers SET type = ? WHERE person_id = ?");
    st.bind(1, static_cast<int>(type));
    st.bind(2, person.value());
    if (st.exec() != 1) throw Internal("no person to change");
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot set a customer type");
  }
}

void SqliteTxn::insert_rank_change(const RankChangeRow& row) {
  try {
    auto& st = *s_.ins_rank_change_;
    st.tryReset();
    st.bind(1, row.person.value());
    st.bind(2, row.effective_at.micros_since_epoch);
    st.bind(3, row.seq.value());
    st.bind(4, row.previous_rank);
    st.bind(5, row.rank);
    st.bind(6, row.campaign);
    st.exec();
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot record rank change");
  }
}

EventSeq SqliteTxn::append_event(const EventRow& row) {
  try {
    auto& ev = *s_.ins_event_;
    ev.tryReset();
    ev.bindNoCopy(1, row.kind);
    if (row.person)
      ev.bind(2, row.person.value());
    else
      ev.bind(2);
    ev.bind(3, row.effective_at.micros_since_epoch);
    ev.bind(4, row.recorded_at.micros_since_epoch);
    ev.bindNoCopy(5, row.actor);
    ev.bindNoCopy(6, row.reason);
    ev.bindNoCopy(7, row.payload);
    ev.exec();
    return EventSeq{s_.db_.getLastInsertRowid()};
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot append event");
  }
}

EventSeq SqliteTxn::append_events(std::span<const EventRow> rows) {
  if (rows.empty()) return EventSeq{};
  try {
    // Sequences given here, as INTEGER PRIMARY KEY would give them (the
    // largest plus one): this transaction is the only writer.
    auto& last = *s_.last_seq_;
    last.tryReset();
    last.executeStep();
    const std::int64_t first = last.getColumn(0).getInt64() + 1;
    last.tryReset();
    std::size_t i = 0;
    for (auto& st = *s_.ins_events_; rows.size() - i >= kRowsPerInsert; i += kRowsPerInsert) {
      st.tryReset();
      for (std::size_t j = 0; j < kRowsPerInsert; ++j)
        bind_event(st, static_cast<int>(8 * j + 1), first + static_cast<std::int64_t>(i + j),
                   rows[i + j]);
      st.exec();
    }
    for (auto& st = *s_.ins_event_seq_; i < rows.size(); ++i) {
      st.tryReset();
      bind_event(st, 1, first + static_cast<std::int64_t>(i), rows[i]);
      st.exec();
    }
    return EventSeq{first};
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot append events");
  }
}

void SqliteTxn::update_nodes(std::span<const NodeUpdate> rows) {
  // Key order walks the table front to back; a node given twice is written
  // once, as it ends. One statement per node: an UPDATE … FROM (VALUES …)
  // of many rows measured slower.
  const auto key = [](const NodeUpdate& u) {
    return std::pair(u.node.network, u.node.person.value());
  };
  const auto order = key_order(rows, key);
  try {
    auto& st = *s_.upd_node_;
    for (std::size_t i = 0; i < order.size();) {
      int moves = 0;
      std::size_t last = i;
      for (; i < order.size() && key(rows[order[i]]) == key(rows[order[last]]); ++i) {
        last = i;
        moves += rows[order[i]].count_move ? 1 : 0;
      }
      update_node_row(st, rows[order[last]].node, moves);
    }
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot update network nodes");
  }
}

void SqliteTxn::insert_changes(std::span<const ChangeRow> rows) {
  const auto order = key_order(rows, [](const ChangeRow& c) {
    return std::tuple(c.network, c.person.value(), c.effective_at.micros_since_epoch,
                      c.seq.value());
  });
  try {
    std::size_t i = 0;
    for (auto& st = *s_.ins_changes_; order.size() - i >= kRowsPerInsert; i += kRowsPerInsert) {
      st.tryReset();
      for (std::size_t j = 0; j < kRowsPerInsert; ++j)
        bind_change(st, static_cast<int>(10 * j + 1), rows[order[i + j]]);
      st.exec();
    }
    for (; i < order.size(); ++i) insert_change(rows[order[i]]);
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot record network changes");
  }
}

bool SqliteTxn::external_id_exists(std::string_view external_id) {
  try {
    auto& st = *s_.w_ext_;
    st.tryReset();
    st.bind(1, std::string(external_id));
    bool found = st.executeStep();
    st.tryReset();
    return found;
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot look up external id");
  }
}

std::optional<PersonId> SqliteTxn::find_email(std::string_view email_key) {
  try {
    auto& st = *s_.w_email_;
    st.tryReset();
    st.bind(1, std::string(email_key));
    std::optional<PersonId> found;
    if (st.executeStep()) found = PersonId{st.getColumn(0).getInt64()};
    st.tryReset();
    return found;
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot look up e-mail");
  }
}

std::optional<PersonId> SqliteTxn::find_document(std::string_view type, std::string_view number) {
  try {
    auto& st = *s_.w_document_;
    st.tryReset();
    st.bind(1, std::string(type));
    st.bind(2, std::string(number));
    std::optional<PersonId> found;
    if (st.executeStep()) found = PersonId{st.getColumn(0).getInt64()};
    st.tryReset();
    return found;
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot look up document");
  }
}

std::optional<std::string> SqliteTxn::blacklisted(std::uint8_t kind, std::string_view key) {
  try {
    auto& st = *s_.w_blacklisted_;
    st.tryReset();
    st.bind(1, static_cast<int>(kind));
    st.bind(2, std::string(key));
    std::optional<std::string> reason;
    if (st.executeStep()) reason = st.getColumn(0).getString();
    st.tryReset();
    return reason;
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot read the blacklist");
  }
}

void SqliteTxn::insert_blacklist(const BlacklistRow& row) {
  try {
    SQLite::Statement st(s_.db_,
                         "INSERT INTO blacklist (kind, key, value, country, reason, note, "
                         "added_by, added_at_us) VALUES (?,?,?,?,?,?,?,?)");
    st.bind(1, static_cast<int>(row.kind));
    st.bind(2, row.key);
    st.bind(3, row.value);
    st.bind(4, row.country);
    st.bind(5, row.reason);
    st.bind(6, row.note);
    st.bind(7, row.added_by);
    st.bind(8, row.added_at.micros_since_epoch);
    st.exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY)
      throw AlreadyExists("'" + row.key + "' is barred already", "value");
    rethrow_sqlite(e, "cannot write the blacklist");
  }
}

bool SqliteTxn::delete_blacklist(std::uint8_t kind, std::string_view key) {
  try {
    SQLite::Statement st(s_.db_, "DELETE FROM blacklist WHERE kind = ? AND key = ?");
    st.bind(1, static_cast<int>(kind));
    st.bind(2, std::string(key));
    return st.exec() > 0;
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot write the blacklist");
  }
}

void SqliteTxn::insert_acceptance(const AcceptanceRow& row) {
  try {
    auto& st = *s_.ins_acceptance_;
    st.tryReset();
    st.bind(1, row.person.value());
    st.bindNoCopy(2, row.contract);
    st.bind(3, static_cast<std::int64_t>(row.version));
    st.bindNoCopy(4, row.digest);
    st.bindNoCopy(5, row.channel);
    st.bind(6, row.accepted_at.micros_since_epoch);
    st.bind(7, row.seq.value());
    st.exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY)
      throw AlreadyExists("the contract version is accepted already", "contract");
    rethrow_sqlite(e, "cannot record a contract acceptance");
  }
}

void SqliteTxn::insert_attachment(const AttachmentRow& row) {
  try {
    auto& st = *s_.ins_attachment_;
    st.tryReset();
    st.bind(1, row.person.value());
    st.bind(2, row.seq.value());
    st.bind(3, static_cast<std::int64_t>(row.index));
    st.bind(4, row.type);
    st.bind(5, row.file_name);
    st.bind(6, row.extension);
    st.bind(7, static_cast<std::int64_t>(row.size_bytes));
    st.bind(8, row.digest);
    st.bind(9, row.uri);
    st.bind(10, row.added_at.micros_since_epoch);
    st.exec();
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot record an attachment");
  }
}

namespace {
void bind_optional(SQLite::Statement& st, int index, const std::optional<std::int64_t>& value) {
  if (value)
    st.bind(index, *value);
  else
    st.bind(index);
}
}  // namespace

std::optional<PersonId> SqliteTxn::find_site(std::string_view slug) {
  try {
    SQLite::Statement st(s_.db_, "SELECT id FROM persons WHERE site = ? AND site <> ''");
    st.bind(1, std::string(slug));
    if (!st.executeStep()) return std::nullopt;
    return PersonId{st.getColumn(0).getInt64()};
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot look up a site");
  }
}

bool SqliteTxn::quick_code_taken(std::string_view code) {
  try {
    SQLite::Statement st(s_.db_,
                         "SELECT 1 FROM customers WHERE quick_code = ? AND quick_code <> ''");
    st.bind(1, std::string(code));
    return st.executeStep();
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot look up a quick-access code");
  }
}

std::int64_t SqliteTxn::insert_work_item(const WorkItemRow& row) {
  try {
    SQLite::Statement st(s_.db_,
                         "INSERT INTO work_items (kind, person_id, state, step, amount_micros, "
                         "detail, created_at_us, seq) VALUES (?,?,?,?,?,?,?,?)");
    st.bind(1, static_cast<int>(row.kind));
    st.bind(2, row.person.value());
    st.bind(3, static_cast<int>(row.state));
    st.bind(4, static_cast<std::int64_t>(row.step));
    bind_optional(st, 5, row.amount_micros);
    st.bind(6, row.detail);
    st.bind(7, row.created_at.micros_since_epoch);
    st.bind(8, row.seq.value());
    st.exec();
    return s_.db_.getLastInsertRowid();
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot open a work item");
  }
}

void SqliteTxn::update_work_item(const WorkItemRow& row) {
  try {
    SQLite::Statement st(
        s_.db_, "UPDATE work_items SET state = ?, step = ?, amount_micros = ? WHERE id = ?");
    st.bind(1, static_cast<int>(row.state));
    st.bind(2, static_cast<std::int64_t>(row.step));
    bind_optional(st, 3, row.amount_micros);
    st.bind(4, row.id);
    if (st.exec() != 1) throw Internal("no work item to update");
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot update a work item");
  }
}

void SqliteTxn::insert_work_decision(const WorkDecisionRow& row) {
  try {
    SQLite::Statement st(s_.db_,
                         "INSERT INTO work_decisions (item_id, step, actor, approved, reason, "
                         "amount_micros, at_us, seq) VALUES (?,?,?,?,?,?,?,?)");
    st.bind(1, row.item);
    st.bind(2, static_cast<std::int64_t>(row.step));
    st.bind(3, row.actor);
    st.bind(4, row.approved ? 1 : 0);
    st.bind(5, row.reason);
    bind_optional(st, 6, row.amount_micros);
    st.bind(7, row.at.micros_since_epoch);
    st.bind(8, row.seq.value());
    st.exec();
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot record a work decision");
  }
}

void SqliteTxn::set_credit_limit(PersonId person, std::int64_t micros) {
  try {
    SQLite::Statement st(s_.db_,
                         "UPDATE customers SET credit_limit_micros = ? WHERE person_id = ?");
    st.bind(1, micros);
    st.bind(2, person.value());
    if (st.exec() != 1) throw Internal("no person to change");
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot set a credit limit");
  }
}

void SqliteTxn::set_vip(PersonId person, bool vip) {
  try {
    SQLite::Statement st(s_.db_, "UPDATE customers SET vip = ? WHERE person_id = ?");
    st.bind(1, vip ? 1 : 0);
    st.bind(2, person.value());
    if (st.exec() != 1) throw Internal("no person to change");
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot set the VIP flag");
  }
}

std::optional<WorkItemRow> SqliteTxn::find_work_item(std::int64_t id) {
  try {
    SQLite::Statement st(s_.db_,
                         "SELECT id, kind, person_id, state, step, amount_micros, detail, "
                         "created_at_us, seq FROM work_items WHERE id = ?");
    st.bind(1, id);
    if (!st.executeStep()) return std::nullopt;
    return SqliteStore::work_item_of(st);
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot read a work item");
  }
}

void SqliteTxn::insert_user(const UserRow& row) {
  std::string roles;
  for (const auto& r : row.roles) roles += (roles.empty() ? "" : ",") + r;
  try {
    SQLite::Statement st(s_.db_, "INSERT INTO users (login, person_id, roles) VALUES (?,?,?)");
    st.bind(1, row.login);
    if (row.person)
      st.bind(2, row.person.value());
    else
      st.bind(2);
    st.bind(3, roles);
    st.exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE)
      throw AlreadyExists("login '" + row.login + "' exists", "login");
    rethrow_sqlite(e, "cannot insert user");
  }
}

EventSeq SqliteTxn::next_event_seq() {
  try {
    auto& st = *s_.last_seq_;
    st.tryReset();
    st.executeStep();
    const EventSeq next{st.getColumn(0).getInt64() + 1};
    st.tryReset();
    return next;
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot read the event log");
  }
}

void SqliteTxn::insert_campaign(const CampaignRow& row) {
  try {
    SQLite::Statement st(
        s_.db_,
        "INSERT INTO campaigns (id, start_date, end_date, starts_at_us, "
        "ends_at_us, state, closed_at_us, summary, seq) VALUES (?,?,?,?,?,?,?,?,?)");
    st.bind(1, row.id);
    st.bind(2, row.start.to_string());
    st.bind(3, row.end.to_string());
    st.bind(4, row.starts_at.micros_since_epoch);
    st.bind(5, row.ends_at.micros_since_epoch);
    st.bind(6, static_cast<int>(row.state));
    if (row.closed_at)
      st.bind(7, row.closed_at->micros_since_epoch);
    else
      st.bind(7);
    st.bind(8, row.summary_json);
    st.bind(9, row.seq.value());
    st.exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY)
      throw AlreadyExists("campaign '" + row.id + "' exists", "id");
    rethrow_sqlite(e, "cannot insert a campaign");
  }
}

void SqliteTxn::update_campaign(const CampaignRow& row) {
  try {
    SQLite::Statement st(s_.db_,
                         "UPDATE campaigns SET state = ?, closed_at_us = ?, summary = ? "
                         "WHERE id = ?");
    st.bind(1, static_cast<int>(row.state));
    if (row.closed_at)
      st.bind(2, row.closed_at->micros_since_epoch);
    else
      st.bind(2);
    st.bind(3, row.summary_json);
    st.bind(4, row.id);
    if (st.exec() != 1) throw Internal("no campaign to change");
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot change a campaign");
  }
}

std::optional<OrderRow> SqliteTxn::find_order(std::string_view id) {
  try {
    auto& st = *s_.w_order_;
    st.tryReset();
    st.bind(1, std::string(id));
    if (!st.executeStep()) return std::nullopt;
    OrderRow row = SqliteStore::order_of(st);
    st.tryReset();
    return row;
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot look up an order");
  }
}

void SqliteTxn::insert_order(OrderRow& row) {
  try {
    auto& st = *s_.ins_order_;
    st.tryReset();
    st.bindNoCopy(1, row.id);
    st.bind(2, row.owner.value());
    st.bind(3, row.created_by.value());
    st.bindNoCopy(4, row.campaign);
    st.bind(5, static_cast<int>(row.state));
    st.bind(6, row.amount_micros);
    st.bind(7, row.volume_micros);
    st.bind(8, row.created_at.micros_since_epoch);
    st.bind(9, row.state_at.micros_since_epoch);
    st.bindNoCopy(10, row.lines_json);
    st.bindNoCopy(11, row.comments_json);
    st.bind(12, row.seq.value());
    st.exec();
    row.oid = s_.db_.getLastInsertRowid();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE)
      throw AlreadyExists("order '" + row.id + "' exists", "id");
    rethrow_sqlite(e, "cannot insert an order");
  }
}

void SqliteTxn::update_order(const OrderRow& row) {
  try {
    auto& st = *s_.upd_order_;
    st.tryReset();
    st.bind(1, static_cast<int>(row.state));
    st.bind(2, row.amount_micros);
    st.bind(3, row.volume_micros);
    st.bind(4, row.state_at.micros_since_epoch);
    st.bindNoCopy(5, row.lines_json);
    st.bindNoCopy(6, row.comments_json);
    st.bind(7, row.seq.value());
    st.bind(8, row.oid);
    if (st.exec() != 1) throw Internal("no order to change");
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot change an order");
  }
}

void SqliteTxn::insert_order_state(const OrderStateRow& row) {
  try {
    auto& st = *s_.ins_order_state_;
    st.tryReset();
    st.bind(1, row.oid);
    st.bind(2, row.seq.value());
    st.bind(3, static_cast<int>(row.state));
    st.bind(4, row.at.micros_since_epoch);
    st.exec();
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot record an order's state");
  }
}

void SqliteTxn::put_campaign_column(std::string_view campaign, std::string_view name,
                                    std::string_view data) {
  try {
    SQLite::Statement st(s_.db_,
                         "INSERT OR REPLACE INTO campaign_columns (campaign, name, data) "
                         "VALUES (?, ?, ?)");
    st.bind(1, std::string(campaign));
    st.bind(2, std::string(name));
    st.bindNoCopy(3, static_cast<const void*>(data.data()), static_cast<int>(data.size()));
    st.exec();
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot store a campaign's results");
  }
}

void SqliteTxn::set_first_order(PersonId person, std::string_view order) {
  try {
    auto& st = *s_.upd_first_order_;
    st.tryReset();
    st.bind(1, std::string(order));
    st.bind(2, person.value());
    if (st.exec() != 1) throw Internal("no person to change");
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot record a first order");
  }
}

void SqliteTxn::set_cycle_marks(PersonId person, std::string_view commercial_state,
                                std::string_view last_order_campaign) {
  try {
    auto& st = *s_.upd_cycle_marks_;
    st.tryReset();
    st.bind(1, std::string(commercial_state));
    if (last_order_campaign.empty())
      st.bind(2);
    else
      st.bind(2, std::string(last_order_campaign));
    st.bind(3, person.value());
    if (st.exec() != 1) throw Internal("no person to change");
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot record a close's marks");
  }
}

void SqliteTxn::commit() {
  try {
    s_.db_.exec("COMMIT");
    open_ = false;
  } catch (const SQLite::Exception& e) {
    rethrow_sqlite(e, "cannot commit");
  }
}

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path, const StoreOptions& options) {
  return std::make_unique<SqliteStore>(path, options);
}

}  // namespace internal
DOWNLINE_END_NAMESPACE
