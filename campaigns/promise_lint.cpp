// The promise half of plain_language.h: deadlines shorter than the case SLA, words of certainty.
#include <regex>

#include "campaigns/plain_language.h"
#include "campaigns/plain_text.h"
#include "campaigns/sample_messages.h"

namespace outreach::campaigns {
namespace {

enum class Unit { working_day, day, week, hour };

// How one language writes a deadline: the pattern's group 1 is the number, group 2 the unit.
struct DeadlineGrammar {
  std::regex pattern;
  std::map<std::string, int> numbers;  // number words
  Unit (*unit)(const std::string& word);
};

Unit nl_unit(const std::string& w) {
  if (w.rfind("werkdag", 0) == 0) return Unit::working_day;
  if (w.rfind("dag", 0) == 0) return Unit::day;
  if (w.rfind("we", 0) == 0) return Unit::week;
  return Unit::hour;
}
Unit en_unit(const std::string& w) {
  if (w.rfind("working", 0) == 0 || w.rfind("business", 0) == 0) return Unit::working_day;
  if (w.rfind("day", 0) == 0) return Unit::day;
  if (w.rfind("week", 0) == 0) return Unit::week;
  return Unit::hour;
}
Unit tr_unit(const std::string& w) {
  if (w.rfind("iş", 0) == 0) return Unit::working_day;
  if (w.rfind("gün", 0) == 0) return Unit::day;
  if (w.rfind("hafta", 0) == 0) return Unit::week;
  return Unit::hour;
}
Unit pl_unit(const std::string& w) {
  if (w.find("robocz") != std::string::npos) return Unit::working_day;
  if (w.rfind("dni", 0) == 0 || w.rfind("dzie", 0) == 0) return Unit::day;
  if (w.rfind("tydz", 0) == 0 || w.rfind("tygod", 0) == 0) return Unit::week;
  return Unit::hour;
}

const std::map<std::string, DeadlineGrammar>& grammars() {
  static const std::map<std::string, DeadlineGrammar> g = [] {
    std::map<std::string, DeadlineGrammar> m;
    m.emplace("nl", DeadlineGrammar{
        std::regex(R"((?:binnen|in|na) +(\d+|een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|veertien) +)"
                   R"((werkdagen|werkdag|dagen|dag|weken|week|uur|uren)(?![a-z]))"),
        {{"een", 1}, {"één", 1}, {"twee", 2}, {"drie", 3}, {"vier", 4}, {"vijf", 5}, {"zes", 6},
         {"zeven", 7}, {"acht", 8}, {"negen", 9}, {"tien", 10}, {"veertien", 14}},
        nl_unit});
    m.emplace("en", DeadlineGrammar{
        std::regex(R"((?:within|in) +(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|fourteen) +)"
                   R"((working +days?|business +days?|days?|weeks?|hours?)(?![a-z]))"),
        {{"a", 1}, {"an", 1}, {"one", 1}, {"two", 2}, {"three", 3}, {"four", 4}, {"five", 5}, {"six", 6},
         {"seven", 7}, {"eight", 8}, {"nine", 9}, {"ten", 10}, {"fourteen", 14}},
        en_unit});
    m.emplace("tr", DeadlineGrammar{
        std::regex(R"((\d+|bir|iki|üç|dört|beş|altı|yedi|on) +(iş +günü|gün|hafta|saat) +içinde)"),
        {{"bir", 1}, {"iki", 2}, {"üç", 3}, {"dört", 4}, {"beş", 5}, {"altı", 6}, {"yedi", 7}, {"on", 10}},
        tr_unit});
    m.emplace("pl", DeadlineGrammar{
        std::regex(R"(w +ciągu +(\d+|jednego|dwóch|trzech|czterech|pięciu|siedmiu|dziesięciu) +)"
                   R"((dni +roboczych|dnia +roboczego|dni|dnia|tygodni|tygodnia|godzin|godziny))"),
        {{"jednego", 1}, {"dwóch", 2}, {"trzech", 3}, {"czterech", 4}, {"pięciu", 5}, {"siedmiu", 7},
         {"dziesięciu", 10}},
        pl_unit});
    return m;
  }();
  return g;
}

// The longest `working_days` can take in calendar days: a case opened on a Friday evening waits
// a weekend for every five working days.
double worst_calendar_days(int working_days) { return working_days + 2.0 * ((working_days + 4) / 5); }

std::string strip_tags(const std::string& html) {
  static const std::regex tag("<[^>]*>");
  return std::regex_replace(html, tag, " ");
}

// The rendered text of one (template, language), folded, one entry per field.
struct Field {
  std::string name;
  std::string text;
};

std::vector<Field> rendered_fields(const SampleMessages& samples, const std::string& id, const std::string& lang) {
  const auto& r = samples.at(id, lang);
  if (!r) return {};  // lint() reports templates that do not render
  const std::string f = "templates." + id + "." + lang;
  std::vector<Field> fields;
  if (!r->subject.empty()) fields.push_back({f + ".subject", fold_case(r->subject)});
  fields.push_back({f + ".text", fold_case(r->text)});
  if (!r->html.empty()) fields.push_back({f + ".html", fold_case(strip_tags(r->html))});
  return fields;
}

void check_deadlines(const Campaign& c, const Field& field, const DeadlineGrammar& g, int sla,
                     std::vector<Finding>& out) {
  for (std::sregex_iterator it(field.text.begin(), field.text.end(), g.pattern), end; it != end; ++it) {
    const std::string number = (*it)[1].str();
    int n = 0;
    if (auto w = g.numbers.find(number); w != g.numbers.end()) {
      n = w->second;
    } else {
      n = number.size() > 6 ? 1000000 : std::stoi(number);
    }
    const Unit unit = g.unit((*it)[2].str());
    bool too_short = false;
    switch (unit) {
      case Unit::working_day: too_short = n < sla; break;
      case Unit::day: too_short = n < worst_calendar_days(sla); break;
      case Unit::week: too_short = 7.0 * n < worst_calendar_days(sla); break;
      case Unit::hour: too_short = n / 24.0 < worst_calendar_days(sla); break;
    }
    if (too_short) {
      out.push_back(finding_at(c, Finding::error, field.name,
                               "promises \"" + it->str() + "\", sooner than the process guarantees: a municipality has " +
                                   std::to_string(sla) + " working days (up to " +
                                   std::to_string(static_cast<int>(worst_calendar_days(sla))) +
                                   " calendar days) to acknowledge a case; promise no shorter deadline"));
    }
  }
}

void check_certainty(const Campaign& c, const Field& field, const std::vector<std::string>& words,
                     std::vector<Finding>& out) {
  // Words joined by single spaces, so a phrase ("her zaman") matches on word boundaries.
  std::string joined = " ";
  for (const auto& s : split_sentences(field.text)) {
    for (const auto& w : s.words) joined += w + " ";
  }
  for (const auto& word : words) {
    if (word.empty()) continue;
    if (joined.find(" " + word + " ") == std::string::npos) continue;
    out.push_back(finding_at(c, Finding::warning, field.name,
                             "\"" + word + "\" is a word of certainty: promise only what the process can guarantee"));
  }
}

}  // namespace

PlainLanguageRules PlainLanguageRules::defaults() {
  PlainLanguageRules r;
  r.certainty_words = {
      {"nl", {"garanderen", "garanderen wij", "garandeer", "garandeert", "gegarandeerd", "garantie", "altijd",
              "zeker", "beloven", "beloof", "belooft", "beloofd"}},
      {"en", {"guarantee", "guarantees", "guaranteed", "always", "certainly", "definitely", "surely", "promise",
              "promises", "promised"}},
      {"tr", {"garanti", "garanti ediyoruz", "garantiliyoruz", "kesinlikle", "her zaman", "söz veriyoruz"}},
      {"pl", {"gwarantujemy", "gwarancja", "gwarantowane", "zawsze", "na pewno", "obiecujemy"}},
      {"pap", {"garantisá", "garantia", "semper", "sigur"}},
      {"ar", {"نضمن", "مضمون", "دائما", "دائماً", "بالتأكيد", "نعدكم"}},
  };
  r.hyphenation = {{"nl", "/usr/share/hyphen/hyph_nl_NL.dic"}, {"en", "/usr/share/hyphen/hyph_en_US.dic"}};
  return r;
}

std::vector<Finding> promise_findings(const Campaign& c, const SampleMessages& samples,
                                      const PlainLanguageRules& rules) {
  std::vector<Finding> out;
  for (const auto& [id, texts] : c.templates) {
    for (const auto& entry : texts) {
      const std::string& lang = entry.first;
      const auto grammar = grammars().find(lang);
      const auto words = rules.certainty_words.find(lang);
      for (const Field& field : rendered_fields(samples, id, lang)) {
        if (grammar != grammars().end()) check_deadlines(c, field, grammar->second, rules.sla_working_days, out);
        if (words != rules.certainty_words.end()) check_certainty(c, field, words->second, out);
      }
    }
  }
  return out;
}

}  // namespace outreach::campaigns
