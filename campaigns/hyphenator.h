#pragma once
// Syllables from a language's hyphenation patterns (libhyphen with Debian's hyphen-nl and
// hyphen-en-us), for readability scores such as Flesch-Douma. A pattern file is loaded once and
// is read-only afterwards, so one Hyphenator may serve many checks.

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace outreach::campaigns {

class Hyphenator {
 public:
  // Reads a libhyphen .dic file ("/usr/share/hyphen/hyph_nl_NL.dic"); its first line names the
  // charset (UTF-8 or ISO8859-1).
  static core::Result<Hyphenator> load(const std::string& path);

  Hyphenator(Hyphenator&&) noexcept;
  Hyphenator& operator=(Hyphenator&&) noexcept;
  ~Hyphenator();

  // Syllables in one folded word (hyphenation points + 1, every point allowed, even one letter
  // from the word's edge). A word the pattern file's charset cannot hold counts its vowel groups.
  int syllables(std::string_view folded_word) const;

 private:
  struct Dict;
  explicit Hyphenator(std::unique_ptr<Dict> dict);
  std::unique_ptr<Dict> dict_;
};

// Vowel groups (a, e, i, o, u, y and their accented forms): the fallback syllable count.
int vowel_groups(std::string_view folded_word);

}  // namespace outreach::campaigns
