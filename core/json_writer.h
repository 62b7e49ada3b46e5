#pragma once
// JSON text written directly, for the hot paths where building an nlohmann::json first costs more
// than the rest of the work (a municipality's 100-row page: 12 members a row, each a std::map node
// and a string copy, then walked again to serialise).
//
// The bytes are exactly those json_text() writes for the same value: compact, strings escaped as
// nlohmann escapes them (\" \\ \b \f \n \r \t, other control characters as \u00xx, everything else
// as is), and text that is not valid UTF-8 repaired as nlohmann's "replace" handler repairs it.
// nlohmann's default object sorts its members by name; a caller that replaces one writes its members
// in that order, so clients see the same bytes either way.
//
// A value type; not thread-safe (one writer per response).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace outreach::core {

// `text` as a JSON string literal, quotes included, appended to `out`.
void append_json_string(std::string& out, std::string_view text);

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // A member's name inside an object; its value follows.
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(bool flag);
  JsonWriter& null();

  // Room for `bytes` of text up front, for a caller that knows roughly how much it writes.
  void reserve(std::size_t bytes) { out_.reserve(bytes); }

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  // The comma before a member or element that is not the first of its object or array.
  void separate();
  void before_value();
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  std::string out_;
  // One entry per open object or array: whether it has had a member or element yet.
  std::vector<unsigned char> has_item_;
  bool after_key_ = false;
};

}  // namespace outreach::core
