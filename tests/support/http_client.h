#pragma once
// A blocking HTTP client for tests (libcurl easy): one request, the status, body and headers.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace outreach::test {

struct HttpReply {
  long status = 0;  // 0 when the request failed (no answer)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names; the last value of a repeated one
};

// `headers` as "Name: value"; `body` is sent for POST (and any method when not empty).
HttpReply http_request(const std::string& method, const std::string& url, const std::string& body = {},
                       const std::vector<std::string>& headers = {}, long timeout_ms = 10000);

// libcurl write and header callbacks: append to a std::string, or add a "Name: value" line to a
// std::map<std::string, std::string> with the name lower-cased.
std::size_t collect_body(char* p, std::size_t s, std::size_t n, void* ud);
std::size_t collect_header(char* p, std::size_t s, std::size_t n, void* ud);

}  // namespace outreach::test
