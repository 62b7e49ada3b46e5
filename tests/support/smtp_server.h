#pragma once
// Loopback SMTP sink for integration tests, plus the small process helpers the mail fixtures share.
//
// SmtpSink starts tests/support/smtp_sink.py (aiosmtpd) on a free 127.0.0.1 port with a fresh
// temporary directory; every accepted message is stored there as NNNN.eml (raw bytes as received)
// with NNNN.json holding the envelope. The destructor stops the sink (SIGTERM, then SIGKILL) and
// removes the directory. Use from one thread.

#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace outreach::test {

// A child process started with fork/exec; stdout is readable through a pipe, stderr goes to a
// file. The destructor terminates and reaps it. Copy is deleted (it owns a pid and a descriptor).
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // Starts argv[0] (searched in PATH). stderr goes to `stderr_path` (or /dev/null when empty).
  bool start(const std::vector<std::string>& argv, const std::string& stderr_path = {});
  // Reads one stdout line, waiting at most `timeout`; false on timeout or end of output.
  bool read_line(std::string& line, std::chrono::milliseconds timeout);
  bool running();
  // SIGTERM, wait up to 5 s, then SIGKILL. Returns the exit status as waitpid gives it.
  int stop();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
};

// Runs a command to completion with `input` on stdin; returns its exit code and stdout+stderr.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult run_command(const std::vector<std::string>& argv, const std::string& input = {});

// The first Python interpreter (/usr/bin/python3, then python3 in PATH) that can import `module`;
// empty when none can.
std::string find_python_with(const std::string& module);

// A fresh directory under $TMPDIR (or /tmp); the caller removes it with remove_tree.
std::string make_temp_dir(const std::string& prefix);
void remove_tree(const std::string& path);
std::string read_file(const std::string& path);
// A TCP port on 127.0.0.1 that was free a moment ago.
int free_loopback_port();

struct SmtpSinkOptions {
  std::string auth_user;      // when set, AUTH is required (PLAIN/LOGIN, allowed without TLS)
  std::string auth_password;
  std::vector<std::string> reject;  // recipients answered with 550 5.1.1
};

class SmtpSink {
 public:
  explicit SmtpSink(SmtpSinkOptions options = {});
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  // False when the sink could not start; error() says why (e.g. aiosmtpd missing).
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  const std::string& directory() const { return dir_; }
  const std::string& python() const { return python_; }

  // Paths of the stored .eml files in arrival order.
  std::vector<std::string> messages() const;
  // Waits until at least n messages are stored.
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  ChildProcess process_;
  std::string dir_;
  std::string python_;
  std::string error_;
  int port_ = 0;
};

}  // namespace outreach::test
