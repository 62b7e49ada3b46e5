#pragma once
// A private loopback nginx answering every request 201 {"sid":"SM123","status":"queued"} (what
// Twilio answers an accepted message), and the bare libcurl multi loop the engine's figures are
// compared with. Header only: http_bench and dispatch_bench (each its own executable) share it.

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
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace outreach::bench {


inline int free_port() {
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

inline bool port_answers(int port) {
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
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string url() const { return base_url() + "/2010-04-01/Accounts/AC123/Messages.json"; }

 private:
  int port_;
  pid_t pid_ = -1;
  std::string dir_;
};

inline const std::string kBody =
    "To=%2B31612345678&From=Gemeente&MessagingServiceSid=MG0123456789abcdef0123456789abcdef"
    "&Body=Hallo%2C+de+gemeente+wil+u+graag+helpen+met+het+herstel.+Reageer+met+JA+voor+een+gesprek."
    "+Stoppen%3F+Stuur+STOP.&StatusCallback=https%3A%2F%2Foutreach.example.nl%2Fwebhooks%2Ftwilio%2Fstatus";

inline std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

inline double bare_multi(const std::string& url, int total, int in_flight) {
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
  const auto start = std::chrono::steady_clock::now();
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
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (CURL* easy : handles) curl_easy_cleanup(easy);
  curl_slist_free_all(headers);
  curl_multi_cleanup(multi);
  if (failed) std::printf("  bare: %d failed requests\n", failed);
  return total / seconds;
}

}  // namespace outreach::bench
