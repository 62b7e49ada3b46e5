// keywords: what decides whether a reply is STOP. Every inbound message is folded
// (core::fold_for_matching: ICU case folding, NFKD, marks dropped, NFC) and looked up among the
// configured words; the words come from a keywords file (engine::parse_keywords, yaml-cpp). The
// input is used twice: as the text of a reply, and as a keywords file.
// Checked, for any reply text: the fold is valid UTF-8 with single inner spaces and none at either
// end; folding it again changes nothing; ASCII case and spaces or punctuation around it do not
// change it, so "stop", " STOP! " and "Stop." are one answer. For a keywords file: an error names
// the file; a file that parses recognises every word it lists as its kind, also in capitals and
// with punctuation around it, and has a reply in valid UTF-8 for every replied kind in every one
// of its languages and in a language it does not list.
#include <cstdlib>
#include <string>

#include "core/text_encoding.h"
#include "core/text_fold.h"
#include "engine/keywords.h"

using namespace outreach;
using engine::Keyword;

namespace {

std::string ascii_upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

void check_fold(const std::string& text) {
  const std::string folded = core::fold_for_matching(text);
  if (!core::is_valid_utf8(folded)) std::abort();
  if (!folded.empty() && (folded.front() == ' ' || folded.back() == ' ')) std::abort();
  if (folded.find("  ") != std::string::npos) std::abort();
  if (core::fold_for_matching(folded) != folded) std::abort();
  if (core::fold_for_matching(ascii_upper(text)) != folded) std::abort();
  if (core::fold_for_matching(" \t" + text + "!\n") != folded) std::abort();
}

void check_keywords(const std::string& text) {
  auto parsed = engine::parse_keywords(text, "keywords.yaml");
  if (!parsed) {
    if (std::string(parsed.error().what()).rfind("keywords.yaml:", 0) != 0) std::abort();
    return;
  }
  const engine::KeywordConfig& config = *parsed;
  for (const auto& [language, keywords] : config.languages) {
    for (const auto& [kind, words] : keywords.words) {
      for (const auto& word : words) {
        if (config.classify(word) != kind) std::abort();
        if (config.classify(" " + ascii_upper(word) + ".") != kind) std::abort();
      }
    }
  }
  for (Keyword kind : {Keyword::stop, Keyword::undo, Keyword::yes, Keyword::help, Keyword::error}) {
    for (const auto& [language, unused] : config.languages) {
      const std::string reply = config.reply(kind, language, "Rotterdam");
      if (reply.empty() || !core::is_valid_utf8(reply)) std::abort();
    }
    const std::string fallback = config.reply(kind, "xx", "Rotterdam");
    if (fallback.empty() || !core::is_valid_utf8(fallback)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  check_fold(text);
  check_keywords(text);
  return 0;
}
