#include "tests/support/postgres_server.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "tests/support/smtp_server.h"  // CommandResult, make_temp_dir, free_loopback_port, read_file

namespace outreach::test {
namespace {

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

void chown_tree(const std::string& path, uid_t uid, gid_t gid) {
  std::error_code ec;
  (void)::chown(path.c_str(), uid, gid);
  for (const auto& e : std::filesystem::recursive_directory_iterator(path, ec)) (void)::chown(e.path().c_str(), uid, gid);
}

// Runs argv to completion with its output in `log_path` (not a pipe: pg_ctl leaves the server
// running, and the server would hold a pipe open). Returns the exit code and the output.
CommandResult run_logged(const std::vector<std::string>& argv, const std::string& log_path) {
  std::vector<std::string> copy = argv;
  std::vector<char*> args;
  for (auto& a : copy) args.push_back(a.data());
  args.push_back(nullptr);
  CommandResult result;
  const pid_t pid = ::fork();
  if (pid < 0) return result;
  if (pid == 0) {
    const int out = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out >= 0) {
      ::dup2(out, STDOUT_FILENO);
      ::dup2(out, STDERR_FILENO);
    }
    if (in >= 0) ::dup2(in, STDIN_FILENO);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.output = read_file(log_path);
  return result;
}

// Starts `sh` in a session of its own that waits for EOF on the pipe's read end (this process
// holds the only write end, close-on-exec, so the EOF comes when this process closes it or dies),
// then runs `stop` and removes `dir`. Returns the pid and the write end.
// With `watch_pid` > 0 it waits for that process to end instead (a server shared by a ctest run
// outlives the process that started it, not ctest).
bool start_watchdog(const std::vector<std::string>& stop, const std::string& dir, int watch_pid, int& pid_out,
                    int& fd_out) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  const std::string wait = watch_pid > 0 ? "while kill -0 " + std::to_string(watch_pid) + " 2>/dev/null; do sleep 1; done"
                                         : "while read -r _; do :; done";
  std::vector<std::string> argv = {"/bin/sh", "-c", wait + "; \"$@\" >/dev/null 2>&1; rm -rf \"$0\"", dir};
  argv.insert(argv.end(), stop.begin(), stop.end());
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return false;
  }
  if (pid == 0) {
    ::setsid();  // a signal to the test's process group (ctest's timeout) does not reach it
    ::dup2(fds[0], STDIN_FILENO);
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) {
      ::dup2(null, STDOUT_FILENO);
      ::dup2(null, STDERR_FILENO);
    }
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[0]);
  pid_out = pid;
  fd_out = fds[1];
  return true;
}

}  // namespace

PostgresServer* PostgresServer::shared() {
  static const std::unique_ptr<PostgresServer> server = [] {
    const char* file = std::getenv("OUTREACH_TEST_POSTGRES");
    if (file && *file && ::access(file, R_OK) == 0) return attach(file);
    return std::make_unique<PostgresServer>();
  }();
  return server.get();
}

std::unique_ptr<PostgresServer> PostgresServer::attach(const std::string& file) {
  auto server = std::unique_ptr<PostgresServer>(new PostgresServer(Attached{}));
  std::string text = read_file(file);
  const auto nl = text.find('\n');
  server->dir_ = text.substr(0, nl);
  server->port_ = nl == std::string::npos ? 0 : std::atoi(text.c_str() + nl + 1);
  server->attached_ = true;
  if (server->dir_.empty() || server->port_ == 0) server->error_ = "cannot read the shared PostgreSQL server from " + file;
  return server;
}

std::unique_ptr<PostgresServer> PostgresServer::start_shared(const std::string& file, int watch_pid) {
  auto server = std::unique_ptr<PostgresServer>(new PostgresServer(Attached{}));
  server->watch_pid_ = watch_pid;
  server->start();
  if (!server->ok()) return server;
  std::ofstream out(file, std::ios::trunc);
  out << server->dir_ << '\n' << server->port_ << '\n';
  if (!out) server->error_ = "cannot write " + file;
  server->attached_ = true;  // this process ends; the server stays until watch_pid does, or stop_shared
  return server;
}

core::Status PostgresServer::stop_shared(const std::string& file) {
  auto server = attach(file);
  if (!server->ok()) return core::Error::internal(server->error_, "postgres");
  const char* env = std::getenv("OUTREACH_PG_BIN");
  std::vector<std::string> argv;
  if (::geteuid() == 0) argv = {"runuser", "-u", "postgres", "--"};
  argv.push_back(std::string(env && *env ? env : "/usr/lib/postgresql/15/bin") + "/pg_ctl");
  for (const char* a : {"-D", "", "-m", "immediate", "-w", "stop"}) argv.push_back(a);
  argv[argv.size() - 5] = server->dir_ + "/data";
  auto stopped = run_logged(argv, "/dev/null");
  remove_tree(server->dir_);
  std::remove(file.c_str());
  server->created_.clear();
  if (stopped.exit_code != 0) return core::Error::internal("pg_ctl stop failed", "postgres");
  return {};
}

PostgresServer::PostgresServer() { start(); }

void PostgresServer::start() {
  const char* env = std::getenv("OUTREACH_PG_BIN");
  bin_ = env && *env ? env : "/usr/lib/postgresql/15/bin";
  if (!executable(bin_ + "/initdb") || !executable(bin_ + "/pg_ctl")) {
    error_ = "PostgreSQL 15 not installed (no initdb and pg_ctl in " + bin_ +
             "; Debian package postgresql-15, or set OUTREACH_PG_BIN)";
    return;
  }
  std::vector<std::string> as_user;
  if (::geteuid() == 0) {
    const passwd* pg = ::getpwnam("postgres");
    if (pg == nullptr) {
      error_ = "running as root, and PostgreSQL refuses root, but there is no 'postgres' user";
      return;
    }
    if (!executable("/sbin/runuser") && !executable("/usr/sbin/runuser")) {
      error_ = "running as root and runuser (util-linux) is missing";
      return;
    }
    as_user = {"runuser", "-u", "postgres", "--"};
    as_postgres_ = true;
  }
  // The socket lives in the directory: its path must stay under 107 bytes, so a long TMPDIR falls
  // back to /tmp.
  dir_ = make_temp_dir("outreach-pg");
  if (!dir_.empty() && dir_.size() > 70) {
    remove_tree(dir_);
    const char* tmpdir = std::getenv("TMPDIR");
    std::string saved = tmpdir ? tmpdir : "";
    ::setenv("TMPDIR", "/tmp", 1);
    dir_ = make_temp_dir("outreach-pg");
    if (tmpdir) ::setenv("TMPDIR", saved.c_str(), 1); else ::unsetenv("TMPDIR");
  }
  if (dir_.empty()) {
    error_ = "cannot create a temporary directory";
    return;
  }
  ::chmod(dir_.c_str(), 0700);
  if (as_postgres_) {
    const passwd* pg = ::getpwnam("postgres");
    chown_tree(dir_, pg->pw_uid, pg->pw_gid);
  }
  const std::string data = dir_ + "/data";
  auto cmd = [&](std::vector<std::string> argv) {
    argv.insert(argv.begin(), as_user.begin(), as_user.end());
    return argv;
  };
  // From here on the watchdog owns the directory: whatever happens, it goes when this process does.
  if (!start_watchdog(cmd({bin_ + "/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"}), dir_, watch_pid_,
                      watchdog_pid_, watchdog_fd_)) {
    error_ = "cannot start the watchdog process";
    remove_tree(dir_);
    return;
  }
  auto init = run_logged(cmd({bin_ + "/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                               "--locale=C", "--no-sync", "--no-instructions"}),
                         dir_ + "/initdb.log");
  if (init.exit_code != 0) {
    error_ = "initdb failed: " + init.output;
    return;
  }
  port_ = free_loopback_port();
  if (port_ == 0) port_ = 15432;
  const std::string options = "-k " + dir_ + " -p " + std::to_string(port_) +
                              " -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
                              " -c full_page_writes=off -c max_connections=40 -c shared_buffers=16MB";
  auto start = run_logged(cmd({bin_ + "/pg_ctl", "-D", data, "-l", dir_ + "/server.log", "-w", "-t", "60", "-o",
                               options, "start"}),
                          dir_ + "/pg_ctl.log");
  if (start.exit_code != 0) {
    error_ = "pg_ctl start failed: " + start.output + "\n" + log();
    return;
  }
}

PostgresServer::~PostgresServer() {
  if (attached_) {
    // A server shared by other test processes: only this process's databases go.
    for (const auto& name : created_) (void)admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    if (watchdog_fd_ >= 0) ::close(watchdog_fd_);
    return;
  }
  if (watchdog_fd_ >= 0) {
    ::close(watchdog_fd_);  // the watchdog stops the server and removes the directory
    int status = 0;
    ::waitpid(watchdog_pid_, &status, 0);
  } else {
    remove_tree(dir_);
  }
}

std::string PostgresServer::url(const std::string& name) const {
  return "postgresql:///" + name + "?host=" + dir_ + "&port=" + std::to_string(port_) + "&user=postgres";
}

std::string PostgresServer::log() const { return dir_.empty() ? std::string() : read_file(dir_ + "/server.log"); }

core::Status PostgresServer::admin(const std::string& sql) {
  if (!ok()) return core::Error::internal(error_, "postgres");
  PGconn* conn = PQconnectdb(url("postgres").c_str());
  std::string failure;
  if (PQstatus(conn) != CONNECTION_OK) {
    failure = PQerrorMessage(conn);
  } else {
    PGresult* r = PQexec(conn, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) failure = PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(conn);
  if (!failure.empty()) return core::Error::internal(failure, "postgres");
  return {};
}

core::Result<std::string> PostgresServer::create_database() {
  // Unique across the processes that share a server.
  const std::string name = "test_" + std::to_string(::getpid()) + "_" + std::to_string(++databases_);
  if (auto st = admin("CREATE DATABASE " + name); !st) return st.error();
  created_.push_back(name);
  return url(name);
}

}  // namespace outreach::test
