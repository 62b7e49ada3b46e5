// The PostgreSQL backend keeps the stores' SQLite-style placeholders and rewrites them to $n.
#include <gtest/gtest.h>

#include "storage/postgres_backend.h"

namespace outreach::storage {
namespace {

std::string rewrite(std::string_view sql, int expect_count) {
  int count = -1;
  std::string out = postgres_placeholders(sql, &count);
  EXPECT_EQ(count, expect_count) << sql;
  return out;
}

TEST(PostgresPlaceholdersTest, NumbersPlainPlaceholdersInOrder) {
  EXPECT_EQ(rewrite("INSERT INTO t(a, b, c) VALUES(?, ?, ?)", 3), "INSERT INTO t(a, b, c) VALUES($1, $2, $3)");
  EXPECT_EQ(rewrite("SELECT 1", 0), "SELECT 1");
}

TEST(PostgresPlaceholdersTest, KeepsExplicitNumbersAndContinuesAfterTheLargest) {
  // SQLite: a plain ? after ?3 is ?4, and ?1 may repeat.
  EXPECT_EQ(rewrite("SELECT * FROM t WHERE a = ?1 OR b = ?1 AND c = ?3 AND d = ?", 4),
            "SELECT * FROM t WHERE a = $1 OR b = $1 AND c = $3 AND d = $4");
  EXPECT_EQ(rewrite("WHERE x = ?12", 12), "WHERE x = $12");
}

TEST(PostgresPlaceholdersTest, LeavesQuotedTextAndCommentsAlone) {
  EXPECT_EQ(rewrite("SELECT '?', 'it''s ?', \"odd?name\" FROM t WHERE a = ?", 1),
            "SELECT '?', 'it''s ?', \"odd?name\" FROM t WHERE a = $1");
  EXPECT_EQ(rewrite("SELECT a -- what? \nFROM t /* why? */ WHERE b = ?", 1),
            "SELECT a -- what? \nFROM t /* why? */ WHERE b = $1");
  EXPECT_EQ(rewrite("DO $$ BEGIN RAISE NOTICE '?'; END $$; SELECT $tag$ ? $tag$, ?", 1),
            "DO $$ BEGIN RAISE NOTICE '?'; END $$; SELECT $tag$ ? $tag$, $1");
}

TEST(PostgresPlaceholdersTest, CastsAfterAPlaceholderStay) {
  EXPECT_EQ(rewrite("SELECT value::bigint FROM json_array_elements_text(?::json)", 1),
            "SELECT value::bigint FROM json_array_elements_text($1::json)");
}

TEST(PostgresPlaceholdersTest, AnUnterminatedQuoteRunsToTheEnd) {
  EXPECT_EQ(rewrite("SELECT 'open ?", 0), "SELECT 'open ?");
}

TEST(PostgresPlaceholdersTest, RecognisesPostgresUrls) {
  EXPECT_TRUE(is_postgres_url("postgresql://db.example/outreach"));
  EXPECT_TRUE(is_postgres_url("postgres://u@h/d"));
  EXPECT_FALSE(is_postgres_url("var/outreach.db"));
  EXPECT_FALSE(is_postgres_url(":memory:"));
}

}  // namespace
}  // namespace outreach::storage
