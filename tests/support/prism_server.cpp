#include "tests/support/prism_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace outreach::test {

namespace {

bool executable(const std::string& path) { return !path.empty() && ::access(path.c_str(), X_OK) == 0; }

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

bool port_answers(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

std::string read_tail(const std::string& path, std::size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

}  // namespace

const char* PrismServer::kInstallHint =
    "Prism not found: run scripts/install-deps.sh (runs `npm ci` of tools/npm, which pins "
    "@stoplight/prism-cli@5.14.2, in ${OUTREACH_TOOLS:-$HOME/.cache/outreach-tools}), "
    "or set OUTREACH_PRISM to the prism executable";

std::optional<std::string> PrismServer::find_executable() {
  if (const char* env = std::getenv("OUTREACH_PRISM"); env && executable(env)) return std::string(env);
  std::string tools;
  if (const char* t = std::getenv("OUTREACH_TOOLS"); t && *t) {
    tools = t;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    tools = std::string(home) + "/.cache/outreach-tools";
  }
  if (!tools.empty() && executable(tools + "/node_modules/.bin/prism")) return tools + "/node_modules/.bin/prism";
  if (const char* path = std::getenv("PATH")) {
    std::string p = path;
    std::size_t start = 0;
    while (start <= p.size()) {
      std::size_t colon = p.find(':', start);
      std::string dir = p.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      if (!dir.empty() && executable(dir + "/prism")) return dir + "/prism";
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  return std::nullopt;
}

std::string PrismServer::spec_path(std::string_view file) {
  return std::string(OUTREACH_SOURCE_DIR) + "/../shared/specs/" + std::string(file);
}

core::Result<std::unique_ptr<PrismServer>> PrismServer::start(const std::string& spec, std::chrono::seconds timeout) {
  auto exe = find_executable();
  if (!exe) return core::Error::not_found(kInstallHint, "prism");
  // The port is free when we look and Prism binds it a second later; under a parallel ctest another
  // fixture can take it in between. Prism then exits with EADDRINUSE: try again on a new port.
  for (int attempt = 1;; ++attempt) {
    std::string log_tail;
    auto started = start_once(*exe, spec, timeout, log_tail);
    if (started.ok() || attempt == 5 || log_tail.find("EADDRINUSE") == std::string::npos) return started;
  }
}

core::Result<std::unique_ptr<PrismServer>> PrismServer::start_once(const std::string& exe_path,
                                                                   const std::string& spec,
                                                                   std::chrono::seconds timeout,
                                                                   std::string& log_tail) {
  const std::string* exe = &exe_path;
  int port = free_loopback_port();
  if (port == 0) return core::Error::internal("no free loopback port", "prism");
  char log_template[] = "/tmp/outreach-prism-XXXXXX";
  int log_fd = ::mkstemp(log_template);
  if (log_fd < 0) return core::Error::internal("cannot create a log file", "prism");
  std::string log_path = log_template;
  std::string port_text = std::to_string(port);

  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return core::Error::internal("fork failed", "prism");
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    std::vector<char*> argv{const_cast<char*>(exe->c_str()), const_cast<char*>("mock"),
                            const_cast<char*>("-h"),         const_cast<char*>("127.0.0.1"),
                            const_cast<char*>("-p"),         const_cast<char*>(port_text.c_str()),
                            const_cast<char*>(spec.c_str()), nullptr};
    ::execv(exe->c_str(), argv.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  ::close(log_fd);
  std::unique_ptr<PrismServer> server(new PrismServer(pid, port, log_path));

  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      server->pid_ = -1;
      log_tail = read_tail(log_path, 2000);
      return core::Error::internal("prism exited before listening: " + log_tail, "prism");
    }
    // Someone else may hold the port while Prism is still reading the spec (and about to fail to
    // bind it): only Prism's own "listening" line together with an answering port counts.
    if (read_tail(log_path, 100000).find("is listening on") != std::string::npos && port_answers(port)) return server;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return core::Error::internal("prism did not listen on port " + port_text + " within " +
                                   std::to_string(timeout.count()) + " s: " + read_tail(log_path, 2000),
                               "prism");
}

PrismServer::~PrismServer() {
  if (pid_ > 0) {
    ::kill(-pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(-pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  if (!log_path_.empty()) ::unlink(log_path_.c_str());
}

std::string PrismServer::log_tail(std::size_t bytes) const { return read_tail(log_path_, bytes); }

}  // namespace outreach::test
