#include "net/path_pattern.h"

#include <openssl/rand.h>

#include <stdexcept>
#include <string_view>

namespace outreach::net {

namespace {

// The segments of a path after its leading '/', one at a time ("/a//b/" gives "a", "", "b", "");
// a path that does not start with '/' has none. Walks the text in place: the routers try every
// route's pattern on every request, so matching allocates nothing until a pattern matches.
class Segments {
 public:
  explicit Segments(std::string_view path)
      : path_(path), pos_(!path.empty() && path[0] == '/' ? 1 : path.size() + 1) {}
  bool next(std::string_view& segment) {
    if (pos_ > path_.size()) return false;
    std::size_t end = path_.find('/', pos_);
    if (end == std::string_view::npos) end = path_.size();
    segment = path_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return true;
  }

 private:
  std::string_view path_;
  std::size_t pos_;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hex_value(in[i + 1]);
    int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

}  // namespace

bool match_pattern(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& params) {
  Segments want(pattern), got(path);
  std::map<std::string, std::string> found;
  std::string_view w, g;
  for (;;) {
    const bool more = want.next(w);
    if (got.next(g) != more) return false;  // a different number of segments
    if (!more) break;
    if (w.size() >= 2 && w.front() == '{' && w.back() == '}') {
      std::string value;
      if (g.empty() || !percent_decode(g, value)) return false;
      found.emplace(std::string(w.substr(1, w.size() - 2)), std::move(value));
    } else if (w != g) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

std::string new_request_id() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace outreach::net
