#pragma once
// A blocking HTTP request with libcurl for tests that talk to a real server (`outreach serve`, the
// api fixture's server): the status, body and headers of one request.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace outreach::test {

struct HttpReply {
  long status = 0;  // 0: no answer (refused, reset, timed out)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names; the last value of a repeated one
};

// `headers` as "Name: value"; `body` is sent for POST.
HttpReply http(const std::string& method, const std::string& url, const std::string& body = {},
               const std::vector<std::string>& headers = {}, long timeout_ms = 10000);

// libcurl write and header callbacks: append to a std::string, or add a "Name: value" line to a
// std::map<std::string, std::string> with the name lower-cased.
std::size_t collect_body(char* p, std::size_t s, std::size_t n, void* ud);
std::size_t collect_header(char* p, std::size_t s, std::size_t n, void* ud);

}  // namespace outreach::test
