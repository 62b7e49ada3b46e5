#include "campaigns/template_renderer.h"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "campaigns/plain_template.h"
#include "core/text.h"

namespace outreach::campaigns {
namespace {

namespace mstch = kainjow::mustache;

std::string trim(std::string_view s) { return core::trimmed(s); }

const std::string* partial_text(const Campaign& c, const std::string& name, const std::string& lang) {
  auto p = c.partials.find(name);
  if (p == c.partials.end()) return nullptr;
  if (auto t = p->second.find(lang); t != p->second.end()) return &t->second;
  if (auto t = p->second.find("nl"); t != p->second.end()) return &t->second;
  return nullptr;
}

// Walks the partials reachable from a text in one language and adds up how large the text becomes
// once they are expanded (variables not counted). Memoised per partial, so a chain in which each
// partial includes the previous one twice costs one visit per partial, not 2^n.
class PartialExpansion {
 public:
  PartialExpansion(const Campaign& c, const std::string& lang) : c_(c), lang_(lang) {}

  // The expanded size of `text`, or the error (cycle, depth or size) without a field.
  core::Result<std::size_t> size_of(const std::string& text) {
    std::vector<TemplateTag> tags;
    std::string why;
    // A text the scanner cannot read may still hold partial tags past the point where it stopped,
    // which Mustache would expand (a cycle there would recurse until the stack overflows).
    if (!scan_template(text, tags, &why)) {
      return core::Error::invalid("template syntax: " + why, stack_.empty() ? "" : "partials." + stack_.back() + "." + lang_used(stack_.back()));
    }
    std::size_t size = text.size();
    for (const auto& t : tags) {
      if (t.kind != TemplateTag::partial) continue;
      const std::string* p = partial_text(c_, t.name, lang_);
      if (p == nullptr) continue;
      if (std::find(stack_.begin(), stack_.end(), t.name) != stack_.end()) {
        return core::Error::invalid("partial '" + t.name + "' includes itself", "partials." + t.name);
      }
      auto known = memo_.find(t.name);
      if (known == memo_.end()) {
        if (stack_.size() >= kMaxPartialDepth) return depth_error(t.name);
        stack_.push_back(t.name);
        auto child = size_of(*p);
        stack_.pop_back();
        if (!child) return child.error();
        known = memo_.emplace(t.name, Expansion{*child, height_of(*p)}).first;
      }
      if (stack_.size() + 1 + known->second.height > kMaxPartialDepth) return depth_error(t.name);
      size += known->second.size;
      if (size > kMaxExpandedSize) {
        return core::Error::invalid("expands to more than " + std::to_string(kMaxExpandedSize) +
                                    " bytes through its partials");
      }
    }
    return size;
  }

 private:
  struct Expansion {
    std::size_t size = 0;
    std::size_t height = 0;  // levels of partials below this one
  };

  // Requires: every partial `text` includes is in memo_ (size_of ran on it).
  std::size_t height_of(const std::string& text) const {
    std::vector<TemplateTag> tags;
    std::string ignored;
    scan_template(text, tags, &ignored);
    std::size_t h = 0;
    for (const auto& t : tags) {
      if (t.kind != TemplateTag::partial) continue;
      if (auto m = memo_.find(t.name); m != memo_.end()) h = std::max(h, m->second.height + 1);
    }
    return h;
  }

  // The language of partial `name` that expansion reads: lang_, else nl.
  std::string lang_used(const std::string& name) const {
    auto p = c_.partials.find(name);
    return p != c_.partials.end() && p->second.count(lang_) > 0 ? lang_ : "nl";
  }

  core::Error depth_error(const std::string& name) const {
    std::string chain;
    for (const auto& s : stack_) chain += s + " > ";
    return core::Error::invalid("partials nest deeper than " + std::to_string(kMaxPartialDepth) + " levels (" +
                                chain + name + (stack_.size() < kMaxPartialDepth ? " > ..." : "") + ")");
  }

  const Campaign& c_;
  const std::string& lang_;
  std::map<std::string, Expansion> memo_;
  std::vector<std::string> stack_;
};

}  // namespace

core::Status check_partials(const Campaign& c, const std::string& template_id, const std::string& language) {
  auto t = c.templates.find(template_id);
  if (t == c.templates.end()) return {};
  auto body = t->second.find(language);
  if (body == t->second.end()) return {};
  const std::string field = "templates." + template_id + "." + language;
  PartialExpansion expansion(c, language);
  for (auto [part, name] : {std::pair{&body->second.subject, "subject"}, std::pair{&body->second.text, "text"},
                            std::pair{&body->second.html, "html"}}) {
    auto size = expansion.size_of(*part);
    if (!size && size.error().where.empty()) return core::Error::invalid(size.error().message, field + "." + name);
    if (!size) return size.error();
  }
  return {};
}

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

namespace {

// `text` with every partial tag ({{> name}}) replaced by the partial's text in `lang` (else nl),
// itself expanded the same way, or nothing for an unknown partial; `names` gets every partial
// name met. Mustache renders a partial by parsing its text on each render and rendering it in
// the same context and line as the tag, so for texts without delimiter changes (check_partials
// refuses them) and partials that parse on their own (it checks their sections balance) the
// expanded text renders the same, without the parse per message: unless a person variable has
// a partial's name (then Mustache renders that variable as the partial; render() checks).
// nullopt for anything this does not read the way Mustache does (a partial tag with an unusual
// name, an unclosed tag, partials nested past kMaxPartialDepth): the template then keeps its
// partial tags.
std::optional<std::string> expand_partials(const Campaign& c, const std::string& lang, std::string_view text,
                                           std::set<std::string>& names, std::size_t depth = 0) {
  if (depth > kMaxPartialDepth) return std::nullopt;
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (true) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string_view::npos) break;
    const bool triple = open + 2 < text.size() && text[open + 2] == '{';
    const std::size_t close = text.find(triple ? "}}}" : "}}", open + 2);
    if (close == std::string_view::npos) return std::nullopt;
    const std::size_t end = close + (triple ? 3 : 2);
    std::size_t i = open + 2;
    while (i < close && text[i] == ' ') ++i;
    if (triple || i == close || text[i] != '>') {
      out.append(text.substr(at, end - at));
      at = end;
      continue;
    }
    ++i;
    while (i < close && text[i] == ' ') ++i;
    const std::size_t name_start = i;
    while (i < close && is_variable_name_char(text[i])) ++i;
    const std::string name(text.substr(name_start, i - name_start));
    while (i < close && text[i] == ' ') ++i;
    if (name.empty() || i != close) return std::nullopt;
    out.append(text.substr(at, open - at));
    names.insert(name);
    if (const std::string* p = partial_text(c, name, lang)) {
      auto inner = expand_partials(c, lang, *p, names, depth + 1);
      if (!inner) return std::nullopt;
      out += *inner;
    }
    at = end;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace

struct PreparedTemplate::Impl {
  Impl(const std::string& s, const std::string& t, const std::string& h) : subject(s), text(t), html(h) {}
  std::string language_used;
  mstch::mustache subject, text, html;
  mstch::data campaign_data{mstch::data::type::object};  // the campaign's variables and partials
  // The texts with their partials expanded (expand_partials), when all three could be; and the
  // names of the partials they expanded.
  std::unique_ptr<mstch::mustache> expanded_subject, expanded_text, expanded_html;
  std::set<std::string> expanded_names;
  // The expanded texts as PlainTemplates, when all three are plain and render as Mustache does.
  RenderVars campaign_vars;
  std::optional<PlainTemplate> plain_subject, plain_text, plain_html;

  void prepare_plain(const Campaign& c, const std::string& subject, const std::string& text, const std::string& html);
};

// Sets plain_* when the expanded texts hold only plain variables, none named like a partial,
// and render exactly as their Mustache templates do: once with every name they use (and every
// known variable) set to text Mustache would escape or could misread, once with none set.
void PreparedTemplate::Impl::prepare_plain(const Campaign& c, const std::string& subject, const std::string& text,
                                           const std::string& html) {
  auto s = PlainTemplate::parse(subject, false);
  auto t = PlainTemplate::parse(text, false);
  auto h = PlainTemplate::parse(html, true);
  if (!s || !t || !h) return;
  RenderVars probe;
  for (const auto& name : known_variables()) probe[name] = "<b class=\"x\">&amp; 'é' {{name}} </b>";
  for (const auto* p : {&*s, &*t, &*h}) {
    for (const auto& name : p->names()) {
      if (c.partials.count(name) > 0) return;
      probe[name] = "<i>" + name + " & 'ü' {{{" + name + "}}}</i>";
    }
  }
  const RenderVars none;
  for (const RenderVars* vars : {static_cast<const RenderVars*>(&probe), &none}) {
    const RenderVars& person = *vars;
    mstch::data data{mstch::data::type::object};
    for (const auto& [k, v] : person) data.set(k, v);
    mstch::context<std::string> ctx(&campaign_data);
    ctx.push(&data);
    if (s->render(person, campaign_vars) != expanded_subject->render(ctx) ||
        t->render(person, campaign_vars) != expanded_text->render(ctx) ||
        h->render(person, campaign_vars) != expanded_html->render(ctx)) {
      return;
    }
  }
  plain_subject = std::move(s);
  plain_text = std::move(t);
  plain_html = std::move(h);
}

PreparedTemplate::PreparedTemplate(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PreparedTemplate::~PreparedTemplate() = default;

core::Result<std::unique_ptr<PreparedTemplate>> PreparedTemplate::prepare(const Campaign& c, const std::string& template_id,
                                                                          const std::string& language) {
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

  // Mustache's own syntax errors first (they name the place), then what check_partials refuses.
  auto impl = std::make_unique<Impl>(body->second.subject, body->second.text, body->second.html);
  for (auto [tmpl, name] : {std::pair{&impl->subject, ".subject"}, std::pair{&impl->text, ".text"},
                            std::pair{&impl->html, ".html"}}) {
    if (!tmpl->is_valid()) return core::Error::invalid("template syntax: " + tmpl->error_message(), field + name);
  }
  if (auto st = check_partials(c, template_id, lang); !st) return st.error();

  impl->language_used = lang;
  auto plain = [](const std::string& s) { return s; };
  impl->subject.set_custom_escape(plain);
  impl->text.set_custom_escape(plain);
  std::set<std::string> names;
  auto subject = expand_partials(c, lang, body->second.subject, names);
  auto text = expand_partials(c, lang, body->second.text, names);
  auto html = expand_partials(c, lang, body->second.html, names);
  if (subject && text && html) {
    auto s = std::make_unique<mstch::mustache>(*subject);
    auto t = std::make_unique<mstch::mustache>(*text);
    auto h = std::make_unique<mstch::mustache>(*html);
    if (s->is_valid() && t->is_valid() && h->is_valid()) {
      s->set_custom_escape(plain);
      t->set_custom_escape(plain);
      impl->expanded_subject = std::move(s);
      impl->expanded_text = std::move(t);
      impl->expanded_html = std::move(h);
      impl->expanded_names = std::move(names);
    }
  }
  impl->campaign_vars = {{"sender", c.sender}, {"reply_number", c.reply_number}, {"campaign_name", c.name}};
  mstch::data& data = impl->campaign_data;
  for (const auto& [name, value] : impl->campaign_vars) data.set(name, value);
  for (const auto& [name, texts] : c.partials) {
    if (const std::string* p = partial_text(c, name, lang)) {
      const std::string copy = *p;
      data.set(name, mstch::partial{[copy]() { return copy; }});
    }
  }
  if (impl->expanded_text) impl->prepare_plain(c, *subject, *text, *html);
  return std::unique_ptr<PreparedTemplate>(new PreparedTemplate(std::move(impl)));
}

RenderedMessage PreparedTemplate::render(const RenderVars& vars) {
  RenderedMessage out;
  out.language_used = impl_->language_used;
  bool expanded = impl_->expanded_text != nullptr;
  for (const auto& name : impl_->expanded_names) {
    if (vars.count(name) > 0) expanded = false;  // Mustache would render this variable as the partial
  }
  // The person's variables over the campaign's: a var named like a campaign variable wins.
  if (expanded && impl_->plain_text) {
    out.subject = impl_->plain_subject->render(vars, impl_->campaign_vars);
    out.text = impl_->plain_text->render(vars, impl_->campaign_vars);
    out.html = impl_->plain_html->render(vars, impl_->campaign_vars);
    return out;
  }
  mstch::data person{mstch::data::type::object};
  for (const auto& [k, v] : vars) person.set(k, v);
  mstch::context<std::string> ctx(&impl_->campaign_data);
  ctx.push(&person);
  if (expanded) {
    out.subject = impl_->expanded_subject->render(ctx);
    out.text = impl_->expanded_text->render(ctx);
    out.html = impl_->expanded_html->render(ctx);
    return out;
  }
  out.subject = impl_->subject.render(ctx);
  out.text = impl_->text.render(ctx);
  out.html = impl_->html.render(ctx);
  return out;
}

core::Result<RenderedMessage> PreparedTemplates::render(const std::string& template_id, const std::string& language,
                                                        const RenderVars& vars) {
  auto key = std::make_pair(template_id, language);
  auto it = prepared_.find(key);
  if (it == prepared_.end()) it = prepared_.emplace(key, PreparedTemplate::prepare(campaign_, template_id, language)).first;
  if (!it->second) return it->second.error();
  return (*it->second)->render(vars);
}

core::Result<RenderedMessage> render(const Campaign& c, const std::string& template_id,
                                     const std::string& language, const RenderVars& vars) {
  auto prepared = PreparedTemplate::prepare(c, template_id, language);
  if (!prepared) return prepared.error();
  return (*prepared)->render(vars);
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
    // Mustache reads a tag starting with '=' as a delimiter change even in triple braces ({{{=..=}}}).
    if (triple && !inner.empty() && inner[0] == '=') return fail("delimiter changes are not supported");
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
