// The libpq wrapper (include/inv/store/pg/connection.hpp). Tests that need a server use the
// cluster named by INV_TEST_PG_URI (scripts/test starts a throwaway one) and are skipped, and
// reported as skipped, without it.
#include <chrono>
#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "inv/error.hpp"
#include "inv/store/pg/connection.hpp"

namespace inv::store::pg {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(PgUri, RecognisesBothSchemes) {
  EXPECT_TRUE(is_postgres_uri("postgresql://host/db"));
  EXPECT_TRUE(is_postgres_uri("postgres://host/db"));
  EXPECT_FALSE(is_postgres_uri("inventory.db"));
  EXPECT_FALSE(is_postgres_uri("./postgresql://x"));
  EXPECT_FALSE(is_postgres_uri("postgresql:relative"));
}

TEST(PgUri, RedactsThePassword) {
  EXPECT_EQ(redact_uri("postgresql://alice:s3cret@db.example:5432/stock"),
            "postgresql://alice:***@db.example:5432/stock");
  EXPECT_EQ(redact_uri("postgresql://db.example/stock?user=alice&password=s3cret&sslmode=require"),
            "postgresql://db.example/stock?user=alice&password=***&sslmode=require");
  EXPECT_EQ(redact_uri("postgresql://alice@db.example/stock"),
            "postgresql://alice@db.example/stock");
  // An '@' in the path or query is not a user-info separator.
  EXPECT_EQ(redact_uri("postgresql:///stock?host=/tmp/a@b"), "postgresql:///stock?host=/tmp/a@b");
}

TEST(PgConnection, UnreachableServerIsConnectionFailedAndHidesThePassword) {
  try {
    Connection connection("postgresql://alice:pw-6f1c9a@127.0.0.1:1/stock", 2000ms);
    FAIL() << "connected to port 1";
  } catch (const Error& error) {
    EXPECT_EQ(error.exit_code(), ExitCode::storage);
    EXPECT_EQ(error.code(), "connection_failed");
    EXPECT_THAT(error.what(), HasSubstr("Connection refused"));
    EXPECT_THAT(error.what(), Not(HasSubstr("pw-6f1c9a")));
    EXPECT_THAT(error.what(), HasSubstr("alice:***@"));
  }
}

class PgServer : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* uri = std::getenv("INV_TEST_PG_URI");
    if (uri == nullptr || *uri == '\0') {
      GTEST_SKIP() << "INV_TEST_PG_URI is not set (scripts/test starts a throwaway cluster)";
    }
    m_connection = std::make_unique<Connection>(uri, 5000ms);
    m_connection->execute("CREATE TEMP TABLE t (k text PRIMARY KEY, v text, n bigint)");
  }
  Connection& db() { return *m_connection; }

 private:
  std::unique_ptr<Connection> m_connection;
};

TEST_F(PgServer, ParametersRoundTripHostileValuesAndNull) {
  const std::string hostile = "'; DROP TABLE t; --\t\"quoted\" \\ ünïcødé 名前";
  db().query("INSERT INTO t (k, v, n) VALUES ($1, $2, $3)", {"a", hostile, "-9223372036854775808"});
  db().query("INSERT INTO t (k, v, n) VALUES ($1, $2, $3)", {"b", std::nullopt, std::nullopt});
  const Result result = db().query("SELECT k, v, n FROM t ORDER BY k");
  ASSERT_EQ(result.rows(), 2);
  EXPECT_EQ(result.text(0, 1), hostile);
  EXPECT_EQ(result.int64(0, 2), INT64_MIN);
  EXPECT_EQ(result.optional_text(1, 1), std::nullopt);
  EXPECT_TRUE(result.is_null(1, 2));
}

TEST_F(PgServer, TransactionRollsBackUnlessCommitted) {
  {
    Transaction transaction(db(), Transaction::Mode::write);
    db().query("INSERT INTO t (k) VALUES ($1)", {"gone"});
  }
  {
    Transaction transaction(db(), Transaction::Mode::write);
    EXPECT_EQ(db().query("INSERT INTO t (k) VALUES ($1)", {"kept"}).affected_rows(), 1);
    transaction.commit();
  }
  const Result result = db().query("SELECT k FROM t");
  ASSERT_EQ(result.rows(), 1);
  EXPECT_EQ(result.text(0, 0), "kept");
}

TEST_F(PgServer, UniqueViolationIsAConflict) {
  db().query("INSERT INTO t (k) VALUES ($1)", {"x"});
  try {
    db().query("INSERT INTO t (k) VALUES ($1)", {"x"});
    FAIL() << "a duplicate key was inserted";
  } catch (const Error& error) {
    EXPECT_EQ(error.exit_code(), ExitCode::conflict) << error.what();
  }
}

TEST_F(PgServer, LockWaitPastTheTimeoutIsDatabaseLocked) {
  db().execute("CREATE TABLE IF NOT EXISTS lock_probe (id int)");
  Connection other(std::getenv("INV_TEST_PG_URI"), 5000ms);
  Transaction holder(other, Transaction::Mode::write);
  other.execute("LOCK TABLE lock_probe IN ACCESS EXCLUSIVE MODE");
  db().execute("SET lock_timeout = '100ms'");
  Transaction waiter(db(), Transaction::Mode::write);
  try {
    db().execute("LOCK TABLE lock_probe IN ACCESS EXCLUSIVE MODE");
    FAIL() << "took a lock another connection holds";
  } catch (const Error& error) {
    EXPECT_EQ(error.exit_code(), ExitCode::storage) << error.what();
    EXPECT_EQ(error.code(), "database_locked") << error.what();
  }
}

}  // namespace
}  // namespace inv::store::pg
