// http_bench: loopback HTTP throughput of the engine's transport against nginx.
//
// Starts a private nginx (config generated under a temp dir) answering every POST with
// 201 {"sid":"SM123","status":"queued"}, then measures N Twilio-like form POSTs with 64 in flight:
//   (1) a bare libcurl multi loop (curl_multi_perform/curl_multi_poll, handles re-added at once),
//   (2) HttpTransport on CurlMulti on one asio::io_context (all N submitted; the FIFO holds the rest).
// Prints requests/s for both, the ratio transport/bare, and /proc/loadavg before and after.
// Run by hand, never in CI:  http_bench [N=50000] [in_flight=64] [nginx=/usr/sbin/nginx]

#include <curl/curl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "channels/connector.h"
#include "net/curl_multi.h"
#include "net/http_transport.h"
#include "net/asio.h"

namespace {

using Steady = std::chrono::steady_clock;

std::string loadavg() {
  std::ifstream in("/proc/loadavg");
  std::string line;
  std::getline(in, line);
  return line;
}

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

// A private nginx: `daemon off`, one worker, everything under `dir`.
class Nginx {
 public:
  Nginx(const std::string& binary, int port) : port_(port) {
    char tmpl[] = "/tmp/outreach-http-bench-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    const std::string conf = dir_ + "/nginx.conf";
    std::ofstream(conf) << "daemon off;\n"
                           "worker_processes 1;\n"
                           "error_log " << dir_ << "/error.log;\n"
                           "pid " << dir_ << "/nginx.pid;\n"
                           "events { worker_connections 4096; }\n"
                           "http {\n"
                           "  access_log off;\n"
                           "  client_body_temp_path " << dir_ << "/client_body;\n"
                           "  proxy_temp_path " << dir_ << "/proxy;\n"
                           "  fastcgi_temp_path " << dir_ << "/fastcgi;\n"
                           "  uwsgi_temp_path " << dir_ << "/uwsgi;\n"
                           "  scgi_temp_path " << dir_ << "/scgi;\n"
                           "  keepalive_requests 10000000;\n"
                           "  keepalive_timeout 120s;\n"
                           "  server {\n"
                           "    listen 127.0.0.1:" << port << ";\n"
                           "    location / {\n"
                           "      default_type application/json;\n"
                           "      return 201 '{\"sid\":\"SM123\",\"status\":\"queued\"}';\n"
                           "    }\n"
                           "  }\n"
                           "}\n";
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string err = dir_ + "/error.log";
      ::execl(binary.c_str(), binary.c_str(), "-p", dir_.c_str(), "-e", err.c_str(), "-c", conf.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 200; ++i) {
      if (port_answers(port_)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    throw std::runtime_error("nginx did not start; see " + dir_ + "/error.log");
  }
  ~Nginx() {
    ::kill(pid_, SIGQUIT);
    ::waitpid(pid_, nullptr, 0);
    std::system(("rm -rf '" + dir_ + "'").c_str());
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/2010-04-01/Accounts/AC123/Messages.json"; }

 private:
  int port_;
  pid_t pid_ = -1;
  std::string dir_;
};

const std::string kBody =
    "To=%2B31612345678&From=Gemeente&MessagingServiceSid=MG0123456789abcdef0123456789abcdef"
    "&Body=Hallo%2C+de+gemeente+wil+u+graag+helpen+met+het+herstel.+Reageer+met+JA+voor+een+gesprek."
    "+Stoppen%3F+Stuur+STOP.&StatusCallback=https%3A%2F%2Foutreach.example.nl%2Fwebhooks%2Ftwilio%2Fstatus";

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

double bare_multi(const std::string& url, int total, int in_flight) {
  CURLM* multi = curl_multi_init();
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/x-www-form-urlencoded");
  headers = curl_slist_append(headers, "Expect:");
  std::vector<CURL*> handles;
  int started = 0, done = 0, failed = 0;
  const auto add = [&](CURL* easy) {
    curl_multi_add_handle(multi, easy);
    ++started;
  };
  const auto start = Steady::now();
  for (int i = 0; i < in_flight && started < total; ++i) {
    CURL* easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, kBody.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(kBody.size()));
    curl_easy_setopt(easy, CURLOPT_USERNAME, "AC123");
    curl_easy_setopt(easy, CURLOPT_PASSWORD, "token");
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &discard);
    handles.push_back(easy);
    add(easy);
  }
  int running = 0;
  while (done < total) {
    curl_multi_perform(multi, &running);
    int pending = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &pending)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      if (msg->data.result != CURLE_OK || status != 201) ++failed;
      curl_multi_remove_handle(multi, easy);
      ++done;
      if (started < total) add(easy);
    }
    if (done < total) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  const double seconds = std::chrono::duration<double>(Steady::now() - start).count();
  for (CURL* easy : handles) curl_easy_cleanup(easy);
  curl_slist_free_all(headers);
  curl_multi_cleanup(multi);
  if (failed) std::printf("  bare: %d failed requests\n", failed);
  return total / seconds;
}

double through_transport(const std::string& url, int total, int in_flight) {
  using namespace outreach;
  asio::io_context io;
  net::CurlMulti multi(io);
  net::HttpTransport transport(multi, static_cast<std::size_t>(in_flight));
  channels::TransportRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = kBody;
  request.username = "AC123";
  request.password = "token";
  request.timeout = std::chrono::milliseconds(10000);
  int done = 0, failed = 0;
  const auto start = Steady::now();
  for (int i = 0; i < total; ++i) {
    transport.execute(request, [&](channels::TransportResponse r) {
      if (r.status != 201) ++failed;
      ++done;
    });
  }
  io.run();
  const double seconds = std::chrono::duration<double>(Steady::now() - start).count();
  if (failed || done != total) std::printf("  transport: %d failed, %d done of %d\n", failed, done, total);
  return total / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const int total = argc > 1 ? std::atoi(argv[1]) : 50000;
  const int in_flight = argc > 2 ? std::atoi(argv[2]) : 64;
  const std::string binary = argc > 3 ? argv[3] : "/usr/sbin/nginx";
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::printf("http_bench: %d POSTs, %d in flight, nginx %s, %u hardware threads\n", total, in_flight,
              binary.c_str(), std::thread::hardware_concurrency());
  std::printf("loadavg before: %s\n", loadavg().c_str());
  try {
    Nginx nginx(binary, free_port());
    // Warm-up: connections, caches, nginx worker.
    bare_multi(nginx.url(), std::min(total, 2000), in_flight);
    const double bare = bare_multi(nginx.url(), total, in_flight);
    std::printf("bare curl multi loop : %9.0f req/s\n", bare);
    const double transport = through_transport(nginx.url(), total, in_flight);
    std::printf("HttpTransport (asio) : %9.0f req/s\n", transport);
    std::printf("ratio transport/bare : %9.2f\n", transport / bare);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "http_bench: %s\n", e.what());
    return 1;
  }
  std::printf("loadavg after:  %s\n", loadavg().c_str());
  curl_global_cleanup();
  return 0;
}
