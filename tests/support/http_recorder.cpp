#include "tests/support/http_recorder.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>
#include <thread>

namespace outreach::test {

core::Result<std::unique_ptr<HttpRecorder>> HttpRecorder::start(std::chrono::milliseconds timeout) {
  return start_script("loopback_http_server.py", "0", timeout);
}

core::Result<std::unique_ptr<HttpRecorder>> HttpRecorder::start_script(const std::string& name, const std::string& arg,
                                                                       std::chrono::milliseconds timeout) {
  const std::string script = std::string(OUTREACH_SOURCE_DIR) + "/tests/support/" + name;
  if (::access(script.c_str(), R_OK) != 0) return core::Error::internal("missing " + script, "HttpRecorder");
  int out[2];
  if (::pipe(out) != 0) return core::Error::internal("pipe failed", "HttpRecorder");
  const pid_t pid = ::fork();
  if (pid < 0) return core::Error::internal("fork failed", "HttpRecorder");
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    ::execlp("python3", "python3", script.c_str(), arg.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{out[0], POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[128];
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  int port = 0;
  if (line.rfind("PORT ", 0) == 0) port = std::atoi(line.c_str() + 5);
  if (port <= 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return core::Error::internal("loopback server did not start (got '" + line + "')", "HttpRecorder");
  }
  return std::unique_ptr<HttpRecorder>(new HttpRecorder(pid, port));
}

HttpRecorder::~HttpRecorder() {
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

std::string HttpRecorder::get(const std::string& path) const {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request =
        "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
      char buf[4096];
      ssize_t n;
      while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) response.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  const auto body = response.find("\r\n\r\n");
  return body == std::string::npos ? std::string() : response.substr(body + 4);
}

HttpRecorder::Stats HttpRecorder::stats() const {
  Stats s;
  std::istringstream in(get("/_stats"));
  std::string name;
  int value = 0;
  while (in >> name >> value) {
    if (name == "connections") s.connections = value;
    else if (name == "requests") s.requests = value;
    else if (name == "in_flight") s.in_flight = value;
    else if (name == "max_in_flight") s.max_in_flight = value;
  }
  return s;
}

void HttpRecorder::reset() const { (void)get("/_reset"); }

std::string HttpRecorder::requests_json() const { return get("/_requests"); }

}  // namespace outreach::test
