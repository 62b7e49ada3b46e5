#include "campaigns/hyphenator.h"

#include <hyphen.h>

#include <cstdlib>
#include <vector>

namespace outreach::campaigns {

struct Hyphenator::Dict {
  HyphenDict* dict = nullptr;
  ~Dict() {
    if (dict != nullptr) hnj_hyphen_free(dict);
  }
};

namespace {

// UTF-8 to ISO-8859-1; false when the word has a code point above U+00FF.
bool to_latin1(std::string_view utf8, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < utf8.size();) {
    const auto b = static_cast<unsigned char>(utf8[i]);
    if (b < 0x80) {
      out += static_cast<char>(b);
      ++i;
    } else if ((b == 0xC2 || b == 0xC3) && i + 1 < utf8.size()) {
      out += static_cast<char>(((b & 0x03) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3F));
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

bool is_vowel_start(std::string_view w, std::size_t i, std::size_t& len) {
  const auto b = static_cast<unsigned char>(w[i]);
  len = 1;
  if (b < 0x80) {
    switch (b) {
      case 'a': case 'e': case 'i': case 'o': case 'u': case 'y': return true;
      default: return false;
    }
  }
  // Latin-1 accented vowels (U+00E0-U+00FF except ç, ð, ñ, ÷, ø is a vowel, þ).
  if (b == 0xC3 && i + 1 < w.size()) {
    len = 2;
    const unsigned cp = 0xC0 | (static_cast<unsigned char>(w[i + 1]) & 0x3F);
    return cp >= 0xE0 && cp != 0xE7 && cp != 0xF0 && cp != 0xF1 && cp != 0xF7 && cp != 0xFE;
  }
  len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
  return false;
}

}  // namespace

int vowel_groups(std::string_view w) {
  int groups = 0;
  bool in_vowel = false;
  for (std::size_t i = 0; i < w.size();) {
    std::size_t len = 1;
    const bool v = is_vowel_start(w, i, len);
    if (v && !in_vowel) ++groups;
    in_vowel = v;
    i += len;
  }
  return groups == 0 ? 1 : groups;
}

Hyphenator::Hyphenator(std::unique_ptr<Dict> dict) : dict_(std::move(dict)) {}
Hyphenator::Hyphenator(Hyphenator&&) noexcept = default;
Hyphenator& Hyphenator::operator=(Hyphenator&&) noexcept = default;
Hyphenator::~Hyphenator() = default;

core::Result<Hyphenator> Hyphenator::load(const std::string& path) {
  auto d = std::make_unique<Dict>();
  d->dict = hnj_hyphen_load(path.c_str());
  if (d->dict == nullptr) {
    return core::Error::not_found("cannot read hyphenation patterns " + path +
                                  " (Debian packages hyphen-nl, hyphen-en-us)");
  }
  return Hyphenator(std::move(d));
}

int Hyphenator::syllables(std::string_view folded_word) const {
  std::string word;
  if (dict_->dict->utf8 != 0) {
    word.assign(folded_word);
  } else if (!to_latin1(folded_word, word)) {
    return vowel_groups(folded_word);
  }
  if (word.empty()) return 0;
  if (word.size() > 100) return vowel_groups(folded_word);  // patterns are for words, not strings
  std::vector<char> hyphens(word.size() + 5, 0);
  char** rep = nullptr;
  int* pos = nullptr;
  int* cut = nullptr;
  hnj_hyphen_hyphenate3(dict_->dict, word.data(), static_cast<int>(word.size()), hyphens.data(), nullptr, &rep,
                        &pos, &cut, 1, 1, 1, 1);
  int points = 0;
  for (std::size_t i = 0; i + 1 < word.size(); ++i) points += (hyphens[i] & 1) != 0 ? 1 : 0;
  if (rep != nullptr) {
    for (std::size_t i = 0; i < word.size(); ++i) std::free(rep[i]);
    std::free(rep);
  }
  std::free(pos);
  std::free(cut);
  return points + 1;
}

}  // namespace outreach::campaigns
