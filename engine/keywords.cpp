#include "engine/keywords.h"

#include <yaml-cpp/yaml.h>

#include <stdexcept>

#include "core/text_encoding.h"
#include "core/text_fold.h"

namespace outreach::engine {

std::string_view shipped_keywords_yaml();  // generated from config/keywords.yaml (CMakeLists.txt)

namespace {

constexpr Keyword kKinds[] = {Keyword::stop, Keyword::undo, Keyword::yes, Keyword::no, Keyword::help, Keyword::error};
// Kinds that have a confirmation; `no` is only recorded.
constexpr Keyword kReplied[] = {Keyword::stop, Keyword::undo, Keyword::yes, Keyword::help, Keyword::error};

std::string kinds_list(bool with_replies) {
  std::string out;
  for (Keyword k : kKinds) out += std::string(out.empty() ? "" : ", ") + to_string(k);
  if (with_replies) out += ", replies";
  return out;
}

bool parse_kind(const std::string& key, Keyword& out) {
  for (Keyword k : kKinds) {
    if (key == to_string(k)) {
      out = k;
      return true;
    }
  }
  return false;
}

std::string place(const std::string& file, const YAML::Node& n) {
  return file + ":" + std::to_string(n.Mark().line + 1);
}

core::Error bad(const std::string& file, const YAML::Node& n, const std::string& field, const std::string& message) {
  return core::Error::invalid(field + ": " + message, place(file, n));
}

}  // namespace

const char* to_string(Keyword k) {
  switch (k) {
    case Keyword::none: return "";
    case Keyword::stop: return "stop";
    case Keyword::yes: return "yes";
    case Keyword::undo: return "start";
    case Keyword::help: return "help";
    case Keyword::error: return "error";
    case Keyword::no: return "no";
  }
  return "";
}

Keyword KeywordConfig::classify(std::string_view text) const {
  const std::string word = core::fold_for_matching(text);
  if (word.empty()) return Keyword::none;
  auto it = index.find(word);
  return it == index.end() ? Keyword::none : it->second;
}

std::string KeywordConfig::reply(Keyword kind, const std::string& language, const std::string& municipality) const {
  auto find = [&](const std::string& lang) -> const std::string* {
    auto l = languages.find(lang);
    if (l == languages.end()) return nullptr;
    auto r = l->second.replies.find(kind);
    return r == l->second.replies.end() ? nullptr : &r->second;
  };
  const std::string* text = find(language);
  if (!text) text = find("nl");
  if (!text) return {};
  std::string out = *text;
  static constexpr std::string_view kSlot = "{{municipality}}";
  for (auto pos = out.find(kSlot); pos != std::string::npos; pos = out.find(kSlot, pos + municipality.size())) {
    out.replace(pos, kSlot.size(), municipality);
  }
  return out;
}

core::Result<KeywordConfig> parse_keywords(std::string_view yaml_text, const std::string& file) {
  // The words are matched against replies and the texts are sent: a stray byte would match nothing
  // or reach a resident.
  if (auto fault = core::check_yaml_text(yaml_text, "keywords file")) {
    return core::Error::invalid(fault->message, fault->where(file));
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::ParserException& e) {
    return core::Error::invalid(e.msg, file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1));
  }
  if (!root.IsMap() || !root["languages"] || !root["languages"].IsMap()) {
    return core::Error::invalid("languages: expected a map of language codes", file + ":1");
  }
  KeywordConfig cfg;
  cfg.source = file;
  std::unordered_map<std::string, std::string> where;  // folded word -> "languages.nl.stop[0]"
  for (const auto& lang_entry : root["languages"]) {
    const std::string lang = lang_entry.first.Scalar();
    const std::string lfield = "languages." + lang;
    if (lang.empty() || lang.size() > 8) return bad(file, lang_entry.first, lfield, "expected a language code such as nl or pap");
    const YAML::Node& block = lang_entry.second;
    if (!block.IsMap()) return bad(file, block, lfield, "expected a map of " + kinds_list(true));
    LanguageKeywords lk;
    for (const auto& kind_entry : block) {
      const std::string key = kind_entry.first.Scalar();
      const std::string field = lfield + "." + key;
      const YAML::Node& value = kind_entry.second;
      if (key == "replies") {
        if (!value.IsMap()) return bad(file, value, field, "expected a map of reply texts");
        for (const auto& r : value) {
          const std::string rkey = r.first.Scalar();
          Keyword k = Keyword::none;
          if (!parse_kind(rkey, k) || k == Keyword::no) {
            return bad(file, r.first, field + "." + rkey, "unknown reply (expected stop, start, yes, help, error)");
          }
          if (!r.second.IsScalar() || r.second.Scalar().empty()) {
            return bad(file, r.second, field + "." + rkey, "expected a reply text");
          }
          if (auto fault = core::check_yaml_value(r.second.Scalar())) return bad(file, r.second, field + "." + rkey, *fault);
          lk.replies[k] = r.second.Scalar();
        }
        continue;
      }
      Keyword kind = Keyword::none;
      if (!parse_kind(key, kind)) return bad(file, kind_entry.first, field, "unknown keyword kind (expected " + kinds_list(true) + ")");
      if (!value.IsSequence()) return bad(file, value, field, "expected a list of words");
      for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string wfield = field + "[" + std::to_string(i) + "]";
        const YAML::Node& w = value[i];
        if (!w.IsScalar()) return bad(file, w, wfield, "expected a word");
        if (auto fault = core::check_yaml_value(w.Scalar())) return bad(file, w, wfield, *fault);
        const std::string folded = core::fold_for_matching(w.Scalar());
        if (folded.empty()) return bad(file, w, wfield, "'" + w.Scalar() + "' has no letter or digit to match");
        if (auto it = cfg.index.find(folded); it != cfg.index.end() && it->second != kind) {
          return bad(file, w, wfield,
                     "'" + w.Scalar() + "' is already a " + to_string(it->second) + " word (" + where[folded] + ")");
        }
        cfg.index.emplace(folded, kind);
        where.emplace(folded, wfield);
        lk.words[kind].push_back(w.Scalar());
      }
    }
    cfg.languages.emplace(lang, std::move(lk));
  }
  auto nl = cfg.languages.find("nl");
  if (nl == cfg.languages.end()) {
    return core::Error::invalid("languages.nl: missing (nl is the fallback of every language)", file + ":1");
  }
  for (Keyword k : kReplied) {
    if (!nl->second.replies.count(k)) {
      return bad(file, root["languages"]["nl"], "languages.nl.replies." + std::string(to_string(k)),
                 "missing (nl is the fallback of every language)");
    }
  }
  return cfg;
}

KeywordConfig default_keywords() {
  static const KeywordConfig kParsed = [] {
    auto parsed = parse_keywords(shipped_keywords_yaml(), "config/keywords.yaml (built in)");
    // The shipped file is tested (tests/unit/engine/keywords_test.cpp); a broken one is a build bug.
    if (!parsed) throw std::logic_error(parsed.error().what());
    return std::move(*parsed);
  }();
  return kParsed;
}

}  // namespace outreach::engine
