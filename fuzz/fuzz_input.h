#pragma once
// Shared by the fuzz targets: turns the fuzzer's bytes into the structured input a parser sees.
// An input reads like a raw HTTP message, so seeds stay readable and the fuzzer mutates each part:
//
//   <METHOD or status> <target or URL>\n
//   <Name>: <value>\n ...            (header lines, until an empty line)
//   \n
//   <body>                           (the rest, bytes as they are)
//
// A first token of digits ("201") is an HTTP status: the input is then also a provider's answer to
// one of our sends (TransportResponse). Lines may end in \r\n or \n.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace outreach::fuzz {

struct RawMessage {
  std::string first;   // method or status
  std::string second;  // target or URL
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int status() const {  // the first token as an HTTP status, 0 when it is not one
    if (first.empty() || first.size() > 3) return 0;
    int s = 0;
    for (char c : first) {
      if (c < '0' || c > '9') return 0;
      s = s * 10 + (c - '0');
    }
    return s;
  }
};

inline std::string_view next_line(std::string_view& rest) {
  auto nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

inline RawMessage split_message(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  RawMessage m;
  std::string_view line = next_line(rest);
  auto sp = line.find(' ');
  m.first = std::string(line.substr(0, sp));
  if (sp != std::string_view::npos) m.second = std::string(line.substr(sp + 1));
  while (!rest.empty()) {
    line = next_line(rest);
    if (line.empty()) break;
    auto colon = line.find(':');
    std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    m.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  m.body = std::string(rest);
  return m;
}

}  // namespace outreach::fuzz
