// json_writer: core::JsonWriter must write the bytes json_text() (nlohmann, invalid UTF-8 replaced)
// writes for the same value, for any stored text: the API's municipality page and the responses
// export switched to it, and a client must see no difference. The input is any bytes; it is written
// as a string value, as a member name, and split at its first NUL into two members of an object.
#include <cstdlib>
#include <string>

#include "core/json_text.h"
#include "core/json_writer.h"

using namespace outreach;

namespace {

void same(const std::string& written, const nlohmann::json& value) {
  if (written != core::json_text(value)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string out;
  core::append_json_string(out, text);
  same(out, nlohmann::json(text));

  const auto nul = text.find('\0');
  const std::string a = text.substr(0, nul);
  const std::string b = nul == std::string::npos ? std::string() : text.substr(nul + 1);
  // Members in name order, as the sorted nlohmann object holds them.
  const bool a_first = a < b;
  core::JsonWriter w;
  w.begin_object();
  if (a == b) {
    w.key(a).value(b);  // one member: the object keeps the last value for a repeated name
  } else {
    w.key(a_first ? a : b).value(std::int64_t{1}).key(a_first ? b : a).begin_array().value(text).null().end_array();
  }
  w.end_object();
  nlohmann::json expected = nlohmann::json::object();
  if (a == b) {
    expected[a] = b;
  } else {
    expected[a_first ? a : b] = 1;
    expected[a_first ? b : a] = nlohmann::json::array({text, nullptr});
  }
  same(w.text(), expected);
  return 0;
}
