#pragma once
// A blocking HTTP request with libcurl for end-to-end tests that talk to a real `outreach serve`.

#include <string>
#include <vector>

namespace outreach::test {

struct HttpReply {
  long status = 0;  // 0: no answer (refused, reset, timed out)
  std::string body;
};

HttpReply http(const std::string& method, const std::string& url, const std::string& body = {},
               const std::vector<std::string>& headers = {}, long timeout_ms = 10000);

}  // namespace outreach::test
