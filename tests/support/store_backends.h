#pragma once
// Store tests that run on both backends. A suite derives its fixture from BackendStorageTest
// (a StorageTest whose database is SQLite in memory or a fresh PostgreSQL database), writes TEST_P
// instead of TEST_F, and ends with OUTREACH_ON_EACH_BACKEND(Suite):
//
//   class ConsentLedgerTest : public test::BackendStorageTest { ... };
//   TEST_P(ConsentLedgerTest, NoEventsMeansNoConsent) { ... }
//   OUTREACH_ON_EACH_BACKEND(ConsentLedgerTest);
//
// The same source is compiled twice (tests/CMakeLists.txt): into its unit binary, where the macro
// instantiates it on SQLite ("Sqlite/ConsentLedgerTest.NoEventsMeansNoConsent/db", label unit), and
// into integration_storage with OUTREACH_TEST_POSTGRES defined, where it runs on a PostgreSQL
// database of its own on the test process's server (tests/support/postgres_server.h;
// "Postgres/...", label integration). Without PostgreSQL the test fails under CI=true and is
// skipped elsewhere (require_tool.h).
//
// A fixture with its own SetUp calls BackendStorageTest::SetUp() first and returns when
// IsSkipped() or HasFatalFailure(). Raw SQL goes through db->exec / sql_int / sql_text (either
// backend); on_postgres() picks a dialect's text where they differ.

#include <gtest/gtest.h>

#include <string>

#include "tests/support/postgres_server.h"
#include "tests/support/require_tool.h"
#include "tests/support/storage_fixture.h"

namespace outreach::test {

enum class Backend { sqlite, postgres };

class BackendStorageTest : public ::testing::WithParamInterface<Backend>, public StorageTest {
 protected:
  // StorageTest opened SQLite in memory; on PostgreSQL that is replaced before the deriving
  // fixture's members (stores holding *db) are built.
  BackendStorageTest() {
    if (GetParam() != Backend::postgres) return;
    auto* pg = PostgresServer::shared();
    if (!pg->ok()) {
      missing_ = pg->error();
      return;
    }
    auto url = pg->create_database();
    if (!url) {
      missing_ = "cannot create a PostgreSQL database: " + url.error().what();
      return;
    }
    auto opened = storage::Database::open(url.value());
    if (!opened) throw core::ErrorException(opened.error());
    db = std::move(opened).take();
  }

  void SetUp() override { OUTREACH_REQUIRE_TOOL(missing_.empty(), missing_); }

  bool on_postgres() const { return GetParam() == Backend::postgres; }

 private:
  std::string missing_;
};

}  // namespace outreach::test

#ifdef OUTREACH_TEST_POSTGRES
#define OUTREACH_ON_EACH_BACKEND(Suite)                                                              \
  INSTANTIATE_TEST_SUITE_P(Postgres, Suite, ::testing::Values(::outreach::test::Backend::postgres), \
                           [](const auto&) { return std::string("db"); })
#else
#define OUTREACH_ON_EACH_BACKEND(Suite)                                                          \
  INSTANTIATE_TEST_SUITE_P(Sqlite, Suite, ::testing::Values(::outreach::test::Backend::sqlite), \
                           [](const auto&) { return std::string("db"); })
#endif
