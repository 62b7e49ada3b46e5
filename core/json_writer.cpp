#include "core/json_writer.h"

#include <array>
#include <charconv>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/text_encoding.h"

namespace outreach::core {

namespace {

// What append_json_string does with each byte: copy it (most), escape it, or check UTF-8 from
// there. A table lookup per byte instead of four comparisons: every key and text value of a
// 100-row list page goes through here.
enum ByteClass : unsigned char { kCopy = 0, kEscape = 1, kNonAscii = 2 };
constexpr std::array<unsigned char, 256> kByteClass = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c < 0x20 || c == '"' || c == '\\') t[c] = kEscape;
    else if (c >= 0x80) t[c] = kNonAscii;
  }
  return t;
}();

// The length of the leading run of bytes that are copied as they are.
std::size_t plain_prefix(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = 0;
  while (n < text.size() && kByteClass[bytes[n]] == kCopy) ++n;
  return n;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t first = plain_prefix(text);  // the first byte that is not copied as it is
  const std::size_t start = out.size();
  if (first == text.size()) {  // plain ASCII (most keys and values): one copy
    out.resize(start + text.size() + 2);
    char* p = out.data() + start;
    p[0] = '"';
    if (!text.empty()) std::memcpy(p + 1, text.data(), text.size());  // data() may be null when empty
    p[text.size() + 1] = '"';
    return;
  }
  out.reserve(start + text.size() + 2);
  out.push_back('"');
  bool utf8_checked = false;
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = first; i < text.size(); ++i) {
    const unsigned char kind = kByteClass[bytes[i]];
    if (kind == kCopy) continue;
    const unsigned char c = bytes[i];
    if (kind == kNonAscii) {
      // The first non-ASCII byte: everything before it was ASCII, so the rest must be valid UTF-8.
      if (!utf8_checked && !is_valid_utf8(text.substr(i))) {
        // Rare (stored text from before the boundaries were checked): nlohmann's own repair, so the
        // U+FFFD it writes for each bad sequence stays byte for byte what json_text() gives.
        out.resize(start);
        out += nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
      }
      utf8_checked = true;
      continue;
    }
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

void JsonWriter::separate() {
  if (has_item_.empty()) return;
  if (has_item_.back()) out_ += ',';
  has_item_.back() = 1;
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;  // a member's value: its name already had the comma
    return;
  }
  separate();
}

JsonWriter& JsonWriter::open(char bracket) {
  before_value();
  out_.push_back(bracket);
  has_item_.push_back(0);
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  out_.push_back(bracket);
  has_item_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::begin_object() { return open('{'); }
JsonWriter& JsonWriter::end_object() { return close('}'); }
JsonWriter& JsonWriter::begin_array() { return open('['); }
JsonWriter& JsonWriter::end_array() { return close(']'); }

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  append_json_string(out_, name);  // plain names take its one-copy path
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  append_json_string(out_, text);
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number) {
  before_value();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, number);
  out_.append(buf, end);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  out_ += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

}  // namespace outreach::core
