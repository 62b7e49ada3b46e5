// `outreach migrate --to postgresql://...` with the real binary: a SQLite database filled through the
// CLI moves to a real PostgreSQL (tests/support/postgres_server.h), keeps its audit chain and
// checkpoints, and the CLI then runs on it; the URL's password never shows.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "tests/support/postgres_server.h"
#include "tests/support/require_tool.h"

namespace {

namespace fs = std::filesystem;

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

class Migrate : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("outreach-migrate-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    db_ = (dir_ / "test.db").string();
    auto* pg = outreach::test::PostgresServer::shared();
    OUTREACH_REQUIRE_TOOL(pg->ok(), pg->error());
    // The test server trusts its local socket; the password is there to be kept out of the output.
    url_ = pg->create_database().take() + "&password=" + kPassword;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `outreach --db DB ARGS` from the source directory (where config/ lives).
  CliResult run(const std::string& db, const std::string& args) {
    const std::string out_file = (dir_ / "stdout").string(), err_file = (dir_ / "stderr").string();
    const std::string cmd = std::string("cd '") + OUTREACH_SOURCE_DIR + "' && '" + OUTREACH_BINARY + "' --db '" + db +
                            "' " + args + " >'" + out_file + "' 2>'" + err_file + "'";
    CliResult r;
    int status = std::system(cmd.c_str());
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out_file);
    r.err = slurp(err_file);
    return r;
  }
  CliResult run(const std::string& args) { return run(db_, args); }
  static std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string write(const std::string& name, const std::string& text) {
    auto p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  void no_password(const CliResult& r) {
    EXPECT_EQ(r.out.find(kPassword), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(kPassword), std::string::npos) << r.err;
  }

  static constexpr const char* kPassword = "s3cret-pw";
  fs::path dir_;
  std::string db_;
  std::string url_;
};

TEST_F(Migrate, MovesTheDatabaseAndTheCliRunsOnPostgresAfterwards) {
  ASSERT_EQ(run("municipalities load").code, 0);
  ASSERT_EQ(run("principals add amira --kind coordinator").code, 0);
  auto csv = write("people.csv", "name,phone,language,municipality,tags,consent\n"
                                 "Zoë Ağaoğlu,0612340001,nl,GM0599,herstel,outreach\n"
                                 "Bram de Vries,0612340002,nl,GM0599,herstel,outreach\n");
  auto imported = run("contacts import '" + csv + "' --as amira");
  ASSERT_EQ(imported.code, 0) << imported.err;
  ASSERT_EQ(run("contacts show 1 --as amira").code, 0);
  ASSERT_EQ(run("audit checkpoint").code, 0);

  auto r = run("migrate --to '" + url_ + "'");
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  no_password(r);
  EXPECT_NE(r.out.find("password=***"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("row counts equal in SQLite and PostgreSQL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hash chain verified on PostgreSQL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 signed checkpoint(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\ncontacts "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("secret_file: " + fs::absolute(db_ + ".secret").string()), std::string::npos) << r.out;

  // The CLI on PostgreSQL, with the files the migration named.
  const std::string secret = db_ + ".secret", checkpoints = db_ + ".checkpoints";
  auto config = write("pg.yaml", "secret_file: " + secret + "\naudit:\n  checkpoint_file: " + checkpoints + "\n");
  auto shown = run(url_, "--config '" + config + "' contacts show 1 --as amira");
  ASSERT_EQ(shown.code, 0) << shown.err;
  EXPECT_NE(shown.out.find("Zoë Ağaoğlu"), std::string::npos) << shown.out;
  auto verified = run(url_, "--config '" + config + "' audit verify --checkpoint '" + checkpoints + "'");
  ASSERT_EQ(verified.code, 0) << verified.err;
  EXPECT_NE(verified.out.find("hash chain verified; 1 signed checkpoint(s) verified"), std::string::npos) << verified.out;

  // A second migrate into the same, now filled, database is refused by name.
  auto again = run("migrate --to '" + url_ + "'");
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("is not empty: table "), std::string::npos) << again.err;
  no_password(again);
}

TEST_F(Migrate, RefusesWhatIsNotSqliteToPostgres) {
  ASSERT_EQ(run("init").code, 0);
  auto to_file = run("migrate --to '" + (dir_ / "other.db").string() + "'");
  EXPECT_EQ(to_file.code, 1);
  EXPECT_NE(to_file.err.find("--to takes the PostgreSQL database"), std::string::npos) << to_file.err;

  auto from_pg = run(url_, "migrate --to '" + url_ + "'");
  EXPECT_EQ(from_pg.code, 1);
  EXPECT_NE(from_pg.err.find("is PostgreSQL already"), std::string::npos) << from_pg.err;
  no_password(from_pg);

  auto missing = run((dir_ / "nothing.db").string(), "migrate --to '" + url_ + "'");
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("no SQLite database at"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(dir_ / "nothing.db")) << "migrate does not create its source";

  auto unreachable = run("migrate --to 'postgresql://outreach:" + std::string(kPassword) + "@127.0.0.1:1/outreach'");
  EXPECT_EQ(unreachable.code, 1);
  EXPECT_NE(unreachable.err.find("cannot connect"), std::string::npos) << unreachable.err;
  no_password(unreachable);
}

}  // namespace
