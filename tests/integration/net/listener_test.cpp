// net::HttpServer's accept loop on loopback: the connection cap and the EMFILE backoff. Raw sockets
// so the test controls exactly how many connections are open. CPU time is read with getrusage over
// a blocked period (a spinning accept loop burns a whole core; a paused one burns nothing).

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "net/http_server.h"

namespace outreach::net {
namespace {

using std::chrono::milliseconds;

// Process CPU time (user + system), in milliseconds.
double cpu_ms() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto ms = [](const timeval& t) { return t.tv_sec * 1000.0 + t.tv_usec / 1000.0; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

int open_socket() { return ::socket(AF_INET, SOCK_STREAM, 0); }

bool connect_to(int fd, std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
}

void send_get(int fd, const std::string& path) {
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
}

// What arrives on fd within `timeout` (stops at EOF).
std::string read_for(int fd, milliseconds timeout) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

class ListenerTest : public ::testing::Test {
 protected:
  void start(std::size_t max_connections) {
    HttpServerOptions o;
    o.max_connections = max_connections;
    o.accept_backoff = milliseconds(100);
    server_ = std::make_unique<HttpServer>(ioc_, o, [](const HttpRequest& r) {
      HttpResponse res;
      res.content_type = "text/plain";
      res.body = r.path == "/healthz" ? "ok" : "no";
      return res;
    });
    ASSERT_TRUE(server_->start().ok());
    io_thread_ = std::thread([this] { ioc_.run(); });
  }

  void TearDown() override {
    for (int fd : fds_) ::close(fd);
    if (server_) server_->stop();
    work_.reset();
    if (io_thread_.joinable()) io_thread_.join();
  }

  int connected() {
    int fd = open_socket();
    EXPECT_GE(fd, 0);
    fds_.push_back(fd);
    EXPECT_TRUE(connect_to(fd, server_->port()));
    return fd;
  }

  void close_fd(int fd) {
    ::close(fd);
    std::erase(fds_, fd);
  }

  bool healthz_ok(milliseconds timeout) {
    int fd = connected();
    send_get(fd, "/healthz");
    std::string r = read_for(fd, timeout);
    close_fd(fd);
    return r.starts_with("HTTP/1.1 200") && r.ends_with("ok");
  }

  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{ioc_.get_executor()};
  std::unique_ptr<HttpServer> server_;
  std::thread io_thread_;
  std::vector<int> fds_;
};

TEST_F(ListenerTest, AtTheCapItStopsAcceptingWithoutSpinningAndResumesWhenOneCloses) {
  start(4);
  ASSERT_TRUE(healthz_ok(milliseconds(5000)));
  std::vector<int> idle;
  for (int i = 0; i < 4; ++i) idle.push_back(connected());  // idle keep-alive sessions: the cap
  // Over the cap: the kernel completes the handshake (backlog) but nobody reads the request.
  int waiting = connected();
  send_get(waiting, "/healthz");
  const double cpu_before = cpu_ms();
  EXPECT_EQ(read_for(waiting, milliseconds(500)), "");
  const double blocked_cpu = cpu_ms() - cpu_before;
  EXPECT_LT(blocked_cpu, 100.0) << "CPU burnt while blocked for 500 ms";
  std::printf("[ figure ] CPU time over a 500 ms blocked period at the connection cap: %.1f ms\n", blocked_cpu);

  close_fd(idle[0]);  // one session ends: the waiting connection gets its answer
  std::string answer = read_for(waiting, milliseconds(5000));
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;
  for (std::size_t i = 1; i < idle.size(); ++i) close_fd(idle[i]);
  EXPECT_TRUE(healthz_ok(milliseconds(5000)));
}

TEST_F(ListenerTest, OutOfDescriptorsItBacksOffInsteadOfSpinningAndRecovers) {
  start(2048);
  // No request before the limit: a server-side socket closing later would free a descriptor.
  // Client sockets first (they need descriptors too), then a limit that leaves none for accept().
  std::vector<int> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(open_socket());
    fds_.push_back(clients.back());
  }
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  int lowest_free = ::dup(0);
  ASSERT_GE(lowest_free, 0);
  ::close(lowest_free);
  rlimit tight = saved;
  tight.rlim_cur = static_cast<rlim_t>(lowest_free);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);

  for (int fd : clients) {
    EXPECT_TRUE(connect_to(fd, server_->port()));
    send_get(fd, "/healthz");
  }
  const double cpu_before = cpu_ms();
  EXPECT_EQ(read_for(clients[0], milliseconds(500)), "");  // accept fails with EMFILE meanwhile
  const double blocked_cpu = cpu_ms() - cpu_before;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  EXPECT_LT(blocked_cpu, 100.0) << "CPU burnt while accept() failed with EMFILE for 500 ms";
  std::printf("[ figure ] CPU time over 500 ms of EMFILE: %.1f ms\n", blocked_cpu);

  for (int fd : clients) {
    std::string answer = read_for(fd, milliseconds(5000));
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;
  }
  EXPECT_TRUE(healthz_ok(milliseconds(5000)));
}

}  // namespace
}  // namespace outreach::net
