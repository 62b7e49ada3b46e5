#include "campaigns/plain_text.h"

#include <cstdint>

#include "core/text_encoding.h"

namespace outreach::campaigns {
namespace {

// Decodes one code point at `i` (advancing it); invalid bytes come back as U+FFFD, one byte each.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  i += len;
  return cp;
}

char32_t fold(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
  if (cp == 0x130) return 'i';  // Turkish İ
  if (cp == 0x178) return 0xFF;  // Ÿ
  // Latin Extended-A: capitals at even code points, except the run U+0139-U+0148 and
  // U+0179-U+017E, which start at odd ones.
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) return (cp % 2 == 1) ? cp + 1 : cp;
  if (cp >= 0x100 && cp <= 0x17F && cp != 0x131 && cp != 0x138 && cp != 0x149) return (cp % 2 == 0) ? cp + 1 : cp;
  return cp;
}

bool is_letter(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  if (cp == 0xD7 || cp == 0xF7 || cp == 0xFFFD) return false;
  if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
  if (cp >= 0x2000 && cp <= 0x206F) return false;  // general punctuation: dashes, quotes, spaces
  if (cp == 0x60C || cp == 0x61B || cp == 0x61F || cp == 0x6D4) return false;  // Arabic punctuation
  if (cp >= 0x660 && cp <= 0x669) return false;                                 // Arabic-Indic digits
  return true;
}

bool ends_sentence(char32_t cp) { return cp == '.' || cp == '!' || cp == '?' || cp == 0x61F || cp == 0x6D4; }

bool is_address(std::string_view token) {
  return token.find("://") != std::string_view::npos || token.rfind("www.", 0) == 0 ||
         token.find('@') != std::string_view::npos;
}

}  // namespace

std::string fold_case(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) core::append_utf8(out, fold(next_code_point(s, i)));
  return out;
}

int letter_count(std::string_view s) {
  int n = 0;
  for (std::size_t i = 0; i < s.size();) n += is_letter(next_code_point(s, i)) ? 1 : 0;
  return n;
}

std::vector<Sentence> split_sentences(std::string_view text) {
  std::vector<Sentence> out;
  Sentence current;
  auto finish = [&] {
    if (!current.words.empty()) out.push_back(std::move(current));
    current = Sentence{};
  };
  std::size_t i = 0;
  while (i < text.size()) {
    // One whitespace-separated token.
    if (text[i] == '\n') {
      finish();
      ++i;
      continue;
    }
    if (text[i] == ' ' || text[i] == '\t' || text[i] == '\r') {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && text[end] != ' ' && text[end] != '\t' && text[end] != '\r' && text[end] != '\n') ++end;
    const std::string_view token = text.substr(i, end - i);
    i = end;
    // The word: letters (and the hyphens and apostrophes inside it); a trailing stop ends the sentence.
    std::string word;
    bool has_letter = false, stop = false;
    std::string pending;  // inner punctuation, kept only when a letter follows ("oud-strijder")
    for (std::size_t k = 0; k < token.size();) {
      const char32_t cp = next_code_point(token, k);
      if (is_letter(cp)) {
        if (has_letter) word += pending;
        pending.clear();
        core::append_utf8(word, fold(cp));
        has_letter = true;
        stop = false;
      } else if (ends_sentence(cp)) {
        stop = true;
        pending.clear();
      } else if (cp == '-' || cp == '\'' || cp == 0x2019) {
        core::append_utf8(pending, cp);
      } else {
        pending.clear();
        if (cp >= '0' && cp <= '9' && has_letter) core::append_utf8(word, cp);  // "b1", "gemeente2"
      }
    }
    if (has_letter && !is_address(token)) current.words.push_back(std::move(word));
    if (stop) finish();
  }
  finish();
  return out;
}

}  // namespace outreach::campaigns
