// net::CurlMulti + net::HttpTransport against a real loopback HTTP server (tests/support/http_recorder.h).
// These tests use wall-clock time on purpose: they prove concurrency on one io_context.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "net/curl_multi.h"
#include "net/http_transport.h"
#include "net/asio.h"
#include "tests/support/http_recorder.h"
#include "tests/support/require_tool.h"

namespace outreach::net {
namespace {

using channels::TransportRequest;
using channels::TransportResponse;
using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

class CurlMultiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_.start(); }
  static void TearDownTestSuite() { server_.stop(); }
  void SetUp() override {
    ASSERT_TRUE(server_.fresh()) << server_.error();
  }

  static TransportRequest get(const std::string& path, milliseconds timeout = milliseconds(10000)) {
    TransportRequest r;
    r.method = "GET";
    r.url = server_->url(path);
    r.timeout = timeout;
    return r;
  }
  long long since(Steady::time_point start) const {
    return std::chrono::duration_cast<milliseconds>(Steady::now() - start).count();
  }

  static inline test::SuiteRecorder server_;
  asio::io_context io_;
  net::CurlMulti multi_{io_};
};


TEST_F(CurlMultiTest, SlowProviderDoesNotDelayFastOne) {
  net::HttpTransport slow_provider(multi_, 64);
  net::HttpTransport fast_provider(multi_, 64);
  const auto start = Steady::now();
  long long slow_done_ms = -1;
  int slow_status = 0;
  std::vector<long long> fast_done_ms;
  slow_provider.execute(get("/slow?ms=2000"), [&](TransportResponse r) {
    slow_status = r.status;
    slow_done_ms = since(start);
  });
  // 100 fast requests, issued in 5 waves: later waves start from completions of earlier ones.
  std::function<void(int)> wave = [&](int n) {
    for (int i = 0; i < 20; ++i) {
      fast_provider.execute(get("/fast"), [&, n, i](TransportResponse r) {
        EXPECT_EQ(r.status, 200) << r.transport_error;
        fast_done_ms.push_back(since(start));
        if (i == 19 && n < 4) wave(n + 1);
      });
    }
  };
  wave(0);
  io_.run();
  EXPECT_EQ(slow_status, 200);
  ASSERT_EQ(fast_done_ms.size(), 100u);
  EXPECT_GE(slow_done_ms, 1900);
  for (long long t : fast_done_ms) EXPECT_LT(t, slow_done_ms);
  EXPECT_LT(fast_done_ms.back(), 1500) << "fast requests waited for the slow one";
}

TEST_F(CurlMultiTest, PerRequestTimeoutFires) {
  net::HttpTransport transport(multi_, 8);
  const auto start = Steady::now();
  TransportResponse timed_out, patient;
  long long timed_out_ms = -1;
  transport.execute(get("/slow?ms=3000", milliseconds(300)), [&](TransportResponse r) {
    timed_out = std::move(r);
    timed_out_ms = since(start);
  });
  transport.execute(get("/slow?ms=600", milliseconds(5000)), [&](TransportResponse r) { patient = std::move(r); });
  io_.run();
  EXPECT_TRUE(timed_out.timed_out);
  EXPECT_EQ(timed_out.status, 0);
  EXPECT_FALSE(timed_out.transport_error.empty());
  EXPECT_GE(timed_out_ms, 290);
  EXPECT_LT(timed_out_ms, 1500);
  EXPECT_FALSE(patient.timed_out);
  EXPECT_EQ(patient.status, 200);
  EXPECT_EQ(patient.body, "slow");
}

TEST_F(CurlMultiTest, KeepAliveReusesOneConnectionForSequentialRequests) {
  net::HttpTransport transport(multi_, 8);
  int done = 0;
  std::function<void()> next = [&] {
    transport.execute(get("/fast"), [&](TransportResponse r) {
      EXPECT_EQ(r.status, 200);
      if (++done < 50) next();
    });
  };
  next();
  io_.run();
  EXPECT_EQ(done, 50);
  const auto s = server_->stats();
  EXPECT_EQ(s.requests, 50);
  EXPECT_EQ(s.connections, 1);
}

TEST_F(CurlMultiTest, KeepAliveReusesConnectionsAcrossConcurrentBatches) {
  net::HttpTransport transport(multi_, 8);
  int done = 0;
  for (int i = 0; i < 400; ++i) {
    transport.execute(get("/fast"), [&](TransportResponse r) {
      EXPECT_EQ(r.status, 200);
      ++done;
    });
  }
  io_.run();
  EXPECT_EQ(done, 400);
  const auto s = server_->stats();
  EXPECT_EQ(s.requests, 400);
  EXPECT_LE(s.connections, 8);
}

TEST_F(CurlMultiTest, InFlightBoundHolds) {
  net::HttpTransport transport(multi_, 4);
  int done = 0;
  for (int i = 0; i < 24; ++i) {
    transport.execute(get("/slow?ms=100"), [&](TransportResponse r) {
      EXPECT_EQ(r.status, 200);
      EXPECT_LE(transport.in_flight(), 4u);
      ++done;
    });
  }
  EXPECT_EQ(transport.in_flight(), 4u);
  EXPECT_EQ(transport.queued(), 20u);
  io_.run();
  EXPECT_EQ(done, 24);
  EXPECT_EQ(transport.in_flight(), 0u);
  EXPECT_EQ(transport.queued(), 0u);
  EXPECT_EQ(transport.total_queued(), 20u);
  EXPECT_EQ(transport.max_in_flight_seen(), 4u);
  const auto s = server_->stats();
  EXPECT_EQ(s.requests, 24);
  EXPECT_EQ(s.max_in_flight, 4);
}

TEST_F(CurlMultiTest, QueuedRequestsRunInFifoOrder) {
  net::HttpTransport transport(multi_, 1);
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) {
    transport.execute(get("/fast"), [&, i](TransportResponse) { order.push_back(i); });
  }
  io_.run();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST_F(CurlMultiTest, PostSendsMethodHeadersBodyAndBasicAuth) {
  net::HttpTransport transport(multi_);
  TransportRequest r;
  r.method = "POST";
  r.url = server_->url("/echo");
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Client-Ref", "c1-s2-k3"}};
  r.body = "To=%2B31612345678&Body=Hallo&" + std::string(2000, 'x');  // > 1 KiB: no Expect
  r.username = "AC123";
  r.password = "secret";
  TransportResponse got;
  transport.execute(r, [&](TransportResponse resp) { got = std::move(resp); });
  io_.run();
  ASSERT_EQ(got.status, 200) << got.transport_error;
  const auto echoed = nlohmann::json::parse(got.body);
  EXPECT_EQ(echoed["method"], "POST");
  EXPECT_EQ(echoed["path"], "/echo");
  EXPECT_EQ(echoed["body"], r.body);
  EXPECT_EQ(echoed["headers"]["X-Client-Ref"], "c1-s2-k3");
  EXPECT_EQ(echoed["headers"]["Content-Type"], "application/x-www-form-urlencoded");
  EXPECT_EQ(echoed["headers"]["Authorization"], "Basic QUMxMjM6c2VjcmV0");
  EXPECT_FALSE(echoed["headers"].contains("Expect"));
  const std::string* echo = channels::find_header(got.headers, "x-echo");
  ASSERT_NE(echo, nullptr);
  EXPECT_EQ(*echo, "yes");
}

// One handle (max_in_flight 1) carries every request in turn: each request arrives with its own
// method, headers, credentials, body and timeout and nothing of the one before.
TEST_F(CurlMultiTest, AReusedHandleCarriesNothingOfTheRequestBefore) {
  net::HttpTransport transport(multi_, 1);
  TransportRequest first;
  first.url = server_->url("/echo");
  first.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-First", "1"}};
  first.body = "Body=first+message+with+a+longer+body";
  first.username = "AC123";
  first.password = "secret";
  first.timeout = milliseconds(300);
  TransportRequest same_shape = first;  // only the body differs: the handle keeps its options
  same_shape.body = "Body=second";
  TransportRequest other;  // another URL, headers, no credentials, a longer timeout
  other.url = server_->url("/echo?slow");
  other.headers = {{"Content-Type", "application/json"}};
  other.body = "{}";
  other.timeout = milliseconds(10000);
  TransportRequest slow = other;
  slow.url = server_->url("/slow?ms=600");  // past the first request's 300 ms
  TransportRequest then_get = get("/echo");

  std::vector<TransportResponse> got;
  for (const auto* r : {&first, &same_shape, &other, &slow, &then_get, &first}) {
    transport.execute(*r, [&](TransportResponse resp) { got.push_back(std::move(resp)); });
  }
  io_.run();
  ASSERT_EQ(got.size(), 6u);
  for (const auto& r : got) ASSERT_EQ(r.status, 200) << r.transport_error;
  EXPECT_EQ(transport.max_in_flight_seen(), 1u);
  const auto echo = [&](std::size_t i) { return nlohmann::json::parse(got[i].body); };
  EXPECT_EQ(echo(0)["body"], first.body);
  EXPECT_EQ(echo(0)["headers"]["X-First"], "1");
  EXPECT_EQ(echo(0)["headers"]["Authorization"], "Basic QUMxMjM6c2VjcmV0");
  EXPECT_EQ(echo(1)["body"], "Body=second");
  EXPECT_EQ(echo(1)["headers"]["Content-Length"], "11");
  EXPECT_EQ(echo(1)["headers"]["Authorization"], "Basic QUMxMjM6c2VjcmV0");
  EXPECT_EQ(echo(2)["path"], "/echo?slow");
  EXPECT_EQ(echo(2)["body"], "{}");
  EXPECT_EQ(echo(2)["headers"]["Content-Type"], "application/json");
  EXPECT_FALSE(echo(2)["headers"].contains("X-First"));
  EXPECT_FALSE(echo(2)["headers"].contains("Authorization"));
  EXPECT_EQ(got[3].body, "slow");  // the 300 ms timeout stayed with the first request
  EXPECT_EQ(echo(4)["method"], "GET");
  EXPECT_EQ(echo(4)["body"], "");
  EXPECT_FALSE(echo(4)["headers"].contains("Content-Length"));
  EXPECT_FALSE(echo(4)["headers"].contains("Content-Type"));
  EXPECT_EQ(echo(5)["method"], "POST");
  EXPECT_EQ(echo(5)["body"], first.body);
  EXPECT_EQ(echo(5)["headers"]["X-First"], "1");
  for (std::size_t i : {0u, 1u, 2u, 5u}) EXPECT_FALSE(echo(i)["headers"].contains("Expect")) << i;
}

// At most once: a request the provider may have (it read it, then closed the connection without
// an answer) is never written again, neither on a fresh connection nor on a reused one, where
// libcurl by itself would resend it ("Connection died, retrying a fresh connect").
TEST_F(CurlMultiTest, ARequestIsNeverResentAfterTheConnectionDiesWithoutAnAnswer) {
  net::HttpTransport transport(multi_, 1);
  TransportRequest hangup;
  hangup.url = server_->url("/hangup");
  hangup.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  hangup.body = "To=%2B31612345678&Body=once";
  TransportRequest fast = hangup;
  fast.url = server_->url("/fast");
  std::vector<TransportResponse> got;
  // A fresh connection dies; then one carries /fast and stays open, and the next request reuses it.
  for (const auto* r : {&hangup, &fast, &hangup}) {
    transport.execute(*r, [&](TransportResponse resp) { got.push_back(std::move(resp)); });
  }
  io_.run();
  ASSERT_EQ(got.size(), 3u);
  for (std::size_t i : {0u, 2u}) {
    EXPECT_EQ(got[i].status, 0) << i;
    EXPECT_TRUE(got[i].request_sent) << i << ": " << got[i].transport_error;
    EXPECT_FALSE(got[i].timed_out) << i;
    EXPECT_FALSE(got[i].transport_error.empty()) << i;
  }
  EXPECT_NE(got[2].transport_error.find("not resent"), std::string::npos) << got[2].transport_error;
  EXPECT_EQ(got[1].status, 200);
  const auto recorded = nlohmann::json::parse(server_->requests_json());
  int hangups = 0;
  for (const auto& r : recorded) hangups += r["path"] == "/hangup" ? 1 : 0;
  EXPECT_EQ(hangups, 2) << recorded.dump();
  EXPECT_EQ(server_->stats().connections, 2);  // the second /hangup went over /fast's connection
}

TEST_F(CurlMultiTest, LargeBodiesBothWays) {
  net::HttpTransport transport(multi_, 8);
  std::vector<std::size_t> sizes;
  for (int i = 0; i < 4; ++i) {
    transport.execute(get("/big?bytes=3000000"), [&](TransportResponse r) {
      EXPECT_EQ(r.status, 200) << r.transport_error;
      sizes.push_back(r.body.size());
    });
  }
  TransportRequest upload;
  upload.url = server_->url("/fast");
  upload.body = std::string(4'000'000, 'y');
  int upload_status = 0;
  transport.execute(upload, [&](TransportResponse r) { upload_status = r.status; });
  io_.run();
  EXPECT_EQ(sizes, (std::vector<std::size_t>(4, 3000000)));
  EXPECT_EQ(upload_status, 200);
}

TEST_F(CurlMultiTest, OtherMethods) {
  net::HttpTransport transport(multi_);
  std::vector<std::string> methods;
  for (const char* m : {"PUT", "DELETE", "PATCH", "GET"}) {
    TransportRequest r;
    r.method = m;
    r.url = server_->url("/echo");
    r.body = std::string(m) == "GET" ? "" : "{}";
    transport.execute(r, [&](TransportResponse resp) {
      ASSERT_EQ(resp.status, 200);
      methods.push_back(nlohmann::json::parse(resp.body)["method"]);
    });
  }
  io_.run();
  std::sort(methods.begin(), methods.end());
  EXPECT_EQ(methods, (std::vector<std::string>{"DELETE", "GET", "PATCH", "PUT"}));
}

TEST_F(CurlMultiTest, RetryAfterHeaderIsParsed) {
  net::HttpTransport transport(multi_);
  TransportResponse got;
  transport.execute(get("/status/429?retry_after=7"), [&](TransportResponse r) { got = std::move(r); });
  io_.run();
  EXPECT_EQ(got.status, 429);
  EXPECT_TRUE(got.transport_error.empty());
  const std::string* value = channels::find_header(got.headers, "Retry-After");
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(net::parse_retry_after(*value, core::from_millis(0)), milliseconds(7000));
}

TEST(ParseRetryAfter, SecondsAndHttpDates) {
  core::TimePoint now;
  ASSERT_TRUE(core::parse_utc("2026-10-21T07:27:00Z", now));
  EXPECT_EQ(net::parse_retry_after("120", now), milliseconds(120000));
  EXPECT_EQ(net::parse_retry_after(" 0 ", now), milliseconds(0));
  EXPECT_EQ(net::parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT", now), milliseconds(60000));
  EXPECT_EQ(net::parse_retry_after("Wed, 21 Oct 2026 07:00:00 GMT", now), milliseconds(0));
  EXPECT_EQ(net::parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(net::parse_retry_after("", now), std::nullopt);
  EXPECT_EQ(net::parse_retry_after("-5", now), std::nullopt);
}

TEST_F(CurlMultiTest, ConnectionRefusedIsATransportError) {
  net::HttpTransport transport(multi_);
  TransportRequest r;
  r.url = "http://127.0.0.1:1/";  // nothing listens on port 1
  TransportResponse got;
  got.status = -1;
  transport.execute(r, [&](TransportResponse resp) { got = std::move(resp); });
  io_.run();
  EXPECT_EQ(got.status, 0);
  EXPECT_FALSE(got.timed_out);
  EXPECT_FALSE(got.transport_error.empty());
}

TEST_F(CurlMultiTest, CancelledTransferNeverCallsBack) {
  net::HttpTransport transport(multi_);
  {
    net::HttpTransport doomed(multi_);
    doomed.execute(get("/slow?ms=2000"), [](TransportResponse) { ADD_FAILURE() << "called back"; });
    io_.poll();  // let it start
  }  // destroyed with the transfer running
  bool fast_ok = false;
  transport.execute(get("/fast"), [&](TransportResponse r) { fast_ok = r.status == 200; });
  io_.run();
  EXPECT_TRUE(fast_ok);
  EXPECT_EQ(multi_.active(), 0u);
}

// --- SMTP (python3 -m aiosmtpd as a sink) ---

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool port_answers(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

TEST(HttpTransportSmtp, SubmitsToAiosmtpdSink) {
  // Debian's python3-aiosmtpd lives in /usr/bin/python3, which a pyenv python3 on PATH may hide.
  std::string python;
  for (const char* candidate : {"python3", "/usr/bin/python3"}) {
    if (std::system((std::string(candidate) + " -c 'import aiosmtpd' 2>/dev/null").c_str()) == 0) {
      python = candidate;
      break;
    }
  }
  OUTREACH_REQUIRE_TOOL(!python.empty(), "aiosmtpd missing (apt-get install python3-aiosmtpd)");
  const int port = free_port();
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string listen = "127.0.0.1:" + std::to_string(port);
    ::execlp(python.c_str(), python.c_str(), "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l",
             listen.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  bool up = false;
  for (int i = 0; i < 200 && !(up = port_answers(port)); ++i) {
    std::this_thread::sleep_for(milliseconds(25));  // waiting for a child process, not for logic
  }
  ASSERT_TRUE(up) << "aiosmtpd did not start";

  asio::io_context io;
  net::CurlMulti multi(io);
  net::HttpTransport transport(multi, 4);
  TransportRequest r;
  r.kind = TransportRequest::Kind::smtp;
  r.url = "smtp://127.0.0.1:" + std::to_string(port);
  r.mail_from = "<campagne@example.nl>";
  r.mail_rcpt = {"<ouder@example.nl>"};
  r.body =
      "From: Campagne <campagne@example.nl>\r\nTo: <ouder@example.nl>\r\nSubject: Hallo\r\n\r\n"
      "Wij willen u graag helpen.\r\n";
  std::vector<TransportResponse> got;
  for (int i = 0; i < 3; ++i) transport.execute(r, [&](TransportResponse resp) { got.push_back(std::move(resp)); });
  io.run();
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
  ASSERT_EQ(got.size(), 3u);
  for (const auto& resp : got) {
    EXPECT_EQ(resp.status, 250) << resp.transport_error;
    EXPECT_TRUE(resp.transport_error.empty()) << resp.transport_error;
  }
}

}  // namespace
}  // namespace outreach::net
