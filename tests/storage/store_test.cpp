#include "storage/store.hpp"

#include <downline/downline.hpp>

#include "support/company_fixture.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <span>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

PersonRow row(std::int64_t id, const std::string& ext) {
  PersonRow r;
  r.id = PersonId{id};
  r.data.external_id = ext;
  r.data.first_name = "F";
  r.data.last_name = "L";
  r.data.email = "f@example.com";
  r.data.birth_date = LocalDate{1990, 2, 28};
  r.enrolled_at = Instant{42};
  return r;
}

// The bulk writes (append_events, update_nodes, insert_changes) against the
// one-row calls: a network of 200 persons (i under (i - 1) / 3), then one
// transaction of 150 events (two full multi-row statements and a tail), 150
// node updates given in reverse with one node twice, and their history rows
// in reverse.
constexpr int kBulkPersons = 200, kBulkRows = 150;

int seed_network(internal::Store& s) {
  const int net = s.network_id("comp");
  auto txn = s.begin_write();
  for (int i = 1; i <= kBulkPersons; ++i) {
    txn->insert_person(row(i, "p" + std::to_string(i)));
    txn->insert_node({net, PersonId{i}, i == 1 ? PersonId{} : PersonId{(i + 1) / 3}});
  }
  txn->commit();
  return net;
}

struct BulkRows {
  std::vector<EventRow> events;
  std::vector<NodeUpdate> nodes;
  std::vector<ChangeRow> changes;
};

BulkRows bulk_rows(int net) {
  BulkRows b;
  for (int i = 0; i < kBulkRows; ++i) {
    const PersonId person{2 + i}, parent{1 + i % 7};
    b.events.push_back({EventSeq{}, i % 2 ? "moved_up" : "dropped_out", person, Instant{1000 + i},
                        Instant{2000}, "ops", i % 3 ? "close" : "",
                        "{\"n\":" + std::to_string(i) + "}"});
    b.nodes.push_back({NodeRow{net, person, i % 2 ? parent : PersonId{}, std::uint32_t(i % 4),
                               i % 2 ? NodeStateRow::placed : NodeStateRow::dropout},
                       i % 5 == 0});
  }
  // Person 2 again, last: moved once more, back under 1.
  b.nodes.push_back({NodeRow{net, PersonId{2}, PersonId{1}, 3, NodeStateRow::placed}, true});
  std::reverse(b.nodes.begin(), b.nodes.end() - 1);
  return b;
}

std::vector<ChangeRow> change_rows(const BulkRows& b, EventSeq first) {
  std::vector<ChangeRow> out;
  for (std::size_t i = 0; i < b.events.size(); ++i) {
    const NodeRow& to = b.nodes[b.nodes.size() - 2 - i].node;
    out.push_back({EventSeq{first.value() + static_cast<std::int64_t>(i)}, to.network, to.person,
                   to.parent, PersonId{static_cast<std::int64_t>(i % 3)}, to.position,
                   std::uint32_t(i), to.state, NodeStateRow::placed, b.events[i].effective_at});
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// Everything the store holds of the network and the log, as text.
std::vector<std::string> contents(const internal::Store& s, int net) {
  std::vector<std::string> out;
  for (const EventRow& e : s.events_after(EventSeq{}, 1000))
    out.push_back("event " + std::to_string(e.seq.value()) + " " + e.kind + " " +
                  std::to_string(e.person.value()) + " " +
                  std::to_string(e.effective_at.micros_since_epoch) + " " +
                  std::to_string(e.recorded_at.micros_since_epoch) + " " + e.actor + " [" +
                  e.reason + "] " + e.payload);
  s.scan_nodes(net, [&](const NodeRow& n) {
    out.push_back("node " + std::to_string(n.person.value()) + " " +
                  std::to_string(n.parent.value()) + " " + std::to_string(n.position) + " " +
                  std::to_string(int(n.state)) + " " + std::to_string(n.moves));
  });
  s.scan_changes(net, [&](const ChangeRow& c) {
    out.push_back("change " + std::to_string(c.person.value()) + " " +
                  std::to_string(c.effective_at.micros_since_epoch) + " " +
                  std::to_string(c.seq.value()) + " " + std::to_string(c.parent.value()) + " " +
                  std::to_string(c.from_parent.value()) + " " + std::to_string(c.position) + " " +
                  std::to_string(c.from_position) + " " + std::to_string(int(c.state)) + " " +
                  std::to_string(int(c.from_state)));
  });
  return out;
}

// The store's contents after the bulk transaction, written in bulk or row
// by row.
std::vector<std::string> write_bulk(internal::Store& s, bool in_bulk) {
  const int net = seed_network(s);
  const BulkRows b = bulk_rows(net);
  auto txn = s.begin_write(KeyChecks::caller);
  EventSeq first;
  if (in_bulk) {
    first = txn->append_events(b.events);
    txn->update_nodes(b.nodes);
    txn->insert_changes(change_rows(b, first));
  } else {
    first = txn->append_event(b.events.front());
    for (std::size_t i = 1; i < b.events.size(); ++i) txn->append_event(b.events[i]);
    for (const NodeUpdate& u : b.nodes) txn->update_node(u.node, u.count_move);
    for (const ChangeRow& c : change_rows(b, first)) txn->insert_change(c);
  }
  EXPECT_EQ(first, EventSeq{1});
  txn->commit();
  return contents(s, net);
}

TEST(Stores, WriteTheSameRowsInBulkAsRowByRowInMemoryAndInSqlite) {
  const auto memory_bulk = write_bulk(*open_memory_store(), true);
  EXPECT_EQ(memory_bulk.size(), std::size_t{kBulkRows + kBulkPersons + kBulkRows});
  EXPECT_EQ(write_bulk(*open_memory_store(), false), memory_bulk);
  const auto a = testing::temp_db("bulk-a"), b = testing::temp_db("bulk-b");
  EXPECT_EQ(write_bulk(*open_store("sqlite:" + a, {}), true), memory_bulk);
  EXPECT_EQ(write_bulk(*open_store("sqlite:" + b, {}), false), memory_bulk);
}

class Store : public ::testing::TestWithParam<bool> {
 protected:
  std::unique_ptr<internal::Store> open() {
    return GetParam() ? open_store("sqlite:" + path_, {}) : open_memory_store();
  }
  std::string path_ = testing::temp_db("store");
};

TEST_P(Store, CommitsRowsAndEventsTogether) {
  auto s = open();
  const int net = s->network_id("sponsor");
  EXPECT_EQ(s->network_id("sponsor"), net);
  {
    auto txn = s->begin_write();
    txn->insert_person(row(1, "A"));
    txn->insert_node({net, PersonId{1}, PersonId{}});
    EXPECT_EQ(txn->append_event({EventSeq{}, "enrolled", PersonId{1}, {}, {}, "t", "", "{}"}),
              EventSeq{1});
    EXPECT_TRUE(txn->external_id_exists("A"));
    txn->commit();
  }
  auto p = s->get_person(PersonId{1});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->data.birth_date, (LocalDate{1990, 2, 28}));
  EXPECT_EQ(s->find_external_id("A"), PersonId{1});
  EXPECT_EQ(s->last_event_seq(), EventSeq{1});
  EXPECT_EQ(s->counts(), (StoreCounts{1, 1, 1, 1, 1}));
}

TEST_P(Store, DroppingATransactionRollsEverythingBack) {
  auto s = open();
  const int net = s->network_id("sponsor");
  {
    auto txn = s->begin_write();
    txn->insert_person(row(1, "A"));
    txn->insert_node({net, PersonId{1}, PersonId{}});
    txn->append_event({EventSeq{}, "enrolled", PersonId{1}, {}, {}, "t", "", "{}"});
  }
  EXPECT_EQ(s->counts(), StoreCounts{});
  EXPECT_FALSE(s->find_external_id("A"));
}

TEST_P(Store, KeepsDocumentsBlacklistAcceptancesAndAttachments) {
  auto s = open();
  {
    auto txn = s->begin_write();
    PersonRow p = row(1, "A");
    p.data.document_type = "CC";
    p.data.document_number = "123";
    p.email_key = "f@example.com";
    p.extended_json = R"({"1":"x"})";
    txn->insert_person(p);
    // Written rows are seen inside the transaction.
    EXPECT_EQ(txn->find_email("f@example.com"), PersonId{1});
    EXPECT_EQ(txn->find_document("CC", "123"), PersonId{1});
    EXPECT_EQ(txn->find_document("PAS", "123"), std::nullopt);
    txn->insert_blacklist({0, "999", "9.99", "", "fraud", "note", "backend", Instant{5}});
    EXPECT_THROW(txn->insert_blacklist({0, "999", "999", "", "fraud", "", "b", Instant{6}}),
                 AlreadyExists);
    EXPECT_EQ(txn->blacklisted(0, "999"), std::optional<std::string>("fraud"));
    EXPECT_EQ(txn->blacklisted(1, "999"), std::nullopt);
    txn->insert_acceptance(
        {PersonId{1}, "terms", 2, "sha256:x", "registration", Instant{7}, EventSeq{1}});
    EXPECT_THROW(txn->insert_acceptance(
                     {PersonId{1}, "terms", 2, "sha256:x", "login", Instant{8}, EventSeq{2}}),
                 AlreadyExists);
    txn->insert_attachment(
        {PersonId{1}, EventSeq{1}, 0, "id", "id.pdf", "pdf", "sha256:y", "s3://x", 10, Instant{7}});
    txn->commit();
  }
  EXPECT_EQ(s->get_person(PersonId{1})->extended_json, R"({"1":"x"})");
  EXPECT_EQ(s->get_person(PersonId{1})->data.document_number, "123");
  ASSERT_EQ(s->blacklist().size(), 1u);
  EXPECT_EQ(s->blacklist()[0].value, "9.99");
  EXPECT_EQ(s->acceptances_of_person(PersonId{1}).size(), 1u);
  EXPECT_EQ(s->acceptances_of_contract("terms").size(), 1u);
  EXPECT_EQ(s->acceptances_of_contract("other").size(), 0u);
  ASSERT_EQ(s->accepted_versions().size(), 1u);
  EXPECT_EQ(s->accepted_versions()[0].digest, "sha256:x");
  ASSERT_EQ(s->attachments_of(PersonId{1}).size(), 1u);
  EXPECT_EQ(s->attachments_of(PersonId{1})[0].size_bytes, 10u);
  {
    auto txn = s->begin_write();
    EXPECT_TRUE(txn->delete_blacklist(0, "999"));
    EXPECT_FALSE(txn->delete_blacklist(0, "999"));
    EXPECT_EQ(txn->blacklisted(0, "999"), std::nullopt);
    // Dropped without commit: the entry stays.
  }
  EXPECT_EQ(s->counts().blacklist, 1u);
  EXPECT_EQ(s->counts().acceptances, 1u);
  EXPECT_EQ(s->counts().attachments, 1u);
}

TEST_P(Store, LooksUpTheKeysOfABatchInOneCommittedState) {
  auto s = open();
  const auto commit_person = [&](std::int64_t id, const std::string& ext) {
    auto txn = s->begin_write();
    PersonRow p = row(id, ext);
    p.data.document_type = "CC";
    p.data.document_number = std::to_string(100 + id);
    p.email_key = ext + "@example.com";
    txn->insert_person(p);
    txn->insert_blacklist({2, "+57300" + ext, ext, "CO", "fraud", "", "backend", Instant{5}});
    txn->append_event({EventSeq{}, "enrolled", PersonId{id}, {}, {}, "t", "", "{}"});
    txn->commit();
  };
  commit_person(1, "a");
  commit_person(2, "b");
  KeyQuery q;
  q.external_ids = {"b", "zz", "a"};
  q.email_keys = {"a@example.com", "A@example.com", "b@example.com"};
  q.documents = {{"CC", "102"}, {"PAS", "102"}, {"CC", "101"}};
  q.barred = {{2, "+57300a"}, {1, "+57300a"}, {2, "+57300c"}};
  {
    // An open write transaction is not seen: the answers are of committed rows.
    auto pending = s->begin_write();
    PersonRow p = row(3, "zz");
    p.email_key = "A@example.com";
    pending->insert_person(p);
    {
      const KeyAnswers a = s->look_up_keys(q);
      EXPECT_EQ(a.as_of, EventSeq{2});
      EXPECT_EQ(a.external_ids, (std::vector<PersonId>{PersonId{2}, {}, PersonId{1}}));
      EXPECT_EQ(a.email_keys, (std::vector<PersonId>{PersonId{1}, {}, PersonId{2}}));
      EXPECT_EQ(a.documents, (std::vector<PersonId>{PersonId{2}, {}, PersonId{1}}));
      EXPECT_EQ(a.barred, (std::vector<std::optional<std::string>>{"fraud", {}, {}}));
    }
  }
  const KeyAnswers a = s->look_up_keys(q);
  EXPECT_EQ(a.as_of, EventSeq{2});
  EXPECT_EQ(a.external_ids, (std::vector<PersonId>{PersonId{2}, {}, PersonId{1}}));
  EXPECT_EQ(a.email_keys, (std::vector<PersonId>{PersonId{1}, {}, PersonId{2}}));
  EXPECT_EQ(a.documents, (std::vector<PersonId>{PersonId{2}, {}, PersonId{1}}));
  EXPECT_EQ(a.barred, (std::vector<std::optional<std::string>>{"fraud", {}, {}}));
  // Many more keys than entries: the blacklist is read whole, same answers.
  KeyQuery many;
  for (int i = 0; i < 40; ++i) many.barred.emplace_back(i % 3, i == 7 ? "+57300a" : "+57300b");
  many.barred.emplace_back(2, "+57300b");
  const KeyAnswers read_whole = s->look_up_keys(many);
  ASSERT_EQ(read_whole.barred.size(), many.barred.size());
  for (std::size_t i = 0; i < many.barred.size(); ++i) {
    SCOPED_TRACE(i);
    const bool listed = many.barred[i].first == 2;  // the entries are phones
    EXPECT_EQ(read_whole.barred[i], listed ? std::optional<std::string>("fraud") : std::nullopt);
  }
  commit_person(3, "c");
  const KeyAnswers after = s->look_up_keys(KeyQuery{{"c"}, {}, {}, {{2, "+57300c"}}});
  EXPECT_EQ(after.as_of, EventSeq{3});
  EXPECT_EQ(after.external_ids, std::vector<PersonId>{PersonId{3}});
  EXPECT_EQ(after.barred, std::vector<std::optional<std::string>>{"fraud"});
}

TEST_P(Store, KeepsTheVipFlagFromCommitOn) {
  auto s = open();
  {
    auto txn = s->begin_write();
    PersonRow p = row(1, "A");
    p.vip = true;
    txn->insert_person(p);
    txn->insert_person(row(2, "B"));
    txn->commit();
  }
  EXPECT_TRUE(s->get_person(PersonId{1})->vip);
  EXPECT_FALSE(s->get_person(PersonId{2})->vip);
  {
    auto txn = s->begin_write();
    txn->set_vip(PersonId{1}, false);
    txn->set_vip(PersonId{2}, true);
  }  // rolled back
  EXPECT_TRUE(s->get_person(PersonId{1})->vip);
  auto txn = s->begin_write();
  txn->set_vip(PersonId{1}, false);
  txn->set_vip(PersonId{2}, true);
  txn->commit();
  EXPECT_FALSE(s->get_person(PersonId{1})->vip);
  EXPECT_TRUE(s->get_person(PersonId{2})->vip);
}

TEST_P(Store, KeepsTheRankAndItsHistoryInTimeOrder) {
  auto s = open();
  {
    auto txn = s->begin_write();
    txn->insert_person(row(1, "A"));
    txn->commit();
  }
  const Instant t1 = Instant::parse_rfc3339("2026-02-01T00:00:00Z");
  const Instant t2 = Instant::parse_rfc3339("2026-03-01T00:00:00Z");
  {
    // Rolled back: neither the rank nor the history row stays.
    auto txn = s->begin_write();
    txn->set_rank(PersonId{1}, 3);
    txn->insert_rank_change({EventSeq{9}, PersonId{1}, "", "gold", "C1", t1});
  }
  EXPECT_EQ(s->get_person(PersonId{1})->rank, 0);
  EXPECT_EQ(s->counts().rank_changes, 0u);
  {
    auto txn = s->begin_write();
    txn->set_rank(PersonId{1}, 2);
    txn->insert_rank_change({EventSeq{3}, PersonId{1}, "silver", "gold", "C2", t2});
    txn->insert_rank_change({EventSeq{2}, PersonId{1}, "", "silver", "C1", t1});
    EXPECT_THROW(txn->set_rank(PersonId{7}, 1), Internal);
    txn->commit();
  }
  EXPECT_EQ(s->get_person(PersonId{1})->rank, 2);
  const auto history = s->rank_history(PersonId{1});
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].rank, "silver");
  EXPECT_EQ(history[0].effective_at, t1);
  EXPECT_EQ(history[1].previous_rank, "silver");
  EXPECT_EQ(history[1].campaign, "C2");
  EXPECT_EQ(history[1].seq, EventSeq{3});
  EXPECT_TRUE(s->rank_history(PersonId{2}).empty());
  EXPECT_EQ(s->counts().rank_changes, 2u);
}

TEST_P(Store, RejectsADuplicateExternalId) {
  auto s = open();
  auto txn = s->begin_write();
  txn->insert_person(row(1, "A"));
  EXPECT_THROW(txn->insert_person(row(2, "A")), AlreadyExists);
}

TEST_P(Store, BulkWritesNumberEventsAfterTheLastAndTakeEmptyBatches) {
  auto s = open();
  const int net = seed_network(*s);
  {
    auto txn = s->begin_write();
    txn->append_event({EventSeq{}, "enrolled", PersonId{1}, {}, {}, "t", "", "{}"});
    EXPECT_EQ(txn->append_events({}), EventSeq{});
    const BulkRows b = bulk_rows(net);
    EXPECT_EQ(txn->append_events(std::span(b.events).first(70)), EventSeq{2});
    EXPECT_EQ(txn->append_events(std::span(b.events).first(3)), EventSeq{72});
    txn->update_nodes({});
    txn->insert_changes({});
    txn->commit();
  }
  EXPECT_EQ(s->last_event_seq(), EventSeq{74});
  EXPECT_EQ(s->events_after(EventSeq{71}, 10).front().payload, "{\"n\":0}");
}

TEST_P(Store, ABulkWriteThatFailsLeavesNothingWritten) {
  auto s = open();
  const int net = seed_network(*s);
  const StoreCounts before = s->counts();
  const auto rows = contents(*s, net);
  {
    auto txn = s->begin_write(KeyChecks::caller);
    BulkRows b = bulk_rows(net);
    txn->insert_changes(change_rows(b, txn->append_events(b.events)));
    // The last node of the batch does not exist: the whole call fails.
    b.nodes.push_back({NodeRow{net, PersonId{kBulkPersons + 1}, PersonId{1}, 0}, false});
    EXPECT_THROW(txn->update_nodes(b.nodes), Internal);
  }
  EXPECT_EQ(s->counts(), before);
  EXPECT_EQ(contents(*s, net), rows);
}

INSTANTIATE_TEST_SUITE_P(Kinds, Store, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "sqlite" : "memory"; });

TEST(SqliteStore, RecordsItsSchemaVersionAndRefusesANewerOne) {
  const auto path = testing::temp_db("schema");
  open_store("sqlite:" + path, {});
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    EXPECT_EQ(db.execAndGet("SELECT version FROM schema_version").getInt(), 8);
    EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
    db.exec("UPDATE schema_version SET version = 99");
  }
  EXPECT_THROW(open_store("sqlite:" + path, {}), DataLoss);
}

// Turns a current file into a version 7 one: without the result columns.
void downgrade_to_version_7(SQLite::Database& db) {
  db.exec("DROP TABLE campaign_columns; UPDATE schema_version SET version = 7");
}

// Turns a current file into a version 6 one: without the closes' marks.
void downgrade_to_version_6(SQLite::Database& db) {
  downgrade_to_version_7(db);
  db.exec(
      "ALTER TABLE customers DROP COLUMN commercial_state; "
      "ALTER TABLE customers DROP COLUMN last_order_campaign; "
      "UPDATE schema_version SET version = 6");
}

// Turns a current file into a version 5 one: without the commercial cycle.
void downgrade_to_version_5(SQLite::Database& db) {
  downgrade_to_version_6(db);
  db.exec(
      "DROP TABLE order_states; DROP TABLE orders; DROP TABLE campaigns; "
      "ALTER TABLE customers DROP COLUMN first_order; UPDATE schema_version SET version = 5");
}

// Turns a current file into a version 3 one: without documents, e-mail
// keys, extended fields, the blacklist, acceptances and attachments.
void downgrade_to_version_3(SQLite::Database& db) {
  downgrade_to_version_5(db);
  db.exec(
      "DROP INDEX persons_email_key; DROP INDEX persons_document; DROP INDEX persons_site; "
      "DROP INDEX customers_quick_code; ALTER TABLE persons DROP COLUMN site; "
      "ALTER TABLE customers DROP COLUMN quick_code; "
      "ALTER TABLE customers DROP COLUMN credit_limit_micros; "
      "ALTER TABLE customers DROP COLUMN vip; "
      "DROP TABLE work_decisions; DROP TABLE work_items; "
      "ALTER TABLE persons DROP COLUMN document_type; "
      "ALTER TABLE persons DROP COLUMN document_number; "
      "ALTER TABLE persons DROP COLUMN email_key; ALTER TABLE persons DROP COLUMN extended; "
      "DROP TABLE blacklist; DROP TABLE contract_acceptances; DROP TABLE attachments; "
      "UPDATE schema_version SET version = 3");
}

TEST(SqliteStore, AVersion2StoreGainsTheRankHistoryOnOpen) {
  const auto path = testing::temp_db("v2");
  open_store("sqlite:" + path, {});
  {
    // A version 2 file is a version 3 file without the rank history.
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    downgrade_to_version_3(db);
    db.exec("DROP TABLE rank_history; UPDATE schema_version SET version = 2");
  }
  auto s = open_store("sqlite:" + path, {});
  EXPECT_EQ(s->counts().rank_changes, 0u);
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT version FROM schema_version").getInt(), 8);
}

TEST(SqliteStore, AVersion3StoreGainsDocumentsAndKeysItsEmailsOnOpen) {
  const auto path = testing::temp_db("v3");
  {
    auto s = open_store("sqlite:" + path, {});
    auto txn = s->begin_write();
    PersonRow p = row(1, "A");
    p.data.email = "Ana@Example.COM";
    txn->insert_person(p);
    txn->commit();
  }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    downgrade_to_version_3(db);
  }
  auto s = open_store("sqlite:" + path, {});
  auto txn = s->begin_write();
  // Version 3 kept no e-mail keys: the migration writes them.
  EXPECT_EQ(txn->find_email("ana@example.com"), PersonId{1});
  EXPECT_EQ(txn->find_document("CC", "1"), std::nullopt);
  EXPECT_EQ(s->counts().blacklist, 0u);
  EXPECT_EQ(s->get_person(PersonId{1})->extended_json, "{}");
}

TEST(SqliteStore, AVersion4StoreGainsTheVipFlagOnOpen) {
  const auto path = testing::temp_db("v4");
  {
    auto s = open_store("sqlite:" + path, {});
    auto txn = s->begin_write();
    txn->insert_person(row(1, "A"));
    txn->commit();
  }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    downgrade_to_version_5(db);
    db.exec("ALTER TABLE customers DROP COLUMN vip; UPDATE schema_version SET version = 4");
  }
  auto s = open_store("sqlite:" + path, {});
  EXPECT_FALSE(s->get_person(PersonId{1})->vip);
  auto txn = s->begin_write();
  txn->set_vip(PersonId{1}, true);
  EXPECT_THROW(txn->set_vip(PersonId{2}, true), Internal);
  txn->commit();
  EXPECT_TRUE(s->get_person(PersonId{1})->vip);
}

TEST(SqliteStore, AVersion5StoreGainsTheCommercialCycleOnOpen) {
  const auto path = testing::temp_db("v5");
  {
    auto s = open_store("sqlite:" + path, {});
    auto txn = s->begin_write();
    txn->insert_person(row(1, "A"));
    txn->commit();
  }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    downgrade_to_version_5(db);
  }
  auto s = open_store("sqlite:" + path, {});
  EXPECT_TRUE(s->campaigns().empty());
  bool purchased = true;
  s->scan_persons([&](const PersonColumns& p) { purchased = p.purchased; });
  EXPECT_FALSE(purchased);
  auto txn = s->begin_write();
  CampaignRow c;
  c.id = "2026-11";
  c.start = LocalDate{2026, 11, 1};
  c.end = LocalDate{2026, 11, 30};
  txn->insert_campaign(c);
  OrderRow o;
  o.id = "A-1";
  o.owner = o.created_by = PersonId{1};
  o.campaign = "2026-11";
  txn->insert_order(o);
  txn->set_first_order(PersonId{1}, "A-1");
  txn->commit();
  EXPECT_EQ(s->get_order("A-1")->oid, o.oid);
  s->scan_persons([&](const PersonColumns& p) { purchased = p.purchased; });
  EXPECT_TRUE(purchased);
}

TEST(SqliteStore, AVersion6StoreGainsTheClosesMarksOnOpen) {
  const auto path = testing::temp_db("v6");
  {
    auto s = open_store("sqlite:" + path, {});
    auto txn = s->begin_write();
    txn->insert_person(row(1, "A"));
    txn->commit();
  }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    downgrade_to_version_6(db);
  }
  auto s = open_store("sqlite:" + path, {});
  EXPECT_EQ(s->get_person(PersonId{1})->commercial_state, "");
  auto txn = s->begin_write();
  txn->set_cycle_marks(PersonId{1}, "at_risk", "2026-11");
  txn->commit();
  txn.reset();  // the store's one writer lock
  txn = s->begin_write();
  txn->set_cycle_marks(PersonId{1}, "inactive", "");  // keeps the last order's campaign
  EXPECT_THROW(txn->set_cycle_marks(PersonId{2}, "x", ""), Internal);
  txn->commit();
  const auto p = s->get_person(PersonId{1});
  EXPECT_EQ(p->commercial_state, "inactive");
  EXPECT_EQ(p->last_order_campaign, "2026-11");
}

TEST(SqliteStore, AVersion7StoreGainsTheCampaignResultColumnsOnOpen) {
  const auto path = testing::temp_db("v7");
  {
    auto s = open_store("sqlite:" + path, {});
    auto txn = s->begin_write();
    CampaignRow c;
    c.id = "w1";
    c.start = LocalDate{2026, 1, 5};
    c.end = LocalDate{2026, 1, 11};
    txn->insert_campaign(c);
    txn->commit();
  }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    downgrade_to_version_7(db);
  }
  auto s = open_store("sqlite:" + path, {});
  EXPECT_TRUE(s->campaign_columns("w1").empty());
  auto txn = s->begin_write();
  txn->put_campaign_column("w1", "b", std::string("\x01\x00", 2));
  txn->put_campaign_column("w1", "a", "first");
  txn->put_campaign_column("w1", "a", "second");  // replaces
  txn->commit();
  const auto columns = s->campaign_columns("w1");
  ASSERT_EQ(columns.size(), 2u);
  EXPECT_EQ(columns[0], (std::pair<std::string, std::string>{"a", "second"}));
  EXPECT_EQ(columns[1].second, std::string("\x01\x00", 2));  // bytes, NUL included
  EXPECT_EQ(s->campaign_column("w1", "a"), "second");
  EXPECT_FALSE(s->campaign_column("w1", "c"));
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT version FROM schema_version").getInt(), 8);
}

TEST(SqliteStore, SkipsForeignKeysOnlyInTheTransactionThatAsks) {
  const auto path = testing::temp_db("keys");
  auto s = open_store("sqlite:" + path, {});
  const int net = s->network_id("sponsor");
  {
    auto txn = s->begin_write();
    txn->insert_person(row(1, "A"));
    txn->insert_node({net, PersonId{1}, PersonId{}});
    EXPECT_THROW(txn->insert_node({net, PersonId{2}, PersonId{1}}), FailedPrecondition);
    txn->commit();
  }
  {
    // The caller vouches for its persons: the store does not look them up
    // (this one is not stored; rolled back).
    auto txn = s->begin_write(KeyChecks::caller);
    txn->insert_node({net, PersonId{9}, PersonId{}});
  }
  {
    auto txn = s->begin_write();
    EXPECT_THROW(txn->insert_node({net, PersonId{3}, PersonId{1}}), FailedPrecondition);
    EXPECT_THROW(txn->update_nodes(std::vector<NodeUpdate>{{{net, PersonId{1}, PersonId{4}}}}),
                 FailedPrecondition);
  }
  EXPECT_EQ(s->counts().nodes, 1u);
}

TEST(SqliteStore, ALargeCommitIsCheckpointedAndSurvivesAClose) {
  // ~6,000 pages, more than a commit checkpoints on the caller's thread:
  // the store checkpoints in the background, and closing it waits for that.
  const auto path = testing::temp_db("large");
  std::vector<EventRow> events(6000, EventRow{EventSeq{}, "noted", PersonId{}, Instant{1},
                                              Instant{2}, "ops", "", std::string(3000, 'x')});
  for (int round = 0; round < 2; ++round) {
    auto s = open_store("sqlite:" + path, {});
    auto txn = s->begin_write(KeyChecks::caller);
    EXPECT_EQ(txn->append_events(events), EventSeq{1 + 6000 * round});
    txn->commit();
    EXPECT_EQ(open_store("sqlite:" + path, {})->counts().events, 6000u * (round + 1));
  }
  EXPECT_EQ(open_store("sqlite:" + path, {})->last_event_seq(), EventSeq{12000});
  EXPECT_GT(std::filesystem::file_size(path), 36'000'000u);  // checkpointed into the file
}

TEST(SqliteStore, ReopeningAppliesNoMigrationTwice) {
  const auto path = testing::temp_db("reopen");
  { open_store("sqlite:" + path, {})->network_id("sponsor"); }
  auto s = open_store(path, {});  // a bare path means SQLite too
  EXPECT_EQ(s->network_id("sponsor"), 1);
}

TEST(SqliteStore, ACorruptFileIsDataLoss) {
  const auto path = testing::temp_db("corrupt");
  { std::ofstream(path) << std::string(8192, 'x'); }
  EXPECT_THROW(Company::open("sqlite:" + path, testing::kConfig), DataLoss);
}

TEST(SqliteStore, SecondWriterWaitsThenIsUnavailable) {
  const auto path = testing::temp_db("busy");
  auto a = open_store("sqlite:" + path, StoreOptions{50});
  auto b = open_store("sqlite:" + path, StoreOptions{50});
  auto txn = a->begin_write();
  EXPECT_THROW(b->begin_write(), Unavailable);
}

}  // namespace
}  // namespace internal
DOWNLINE_END_NAMESPACE
