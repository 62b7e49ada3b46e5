#pragma once
// Test fixture helper: runs tests/support/loopback_http_server.py (python3) on a free loopback
// port and stops it when destroyed. The server records requests and counts TCP connections and
// concurrent requests, so tests can prove keep-alive and in-flight bounds from the server's side.
// Endpoints: /fast, /slow?ms=N, /status/<code>[?retry_after=V], /echo, /vN.M/<page>/feed (see the
// script).
// Owns the child process; not copyable; use from one thread.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "core/error.h"

namespace outreach::test {

class HttpRecorder {
 public:
  struct Stats {
    int connections = 0;    // TCP connections that carried at least one counted request
    int requests = 0;       // counted requests (paths not starting with "/_")
    int in_flight = 0;      // requests being answered now
    int max_in_flight = 0;  // most requests answered at once since the last reset
  };

  // Starts the server and waits until it prints its port. Errors: python3 or the script missing,
  // the child exiting early, or the timeout passing (internal).
  static core::Result<std::unique_ptr<HttpRecorder>> start(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Another python3 script of tests/support that prints "PORT <n>" (faulty_provider.py), with one
  // argument.
  static core::Result<std::unique_ptr<HttpRecorder>> start_script(
      const std::string& name, const std::string& arg, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  HttpRecorder(const HttpRecorder&) = delete;
  HttpRecorder& operator=(const HttpRecorder&) = delete;
  ~HttpRecorder();  // SIGTERM, then SIGKILL after 2 s

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string url(std::string_view path) const { return base_url() + std::string(path); }

  // Blocking GETs over a fresh socket (not counted by the server).
  Stats stats() const;
  void reset() const;
  // JSON list of recorded requests: [{"method","path","headers":{...},"body"}].
  std::string requests_json() const;
  // The body of a blocking GET of `path` (a control endpoint such as /_received).
  std::string get(const std::string& path) const;

 private:
  HttpRecorder(pid_t pid, int port) : pid_(pid), port_(port) {}

  pid_t pid_;
  int port_;
};

// One recorder for a whole test suite (starting the server per test would dominate its time):
//   static void SetUpTestSuite() { server_.start(); }
//   static void TearDownTestSuite() { server_.stop(); }
//   void SetUp() override { ASSERT_TRUE(server_.fresh()); }
// with `static inline SuiteRecorder server_;` in the fixture.
class SuiteRecorder {
 public:
  void start() {
    auto started = HttpRecorder::start();
    error_ = started ? std::string() : started.error().what();
    if (started) recorder_ = std::move(*started);
  }
  void stop() { recorder_.reset(); }
  // True when the server runs; it then forgets earlier requests and counters. Else error() says why.
  bool fresh() const {
    if (!recorder_) return false;
    recorder_->reset();
    return true;
  }
  const std::string& error() const { return error_; }
  HttpRecorder* operator->() const { return recorder_.get(); }

 private:
  std::unique_ptr<HttpRecorder> recorder_;
  std::string error_;
};

}  // namespace outreach::test
