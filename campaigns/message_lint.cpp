#include "campaigns/message_lint.h"

#include <kainjow/mustache.hpp>

#include <map>
#include <set>

#include "campaigns/sample_messages.h"
#include "campaigns/template_renderer.h"

namespace outreach::campaigns {
namespace {

// How the steps use one template: which direct channels send it.
struct Usage {
  std::set<std::string> direct;  // channel names
  bool email = false;
  bool sms = false;
};

std::string join(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

bool contains(const std::string& hay, const std::string& needle) {
  return !needle.empty() && hay.find(needle) != std::string::npos;
}

}  // namespace

std::vector<Finding> lint(const Campaign& c, const ChannelKinds& channels, const SampleMessages& samples) {
  std::map<std::string, Usage> usage;
  for (const auto& s : c.steps) {
    for (const auto& ch : s.channels) {
      auto k = channels.find(ch);
      if (k == channels.end() || !k->second.direct()) continue;
      Usage& u = usage[s.template_id];
      u.direct.insert(ch);
      u.email = u.email || k->second.scheme == core::UrnScheme::mailto;
      u.sms = u.sms || k->second.scheme == core::UrnScheme::tel;
    }
  }

  std::vector<Finding> out;
  const RenderVars& vars = samples.vars();
  for (const auto& [id, u] : usage) {
    auto t = c.templates.find(id);
    if (t == c.templates.end()) continue;  // validate() reports unknown templates
    const std::string sent_by = " (sent by " + join(u.direct) + ")";
    for (const auto& [lang, body] : t->second) {
      const std::string f = "templates." + id + "." + lang;
      const auto& r = samples.at(id, lang);
      if (!r) {
        out.push_back(finding_at(c, Finding::error, r.error().where, r.error().message));
        continue;
      }
      // The opt-out as this language renders it: the optout partial, if the campaign has one.
      std::string optout;
      if (c.partials.count("optout") > 0) {
        kainjow::mustache::mustache m{"{{> optout}}"};
        m.set_custom_escape([](const std::string& s) { return s; });
        kainjow::mustache::data d{kainjow::mustache::data::type::object};
        for (const auto& [k, v] : vars) d.set(k, v);
        const auto& texts = c.partials.at("optout");
        auto p = texts.count(lang) > 0 ? texts.find(lang) : texts.find("nl");
        if (p != texts.end()) {
          const std::string text = p->second;
          d.set("optout", kainjow::mustache::partial{[text]() { return text; }});
          optout = m.render(d);
        }
      }
      auto check = [&](const std::string& field, const std::string& msg, const std::string& sender) {
        if (!contains(msg, sender)) {
          out.push_back(finding_at(c, Finding::error, field,
                                   "does not name the sender '" + c.sender + "'" + sent_by));
        }
        const bool has_optout = contains(msg, optout) || contains(msg, "STOP") ||
                                contains(msg, vars.at("unsubscribe_url"));
        if (!has_optout) {
          out.push_back(finding_at(c, Finding::error, field,
                                   "has no opt-out (the optout partial, STOP or {{unsubscribe_url}})" +
                                       sent_by));
        }
      };
      check(f + ".text", r->text, c.sender);
      if (!body.html.empty()) check(f + ".html", r->html, kainjow::mustache::html_escape(c.sender));
      if (u.email && r->subject.empty()) {
        out.push_back(finding_at(c, Finding::error, f + ".subject", "e-mail needs a subject"));
      }
      if (u.sms) {
        const SmsInfo sms = count_sms(r->text);
        if (sms.segments > kMaxSmsSegments) {
          out.push_back(finding_at(c, Finding::warning, f + ".text",
                                   "needs " + std::to_string(sms.segments) + " SMS parts (" +
                                       to_string(sms.encoding) + ", " + std::to_string(sms.units) +
                                       " units)"));
        }
      }
    }
  }
  // A post speaks for the campaign in public: readers should see who invites them to get in touch.
  for (std::size_t i = 0; i < c.posts.size(); ++i) {
    auto r = render_post(c, c.posts[i]);
    if (!r) continue;  // validate() reports unknown templates and languages
    if (!contains(r->text, c.sender)) {
      out.push_back(finding_at(c, Finding::warning, "posts[" + std::to_string(i) + "].template",
                               "the post does not name the sender '" + c.sender + "'"));
    }
  }
  return out;
}

std::vector<SmsReport> sms_report(const Campaign& c, const SampleMessages& samples) {
  std::vector<SmsReport> out;
  for (const auto& [id, texts] : c.templates) {
    // A template only page posts use is never an SMS: its cost would only mislead.
    bool by_step = false, by_post = false;
    for (const auto& st : c.steps) by_step = by_step || st.template_id == id;
    for (const auto& p : c.posts) by_post = by_post || p.template_id == id;
    if (by_post && !by_step) continue;
    for (const auto& [lang, body] : texts) {
      const auto& r = samples.at(id, lang);
      if (!r) continue;
      out.push_back(SmsReport{id, lang, count_sms(r->text)});
    }
  }
  return out;
}

}  // namespace outreach::campaigns
