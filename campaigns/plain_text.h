#pragma once
// The words and sentences of a rendered message, as the plain-language checks see them
// (campaigns/plain_language.h). Words are case folded: ASCII, Latin-1, Latin Extended-A and the
// Turkish dotted capital I, which covers the Latin-script languages we write in; other scripts
// (Arabic) have no case and pass unchanged. Addresses (URLs, e-mail) and bare numbers are not words.
// Pure.

#include <string>
#include <string_view>
#include <vector>

namespace outreach::campaigns {

std::string fold_case(std::string_view utf8);

// The letters of a word in code points, for "long word" checks: "één" has 3.
int letter_count(std::string_view utf8_word);

struct Sentence {
  std::vector<std::string> words;  // folded
};

// A sentence ends at '.', '!', '?', the Arabic question mark, or the end of a line (SMS and
// e-mail text often end a sentence with a line break and no stop). Sentences without words are
// dropped.
std::vector<Sentence> split_sentences(std::string_view text);

}  // namespace outreach::campaigns
