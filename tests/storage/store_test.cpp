#include "storage/store.hpp"

#include <downline/downline.hpp>

#include "support/company_fixture.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <fstream>

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

INSTANTIATE_TEST_SUITE_P(Kinds, Store, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "sqlite" : "memory"; });

TEST(SqliteStore, RecordsItsSchemaVersionAndRefusesANewerOne) {
  const auto path = testing::temp_db("schema");
  open_store("sqlite:" + path, {});
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    EXPECT_EQ(db.execAndGet("SELECT version FROM schema_version").getInt(), 3);
    EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
    db.exec("UPDATE schema_version SET version = 99");
  }
  EXPECT_THROW(open_store("sqlite:" + path, {}), DataLoss);
}

TEST(SqliteStore, AVersion2StoreGainsTheRankHistoryOnOpen) {
  const auto path = testing::temp_db("v2");
  open_store("sqlite:" + path, {});
  {
    // A version 2 file is a version 3 file without the rank history.
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("DROP TABLE rank_history; UPDATE schema_version SET version = 2");
  }
  auto s = open_store("sqlite:" + path, {});
  EXPECT_EQ(s->counts().rank_changes, 0u);
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT version FROM schema_version").getInt(), 3);
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
