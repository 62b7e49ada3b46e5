#pragma once
// A PostgreSQL 15 server of the test's own: initdb into a fresh temporary directory, pg_ctl start
// with the socket in that directory (no TCP listener; the port only names the socket), trust
// authentication for the superuser "postgres", fsync off. Running as root (CI), initdb, pg_ctl and
// the server run as the `postgres` user through runuser, since PostgreSQL refuses root; the
// directory is chowned to it. Otherwise everything runs as the current user.
//
// One server per test process, started on first use (PostgresServer::shared()) and stopped with
// its directory removed when the process exits. A watchdog process (its own session, holding a
// pipe whose other end only this process has) does the stopping and removing, so a test that
// crashes or is killed leaves no server and no directory behind either.
//
// Each test takes a fresh database with create_database(): CREATE DATABASE, about 0.1 s.
//
// Under ctest each test case is a process of its own, and a server per process costs initdb
// (about 1 s, several under load). So ctest starts one server for the run (the fixture test
// postgres_server_start, tests/support/tools/postgres_server_main.cpp): it writes the server's
// directory and port to a file named by OUTREACH_TEST_POSTGRES, and shared() attaches to it
// instead of starting its own; each process drops the databases it created when it exits.
// postgres_server_stop stops it after the run, and its watchdog when ctest itself ends.
//
//   auto* pg = PostgresServer::shared();
//   OUTREACH_REQUIRE_TOOL(pg->ok(), pg->error());
//   std::string url = pg->create_database().take();   // postgresql:///test_1?host=/tmp/...
//
// The binaries come from OUTREACH_PG_BIN, else /usr/lib/postgresql/15/bin (Debian's
// postgresql-15 package; scripts/install-deps.sh installs it).

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace outreach::test {

class PostgresServer {
 public:
  // The server of this test process, started on first call. Check ok() before use.
  static PostgresServer* shared();

  PostgresServer();  // starts a server of its own
  ~PostgresServer();

  // The server described by `file` (written by start_shared), for this process.
  static std::unique_ptr<PostgresServer> attach(const std::string& file);
  // Starts a server that outlives this process, describes it in `file`, and stops when process
  // `watch_pid` ends (or at stop_shared).
  static std::unique_ptr<PostgresServer> start_shared(const std::string& file, int watch_pid);
  static core::Status stop_shared(const std::string& file);
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // A new empty database (UTF8, owned by the superuser); returns its postgresql:// URL.
  core::Result<std::string> create_database();
  // The URL of database `name` on this server.
  std::string url(const std::string& name) const;
  // Runs one SQL command as the superuser in the maintenance database ("postgres").
  core::Status admin(const std::string& sql);

  const std::string& directory() const { return dir_; }
  // The server's log, for failure messages.
  std::string log() const;

 private:
  struct Attached {};
  explicit PostgresServer(Attached) {}
  void start();

  std::string bin_;
  std::string dir_;
  std::string error_;
  int port_ = 0;
  int watchdog_pid_ = -1;
  int watchdog_fd_ = -1;  // closing it tells the watchdog to stop the server and remove dir_
  int databases_ = 0;
  bool as_postgres_ = false;
  bool attached_ = false;  // a server this process did not start (or leaves running)
  int watch_pid_ = 0;
  std::vector<std::string> created_;
};

}  // namespace outreach::test
