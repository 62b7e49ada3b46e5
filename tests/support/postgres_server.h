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
//   auto* pg = PostgresServer::shared();
//   OUTREACH_REQUIRE_TOOL(pg->ok(), pg->error());
//   std::string url = pg->create_database().take();   // postgresql:///test_1?host=/tmp/...
//
// The binaries come from OUTREACH_PG_BIN, else /usr/lib/postgresql/15/bin (Debian's
// postgresql-15 package; scripts/install-deps.sh installs it).

#include <memory>
#include <string>

#include "core/error.h"

namespace outreach::test {

class PostgresServer {
 public:
  // The server of this test process, started on first call. Check ok() before use.
  static PostgresServer* shared();

  PostgresServer();
  ~PostgresServer();
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
  std::string bin_;
  std::string dir_;
  std::string error_;
  int port_ = 0;
  int watchdog_pid_ = -1;
  int watchdog_fd_ = -1;  // closing it tells the watchdog to stop the server and remove dir_
  int databases_ = 0;
  bool as_postgres_ = false;
};

}  // namespace outreach::test
