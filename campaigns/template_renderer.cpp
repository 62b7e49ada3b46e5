#include "campaigns/template_renderer.h"

#include <kainjow/mustache.hpp>

#include <set>

namespace outreach::campaigns {
namespace {

namespace mstch = kainjow::mustache;

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

const std::string* partial_text(const Campaign& c, const std::string& name, const std::string& lang) {
  auto p = c.partials.find(name);
  if (p == c.partials.end()) return nullptr;
  if (auto t = p->second.find(lang); t != p->second.end()) return &t->second;
  if (auto t = p->second.find("nl"); t != p->second.end()) return &t->second;
  return nullptr;
}

// Partials reachable from `text` in `lang`; false (with the partial named) on a cycle.
bool check_partials(const Campaign& c, const std::string& text, const std::string& lang,
                    std::vector<std::string>& stack, std::string& cyclic) {
  std::vector<TemplateTag> tags;
  std::string ignored;
  scan_template(text, tags, &ignored);
  for (const auto& t : tags) {
    if (t.kind != TemplateTag::partial) continue;
    for (const auto& s : stack) {
      if (s == t.name) {
        cyclic = t.name;
        return false;
      }
    }
    const std::string* p = partial_text(c, t.name, lang);
    if (p == nullptr) continue;
    stack.push_back(t.name);
    if (!check_partials(c, *p, lang, stack, cyclic)) return false;
    stack.pop_back();
  }
  return true;
}

core::Result<std::string> render_one(const std::string& text, const mstch::data& data, bool escape,
                                     const std::string& field) {
  mstch::mustache tmpl{text};
  if (!tmpl.is_valid()) return core::Error::invalid("template syntax: " + tmpl.error_message(), field);
  if (!escape) tmpl.set_custom_escape([](const std::string& s) { return s; });
  return tmpl.render(data);
}

}  // namespace

const std::vector<std::string>& known_variables() {
  static const std::vector<std::string> kVars = {
      "name",          "first_name",    "sender",            "reply_number", "municipality_name",
      "unsubscribe_url", "campaign_name", "intermediary_name", "people_count"};
  return kVars;
}

const std::vector<std::string>& personal_variables() {
  static const std::vector<std::string> kPersonal = {"name",           "first_name",        "municipality_name",
                                                     "unsubscribe_url", "intermediary_name", "people_count"};
  return kPersonal;
}

core::Result<RenderedMessage> render_post(const Campaign& campaign, const Post& post) {
  return render(campaign, post.template_id, post.language, {});
}

RenderVars sample_vars(const Campaign& c) {
  return {
      {"name", "Samira de Vries"},
      {"first_name", "Samira"},
      {"sender", c.sender},
      {"reply_number", c.reply_number},
      {"municipality_name", "Rotterdam"},
      {"unsubscribe_url", "https://example.org/afmelden/Ab3dE9"},
      {"campaign_name", c.name},
      {"intermediary_name", "Stichting Voorbeeld"},
      {"people_count", "12"},
  };
}

std::string language_for(const Campaign& c, const std::string& template_id,
                         const std::string& preferred) {
  auto t = c.templates.find(template_id);
  if (t != c.templates.end() && t->second.count(preferred) > 0) return preferred;
  return "nl";
}

core::Result<RenderedMessage> render(const Campaign& c, const std::string& template_id,
                                     const std::string& language, const RenderVars& vars) {
  auto t = c.templates.find(template_id);
  if (t == c.templates.end()) {
    return core::Error::not_found("unknown template '" + template_id + "'", "templates");
  }
  const std::string lang = t->second.count(language) > 0 ? language : "nl";
  auto body = t->second.find(lang);
  if (body == t->second.end()) {
    return core::Error::not_found("template has no nl text", "templates." + template_id);
  }
  const std::string field = "templates." + template_id + "." + lang;

  std::vector<std::string> stack;
  std::string cyclic;
  for (const std::string* part : {&body->second.subject, &body->second.text, &body->second.html}) {
    if (!check_partials(c, *part, lang, stack, cyclic)) {
      return core::Error::invalid("partial '" + cyclic + "' includes itself", "partials." + cyclic);
    }
  }

  mstch::data data{mstch::data::type::object};
  data.set("sender", c.sender);
  data.set("reply_number", c.reply_number);
  data.set("campaign_name", c.name);
  for (const auto& [k, v] : vars) data.set(k, v);
  for (const auto& [name, texts] : c.partials) {
    if (const std::string* p = partial_text(c, name, lang)) {
      const std::string copy = *p;
      data.set(name, mstch::partial{[copy]() { return copy; }});
    }
  }

  RenderedMessage out;
  out.language_used = lang;
  auto subject = render_one(body->second.subject, data, false, field + ".subject");
  if (!subject) return subject.error();
  auto text = render_one(body->second.text, data, false, field + ".text");
  if (!text) return text.error();
  auto html = render_one(body->second.html, data, true, field + ".html");
  if (!html) return html.error();
  out.subject = std::move(*subject);
  out.text = std::move(*text);
  out.html = std::move(*html);
  return out;
}

bool scan_template(std::string_view text, std::vector<TemplateTag>& tags, std::string* error) {
  std::vector<std::string> open;
  std::size_t pos = 0;
  auto fail = [&](std::string why) {
    if (error) *error = std::move(why);
    return false;
  };
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    const bool triple = pos + 2 < text.size() && text[pos + 2] == '{';
    const std::string_view close = triple ? "}}}" : "}}";
    const std::size_t start = pos + (triple ? 3 : 2);
    const std::size_t end = text.find(close, start);
    if (end == std::string_view::npos) return fail("unclosed tag '" + std::string(text.substr(pos, 20)) + "'");
    std::string inner = trim(text.substr(start, end - start));
    const std::string whole(text.substr(pos, end + close.size() - pos));
    pos = end + close.size();
    TemplateTag tag;
    if (!triple && !inner.empty()) {
      switch (inner[0]) {
        case '#': tag.kind = TemplateTag::section; break;
        case '^': tag.kind = TemplateTag::inverted; break;
        case '/': tag.kind = TemplateTag::close; break;
        case '>': tag.kind = TemplateTag::partial; break;
        case '!': tag.kind = TemplateTag::comment; break;
        case '&': tag.kind = TemplateTag::variable; break;
        case '=': return fail("delimiter changes are not supported");
        default: tag.kind = TemplateTag::variable; inner = " " + inner; break;
      }
      inner = trim(std::string_view(inner).substr(1));
    }
    if (inner.empty() && tag.kind != TemplateTag::comment) return fail("empty tag");
    if (tag.kind != TemplateTag::comment && inner.find_first_of("{}") != std::string::npos) {
      return fail("malformed tag '" + whole + "'");
    }
    tag.name = tag.kind == TemplateTag::comment ? std::string() : inner;
    if (tag.kind == TemplateTag::section || tag.kind == TemplateTag::inverted) open.push_back(tag.name);
    if (tag.kind == TemplateTag::close) {
      if (open.empty() || open.back() != tag.name) return fail("unexpected {{/" + tag.name + "}}");
      open.pop_back();
    }
    tags.push_back(std::move(tag));
  }
  if (!open.empty()) return fail("section '" + open.back() + "' is not closed");
  return true;
}

}  // namespace outreach::campaigns
