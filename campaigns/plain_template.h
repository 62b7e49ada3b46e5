#pragma once
// A template text of literal text and plain variables only ({{name}}, {{{name}}}, {{& name}}),
// rendered by appending pieces. Mustache renders such a text the same way, but walks its
// component tree and a context stack per variable, which cost the dispatcher about as much per
// message as writing the message's outcome (bench/README.md). PreparedTemplate uses it only after
// checking, once per template, that both give the same text.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "campaigns/template_renderer.h"

namespace outreach::campaigns {

// A character of a variable or partial name: letters, digits, '_' and '-'.
inline bool is_variable_name_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
}

class PlainTemplate {
 public:
  // Nullopt for a text with any other tag (section, inverted section, partial, comment, delimiter
  // change), an unclosed tag, or a name other than letters, digits, '_' and '-': those stay
  // Mustache's. `html`: {{name}} is HTML-escaped as Mustache escapes it (& < > " '); else as is.
  static std::optional<PlainTemplate> parse(std::string_view text, bool html);

  // Each variable from `person`, else from `campaign`, else empty.
  std::string render(const RenderVars& person, const RenderVars& campaign) const;

  // The names of its variables, in order, repeats included.
  std::vector<std::string> names() const;

 private:
  struct Piece {
    std::string text;  // literal text, or the variable's name
    bool variable = false;
    bool escaped = false;
  };
  std::vector<Piece> pieces_;
  bool html_ = false;
  std::size_t literal_size_ = 0;
};

}  // namespace outreach::campaigns
