#pragma once
// Reply keywords and the confirmations sent back, per language, configured in YAML
// (config/keywords.yaml is the shipped default, built into the binary; `keywords: <file>` in
// outreach.yaml replaces it). Parsed once into a KeywordConfig; matching is a hash lookup of the
// folded message (core/text_fold.h), so case, accents, Arabic diacritics and letter variants,
// Turkish dotted/dotless i and surrounding punctuation do not matter.
//
// The file:
//   languages:
//     nl:                        # a language code as contacts carry it (nl, en, tr, ar, pl, pap)
//       stop:  [STOP, STOPPEN]   # word lists per kind: stop, start, yes, no, help, error
//       ...
//       replies:                 # the confirmation per kind: stop, start, yes, help, error
//         yes: "... gemeente {{municipality}} ..."   # {{municipality}}: the municipality's name
// Rules (each broken rule is an invalid_input error naming file, line and field):
//  1. a word is matched as the whole message, in any language: a person may answer an English
//     message in Turkish;
//  2. one folded word means one kind: "STOP" may be a stop word in nl, en and pl, but not also a
//     yes word anywhere (the error names both places);
//  3. a word must keep a letter or digit after folding;
//  4. nl is the fallback: it must have a reply for every kind that has one; another language may
//     leave replies out (nl is used for them).
// A KeywordConfig is immutable after parsing; share it freely between threads.

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"

namespace outreach::engine {

// `undo` is START; `no` is recorded as the answer and changes nothing; `error` is the person
// reporting an error in the process (services/error_reports.h).
enum class Keyword { none, stop, yes, undo, help, error, no };
// The stored keyword and the YAML key: "stop", "yes", "start", "help", "error", "no" ("" for none).
const char* to_string(Keyword k);

struct LanguageKeywords {
  std::map<Keyword, std::vector<std::string>> words;  // as written in the file
  std::map<Keyword, std::string> replies;
};

struct KeywordConfig {
  std::string source;  // the file it came from ("config/keywords.yaml (built in)")
  std::map<std::string, LanguageKeywords> languages;
  std::unordered_map<std::string, Keyword> index;  // folded word -> kind, over every language

  // The kind of a whole message; Keyword::none for anything else ("please stop calling").
  Keyword classify(std::string_view text) const;
  // The confirmation for `kind` in `language`, else in nl, else empty; {{municipality}} replaced.
  std::string reply(Keyword kind, const std::string& language, const std::string& municipality = {}) const;
};

// Parses the text of a keywords file; `file` names it in errors ("config/keywords.yaml:12:
// languages.tr.yes[1]: ...").
core::Result<KeywordConfig> parse_keywords(std::string_view yaml_text, const std::string& file);
// The shipped config/keywords.yaml, parsed once (a copy of it).
KeywordConfig default_keywords();

}  // namespace outreach::engine
