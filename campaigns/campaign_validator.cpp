#include "campaigns/campaign_validator.h"

#include <algorithm>

#include <kainjow/mustache.hpp>

#include "campaigns/template_renderer.h"

namespace outreach::campaigns {
namespace {

bool is_key(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
  });
}

bool is_step_id(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
  });
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string at(const std::string& f, std::size_t i) { return f + "[" + std::to_string(i) + "]"; }

class Checker {
 public:
  Checker(const Campaign& c, const ValidationContext& ctx) : c_(c), ctx_(ctx) {}
  Checker(const Checker&) = delete;
  Checker& operator=(const Checker&) = delete;

  std::vector<Finding> run() {
    header();
    audience();
    window();
    steps();
    posts();
    partials();
    templates();
    return std::move(out_);
  }

 private:
  void error(std::string field, std::string message) {
    out_.push_back(finding_at(c_, Finding::error, std::move(field), std::move(message)));
  }
  bool reported(const std::string& field, const std::string& message) const {
    return std::any_of(out_.begin(), out_.end(), [&](const Finding& f) { return f.field == field && f.message == message; });
  }
  void warning(std::string field, std::string message) {
    out_.push_back(finding_at(c_, Finding::warning, std::move(field), std::move(message)));
  }

  void header() {
    if (!is_key(c_.key)) {
      error("campaign", c_.key.empty() ? "campaign key is empty"
                                       : "campaign key '" + c_.key + "' must match [a-z0-9-]+");
    }
    if (c_.name.empty()) error("name", "name is empty");
    if (c_.sender.empty()) error("sender", "sender is empty: every message must name its sender");
    if (!is_key(c_.consent_purpose)) {
      error("consent_purpose", "consent purpose '" + c_.consent_purpose + "' must match [a-z0-9-]+");
    }
    if (!c_.asks_for.empty() && c_.asks_for != "share" && c_.asks_for != "peer-contact") {
      error("asks_for", "unknown grant '" + c_.asks_for + "' (use share or peer-contact)");
    }
  }

  void audience() {
    const Audience& a = c_.audience;
    for (std::size_t i = 0; i < a.municipalities.size(); ++i) {
      if (ctx_.municipalities.count(a.municipalities[i]) == 0) {
        error(at("audience.municipalities", i), "unknown municipality '" + a.municipalities[i] + "'");
      }
    }
    if (!a.region.empty() && ctx_.regions.count(a.region) == 0) {
      error("audience.region", "unknown region '" + a.region + "'");
    }
    for (std::size_t i = 0; i < a.languages.size(); ++i) {
      if (!is_language_code(a.languages[i])) {
        error(at("audience.languages", i), "unknown language '" + a.languages[i] + "'");
      }
    }
    if (!a.languages.empty() && !contains(a.languages, "nl")) {
      error("audience.languages", "nl is missing: it is the fallback language");
    }
    for (std::size_t i = 0; i < a.exclude.size(); ++i) {
      const auto& e = a.exclude[i];
      if (e != "responded" && e != "opted_out" && e != "do_not_contact") {
        error(at("audience.exclude", i),
              "unknown exclusion '" + e + "' (use responded, opted_out, do_not_contact)");
      }
    }
  }

  void window() {
    const SendWindow& w = c_.send_window;
    if (w.days.empty()) error("send_window.days", "no days to send on");
    int s = 0, e = 0;
    if (!parse_hours(w.hours, s, e)) {
      error("send_window.hours", "malformed hours '" + w.hours +
                                     "' (write HH:MM-HH:MM with the start before the end)");
    }
    if (w.timezone.empty()) error("send_window.timezone", "timezone is empty");
  }

  void steps() {
    if (c_.steps.empty()) error("steps", "a campaign needs at least one step");
    std::set<std::string> ids;
    for (std::size_t i = 0; i < c_.steps.size(); ++i) {
      const Step& s = c_.steps[i];
      const std::string f = at("steps", i);
      if (!is_step_id(s.id)) {
        error(f + ".id", "step id '" + s.id + "' must match [a-z0-9_-]+");
      } else if (!ids.insert(s.id).second) {
        error(f + ".id", "duplicate step id '" + s.id + "'");
      }
      if (i > 0 && s.after.count() == 0) {
        warning(f + ".after", "0d: step '" + s.id + "' goes out together with the step before it");
      }
      if (i == 0 && s.unless_responded) {
        warning(f + ".unless", "the first step cannot follow a response to this campaign");
      }
      if (s.expires_after && s.expires_after->count() == 0) {
        error(f + ".expires_after", "expires_after must be longer than 0");
      }
      if (s.channels.empty()) error(f + ".channels", "no channels");
      std::set<std::string> seen;
      for (std::size_t j = 0; j < s.channels.size(); ++j) {
        const auto& ch = s.channels[j];
        if (ctx_.channels.count(ch) == 0) {
          error(at(f + ".channels", j), "unknown channel '" + ch + "'");
        } else if (ctx_.channels.at(ch).page()) {
          error(at(f + ".channels", j), "channel '" + ch + "' is a public page: list it under posts, not in a step");
        } else if (!seen.insert(ch).second) {
          error(at(f + ".channels", j), "channel '" + ch + "' is listed twice");
        }
      }
      if (c_.templates.count(s.template_id) == 0) {
        error(f + ".template", "unknown template '" + s.template_id + "'");
      }
      whatsapp_template(s, f);
    }
  }

  // Meta's template names are lower-case letters, digits and underscores; each parameter must be a
  // variable the engine knows how to fill.
  void whatsapp_template(const Step& s, const std::string& f) {
    if (s.whatsapp_template.empty()) {
      if (!s.whatsapp_params.empty()) error(f + ".whatsapp_template.name", "params without a template name");
      return;
    }
    const bool valid_name = std::all_of(s.whatsapp_template.begin(), s.whatsapp_template.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!valid_name || s.whatsapp_template.size() > 512) {
      error(f + ".whatsapp_template.name",
            "'" + s.whatsapp_template + "' is not a WhatsApp template name (lower-case letters, digits, _)");
    }
    const auto& known = known_variables();
    for (std::size_t j = 0; j < s.whatsapp_params.size(); ++j) {
      if (std::find(known.begin(), known.end(), s.whatsapp_params[j]) == known.end()) {
        error(at(f + ".whatsapp_template.params", j), "unknown variable '" + s.whatsapp_params[j] + "'");
      }
    }
  }

  // Posts go to a public page once, for everyone: a known page channel, a known template with the
  // post's language, and nothing personal in the text, not even through a partial.
  void posts() {
    std::set<std::string> ids;
    for (std::size_t i = 0; i < c_.posts.size(); ++i) {
      const Post& p = c_.posts[i];
      const std::string f = at("posts", i);
      if (!is_step_id(p.id)) {
        error(f + ".id", "post id '" + p.id + "' must match [a-z0-9_-]+");
      } else if (!ids.insert(p.id).second) {
        error(f + ".id", "duplicate post id '" + p.id + "'");
      }
      auto ch = ctx_.channels.find(p.channel);
      if (ch == ctx_.channels.end()) {
        error(f + ".channel", "unknown channel '" + p.channel + "'");
      } else if (!ch->second.page()) {
        error(f + ".channel", "channel '" + p.channel + "' reaches people, not a page: a post needs a page channel");
      }
      auto t = c_.templates.find(p.template_id);
      if (t == c_.templates.end()) {
        error(f + ".template", "unknown template '" + p.template_id + "'");
        continue;
      }
      if (!is_language_code(p.language)) {
        error(f + ".language", "unknown language '" + p.language + "'");
        continue;
      }
      auto body = t->second.find(p.language);
      if (body == t->second.end()) {
        error(f + ".language", "template '" + p.template_id + "' has no '" + p.language + "' text");
        continue;
      }
      std::set<std::string> seen_partials;
      no_personal_data("templates." + p.template_id + "." + p.language + ".text", body->second.text, p.language,
                       f, seen_partials);
    }
  }

  void no_personal_data(const std::string& field, const std::string& text, const std::string& lang,
                        const std::string& post, std::set<std::string>& seen_partials) {
    std::vector<TemplateTag> tags;
    std::string ignored;
    if (!scan_template(text, tags, &ignored)) return;  // check_text reports the syntax
    const auto& personal = personal_variables();
    std::set<std::string> reported;
    for (const auto& t : tags) {
      if (t.kind == TemplateTag::partial) {
        auto p = c_.partials.find(t.name);
        if (p == c_.partials.end() || !seen_partials.insert(t.name).second) continue;
        auto body = p->second.count(lang) > 0 ? p->second.find(lang) : p->second.find("nl");
        if (body == p->second.end()) continue;
        no_personal_data("partials." + t.name + "." + body->first, body->second, lang, post, seen_partials);
      } else if (std::find(personal.begin(), personal.end(), t.name) != personal.end() &&
                 reported.insert(t.name).second) {
        error(field, "no personal data in a public post: uses {{" + t.name + "}} (published by " + post + ")");
      }
    }
  }

  // Mustache syntax, variables and partials of one text.
  void check_text(const std::string& field, const std::string& text) {
    if (text.empty()) return;
    std::vector<TemplateTag> tags;
    std::string why;
    if (!scan_template(text, tags, &why)) {
      error(field, "template syntax: " + why);
      return;
    }
    kainjow::mustache::mustache m{text};
    if (!m.is_valid()) {
      error(field, "template syntax: " + m.error_message());
      return;
    }
    const auto& known = known_variables();
    std::set<std::string> reported;
    for (const auto& t : tags) {
      if (t.kind == TemplateTag::partial) {
        if (c_.partials.count(t.name) == 0 && reported.insert(">" + t.name).second) {
          error(field, "unknown partial '" + t.name + "'");
        }
      } else if (t.kind != TemplateTag::comment && t.kind != TemplateTag::close && t.name != "." &&
                 std::find(known.begin(), known.end(), t.name) == known.end() &&
                 reported.insert(t.name).second) {
        error(field, "unknown variable '" + t.name + "'");
      }
      if (t.name == "reply_number" && c_.reply_number.empty() && reported.insert("#reply").second) {
        error(field, "uses {{reply_number}} but the campaign has no reply_number");
      }
    }
  }

  void check_language(const std::string& field, const std::string& lang) {
    if (!is_language_code(lang)) {
      error(field, "unknown language '" + lang + "'");
    } else if (!c_.audience.languages.empty() && !contains(c_.audience.languages, lang)) {
      error(field, "language '" + lang + "' is not in audience.languages");
    }
  }

  void partials() {
    const auto& known = known_variables();
    for (const auto& [name, texts] : c_.partials) {
      const std::string f = "partials." + name;
      if (std::find(known.begin(), known.end(), name) != known.end()) {
        error(f, "partial '" + name + "' has the name of a variable");
      }
      if (texts.count("nl") == 0) error(f, "nl is missing: it is the fallback language");
      for (const auto& [lang, text] : texts) {
        check_language(f + "." + lang, lang);
        check_text(f + "." + lang, text);
      }
    }
    // Partial cycles are found per template language, in partial_cycles().
  }

  void templates() {
    for (const auto& [id, texts] : c_.templates) {
      const std::string f = "templates." + id;
      bool used = false;
      for (const auto& s : c_.steps) used = used || s.template_id == id;
      for (const auto& p : c_.posts) used = used || p.template_id == id;
      if (!used) warning(f, "template '" + id + "' is not used by any step");
      if (texts.count("nl") == 0) error(f, "nl is missing: it is the fallback language");
      for (const auto& [lang, t] : texts) {
        const std::string lf = f + "." + lang;
        check_language(lf, lang);
        if (t.text.empty()) error(lf + ".text", "text is empty");
        check_text(lf + ".subject", t.subject);
        check_text(lf + ".text", t.text);
        check_text(lf + ".html", t.html);
      }
      if (texts.count("nl") > 0) partial_cycles(id, texts);
    }
  }

  void partial_cycles(const std::string& id,
                      const std::map<std::string, TemplateText>& texts) {
    for (const auto& [lang, t] : texts) {
      auto st = check_partials(c_, id, lang);
      if (!st && reported_cycles_.insert(st.error().where).second && !reported(st.error().where, st.error().message)) {
        error(st.error().where, st.error().message);  // a partial's syntax error is reported by check_text
      }
    }
  }

  const Campaign& c_;
  const ValidationContext& ctx_;
  std::vector<Finding> out_;
  std::set<std::string> reported_cycles_;
};

}  // namespace

bool is_language_code(std::string_view code) {
  return (code.size() == 2 || code.size() == 3) &&
         std::all_of(code.begin(), code.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; });
}

std::vector<Finding> validate(const Campaign& campaign, const ValidationContext& context) {
  return Checker(campaign, context).run();
}

}  // namespace outreach::campaigns
