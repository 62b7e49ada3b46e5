#include "campaigns/plain_template.h"

#include <algorithm>

namespace outreach::campaigns {
namespace {

bool is_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_variable_name_char);
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

void append_html_escaped(std::string& out, const std::string& value) {
  for (char ch : value) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += ch;
    }
  }
}

}  // namespace

std::optional<PlainTemplate> PlainTemplate::parse(std::string_view text, bool html) {
  PlainTemplate t;
  t.html_ = html;
  std::size_t at = 0;
  while (true) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string_view::npos) break;
    const bool triple = open + 2 < text.size() && text[open + 2] == '{';
    const std::string_view close = triple ? "}}}" : "}}";
    const std::size_t start = open + (triple ? 3 : 2);
    const std::size_t end = text.find(close, start);
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view inner = trim_spaces(text.substr(start, end - start));
    bool escaped = !triple;
    if (!triple && !inner.empty() && inner.front() == '&') {
      escaped = false;
      inner = trim_spaces(inner.substr(1));
    }
    if (!is_name(inner)) return std::nullopt;  // also every sigil: # ^ / > ! = and nested braces
    if (open > at) {
      t.pieces_.push_back({std::string(text.substr(at, open - at)), false, false});
      t.literal_size_ += open - at;
    }
    t.pieces_.push_back({std::string(inner), true, escaped});
    at = end + close.size();
  }
  if (at < text.size()) {
    t.pieces_.push_back({std::string(text.substr(at)), false, false});
    t.literal_size_ += text.size() - at;
  }
  return t;
}

std::string PlainTemplate::render(const RenderVars& person, const RenderVars& campaign) const {
  std::string out;
  out.reserve(literal_size_ + 64);
  for (const auto& p : pieces_) {
    if (!p.variable) {
      out += p.text;
      continue;
    }
    const std::string* value = nullptr;
    if (auto it = person.find(p.text); it != person.end()) {
      value = &it->second;
    } else if (auto c = campaign.find(p.text); c != campaign.end()) {
      value = &c->second;
    }
    if (value == nullptr) continue;
    if (html_ && p.escaped) append_html_escaped(out, *value); else out += *value;
  }
  return out;
}

std::vector<std::string> PlainTemplate::names() const {
  std::vector<std::string> out;
  for (const auto& p : pieces_) {
    if (p.variable) out.push_back(p.text);
  }
  return out;
}

}  // namespace outreach::campaigns
