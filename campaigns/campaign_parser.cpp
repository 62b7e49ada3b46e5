#include "campaigns/campaign_parser.h"

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <set>

#include "core/text_encoding.h"

namespace outreach::campaigns {
namespace {

std::string join(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}
std::string index(const std::string& parent, std::size_t i) {
  return parent + "[" + std::to_string(i) + "]";
}

// Walks the YAML tree into a Campaign, recording the place of every field it reads and a finding
// for every problem. Borrows the campaign and findings it fills; lives for one parse.
class Reader {
 public:
  Reader(Campaign& c, std::vector<Finding>& out) : c_(c), out_(out) {}
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  void error(const YAML::Node& at, const std::string& field, std::string message) {
    const YAML::Mark m = at.Mark();
    const bool known = m.line >= 0;
    out_.push_back(Finding{Finding::error, c_.file, known ? m.line + 1 : 0,
                           known ? m.column + 1 : 0, field, std::move(message)});
  }

  // Scalars are placed at their value; mappings and lists at their key when they have one
  // (recorded first by the mapping that holds them), so place_once() keeps that.
  void place(const std::string& field, const YAML::Node& n) {
    const YAML::Mark m = n.Mark();
    if (m.line >= 0) c_.locations[field] = Location{m.line + 1, m.column + 1};
  }
  void place_once(const std::string& field, const YAML::Node& n) {
    if (c_.locations.count(field) == 0) place(field, n);
  }

  // Checks `n` is a mapping whose keys are all in `allowed` and unique, and that every key in
  // `required` is present. Returns false when `n` is not a mapping.
  bool mapping(const YAML::Node& n, const std::string& field,
               std::initializer_list<const char*> allowed,
               std::initializer_list<const char*> required = {}) {
    if (!n.IsMap()) {
      error(n, field, "expected a mapping" + found(n));
      return false;
    }
    place_once(field, n);
    std::set<std::string> seen;
    for (const auto& kv : n) {
      if (!kv.first.IsScalar()) {
        error(kv.first, field, "keys must be plain words");
        continue;
      }
      const std::string key = kv.first.Scalar();
      place_once(join(field, key), kv.first);
      bool ok = false;
      for (const char* a : allowed) ok = ok || key == a;
      if (!ok) {
        error(kv.first, join(field, key), "unknown key '" + key + "'");
      } else if (!seen.insert(key).second) {
        error(kv.first, join(field, key), "duplicate key '" + key + "'");
      }
    }
    for (const char* r : required) {
      if (!n[r]) error(n, join(field, r), "missing required key");
    }
    return true;
  }

  // The keys of a mapping whose keys are free (ids, languages), each once, in file order.
  std::vector<std::pair<std::string, YAML::Node>> entries(const YAML::Node& n,
                                                          const std::string& field) {
    std::vector<std::pair<std::string, YAML::Node>> result;
    if (!n.IsMap()) {
      error(n, field, "expected a mapping" + found(n));
      return result;
    }
    place_once(field, n);
    std::set<std::string> seen;
    for (const auto& kv : n) {
      if (!kv.first.IsScalar()) {
        error(kv.first, field, "keys must be plain words");
        continue;
      }
      const std::string key = kv.first.Scalar();
      if (core::check_yaml_value(key)) {  // named by its parent: the key is not echoed into the finding
        refuse_unusable_text(kv.first, field, key);
        continue;
      }
      place_once(join(field, key), kv.first);
      if (!seen.insert(key).second) {
        error(kv.first, join(field, key), "duplicate key '" + key + "'");
        continue;
      }
      result.emplace_back(key, kv.second);
    }
    return result;
  }

  std::optional<std::string> scalar(const YAML::Node& n, const std::string& field) {
    if (!n) return std::nullopt;
    if (!n.IsScalar()) {
      error(n, field, "expected a text value" + found(n));
      return std::nullopt;
    }
    place(field, n);
    refuse_unusable_text(n, field, n.Scalar());
    return n.Scalar();
  }

  // A quoted value can carry, by an escape, what the file's own bytes may not (core::check_yaml_text):
  // refused with its field, since every text may end up in a message.
  void refuse_unusable_text(const YAML::Node& n, const std::string& field, const std::string& value) {
    if (auto fault = core::check_yaml_value(value)) error(n, field, *fault);
  }

  void text(const YAML::Node& map, const char* key, const std::string& parent, std::string& out) {
    if (auto v = scalar(map[key], join(parent, key))) out = *v;
  }

  std::vector<std::string> list(const YAML::Node& n, const std::string& field) {
    std::vector<std::string> result;
    if (!n) return result;
    if (!n.IsSequence()) {
      error(n, field, "expected a list" + found(n));
      return result;
    }
    place_once(field, n);
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (auto v = scalar(n[i], index(field, i))) result.push_back(*v);
    }
    return result;
  }

  std::optional<core::Millis> duration(const YAML::Node& n, const std::string& field) {
    auto v = scalar(n, field);
    if (!v) return std::nullopt;
    auto d = parse_duration(*v);
    if (!d) error(n, field, "malformed duration '" + *v + "' (write e.g. 30m, 12h or 4d)");
    return d;
  }

 private:
  static std::string found(const YAML::Node& n) {
    if (!n || n.IsNull()) return ", found nothing";
    if (n.IsScalar()) return core::check_yaml_value(n.Scalar()) ? ", found a text" : ", found '" + n.Scalar() + "'";
    if (n.IsSequence()) return ", found a list";
    return ", found a mapping";
  }

  Campaign& c_;
  std::vector<Finding>& out_;
};

void read_audience(Reader& r, const YAML::Node& n, Audience& a) {
  const std::string f = "audience";
  if (!r.mapping(n, f, {"municipalities", "region", "languages", "tags", "exclude"})) return;
  a.municipalities = r.list(n["municipalities"], f + ".municipalities");
  r.text(n, "region", f, a.region);
  a.languages = r.list(n["languages"], f + ".languages");
  a.tags = r.list(n["tags"], f + ".tags");
  a.exclude = r.list(n["exclude"], f + ".exclude");
}

void read_send_window(Reader& r, const YAML::Node& n, SendWindow& w) {
  const std::string f = "send_window";
  if (!r.mapping(n, f, {"days", "hours", "timezone"})) return;
  if (n["days"]) {
    w.days.clear();
    const auto days = r.list(n["days"], f + ".days");
    for (std::size_t i = 0; i < days.size(); ++i) {
      if (auto d = parse_weekday(days[i])) {
        w.days.push_back(*d);
      } else {
        r.error(n["days"][i], index(f + ".days", i),
                "unknown day '" + days[i] + "' (use mon, tue, wed, thu, fri, sat, sun)");
      }
    }
  }
  if (auto h = r.scalar(n["hours"], f + ".hours")) {
    w.hours = *h;
    if (!parse_hours(*h, w.start_minute, w.end_minute)) {
      r.error(n["hours"], f + ".hours",
              "malformed hours '" + *h + "' (write HH:MM-HH:MM with the start before the end)");
    }
  }
  r.text(n, "timezone", f, w.timezone);
}

void read_steps(Reader& r, const YAML::Node& n, std::vector<Step>& steps) {
  if (!n.IsSequence()) {
    r.error(n, "steps", "expected a list of steps");
    return;
  }
  r.place_once("steps", n);
  for (std::size_t i = 0; i < n.size(); ++i) {
    const YAML::Node s = n[i];
    const std::string f = index("steps", i);
    Step step;
    if (r.mapping(s, f, {"id", "after", "unless", "channels", "template", "expires_after", "whatsapp_template"},
                  {"id", "channels", "template"})) {
      r.text(s, "id", f, step.id);
      if (auto d = r.duration(s["after"], f + ".after")) step.after = *d;
      if (auto u = r.scalar(s["unless"], f + ".unless")) {
        if (*u == "responded") {
          step.unless_responded = true;
        } else {
          r.error(s["unless"], f + ".unless", "unknown condition '" + *u + "' (only 'responded')");
        }
      }
      step.channels = r.list(s["channels"], f + ".channels");
      r.text(s, "template", f, step.template_id);
      if (s["expires_after"]) step.expires_after = r.duration(s["expires_after"], f + ".expires_after");
      // whatsapp_template: {name: herstel_eerste_contact, params: [name, municipality_name]}
      const YAML::Node wt = s["whatsapp_template"];
      const std::string wf = f + ".whatsapp_template";
      if (wt && r.mapping(wt, wf, {"name", "params"}, {"name"})) {
        r.text(wt, "name", wf, step.whatsapp_template);
        if (wt["params"]) step.whatsapp_params = r.list(wt["params"], wf + ".params");
      }
    }
    steps.push_back(std::move(step));
  }
}

void read_posts(Reader& r, const YAML::Node& n, std::vector<Post>& posts) {
  if (!n.IsSequence()) {
    r.error(n, "posts", "expected a list of posts");
    return;
  }
  r.place_once("posts", n);
  for (std::size_t i = 0; i < n.size(); ++i) {
    const YAML::Node p = n[i];
    const std::string f = index("posts", i);
    Post post;
    if (r.mapping(p, f, {"id", "after", "channel", "template", "language"}, {"id", "channel", "template"})) {
      r.text(p, "id", f, post.id);
      if (auto d = r.duration(p["after"], f + ".after")) post.after = *d;
      r.text(p, "channel", f, post.channel);
      r.text(p, "template", f, post.template_id);
      r.text(p, "language", f, post.language);
    }
    posts.push_back(std::move(post));
  }
}

void read_partials(Reader& r, const YAML::Node& n, Campaign& c) {
  for (const auto& [name, langs] : r.entries(n, "partials")) {
    const std::string f = "partials." + name;
    auto& texts = c.partials[name];
    for (const auto& [lang, text] : r.entries(langs, f)) {
      if (auto v = r.scalar(text, f + "." + lang)) texts[lang] = *v;
    }
  }
}

void read_templates(Reader& r, const YAML::Node& n, Campaign& c) {
  for (const auto& [id, langs] : r.entries(n, "templates")) {
    const std::string f = "templates." + id;
    auto& texts = c.templates[id];
    for (const auto& [lang, body] : r.entries(langs, f)) {
      const std::string lf = f + "." + lang;
      TemplateText t;
      if (body.IsScalar()) {  // "nl: text" is short for "nl: {text: text}"
        r.place(lf, body);
        r.place(lf + ".text", body);
        r.refuse_unusable_text(body, lf + ".text", body.Scalar());
        t.text = body.Scalar();
      } else if (r.mapping(body, lf, {"subject", "text", "html"}, {"text"})) {
        r.text(body, "subject", lf, t.subject);
        r.text(body, "text", lf, t.text);
        r.text(body, "html", lf, t.html);
      }
      texts[lang] = std::move(t);
    }
  }
}

void read_campaign(Reader& r, const YAML::Node& root, Campaign& c) {
  r.mapping(root, "",
            {"campaign", "name", "sender", "reply_number", "consent_purpose", "asks_for", "review_by_parent_panel",
             "audience", "send_window", "steps", "posts", "partials", "templates", "talking_points"},
            {"campaign", "name", "sender", "consent_purpose", "audience", "steps", "templates"});
  r.text(root, "campaign", "", c.key);
  r.text(root, "name", "", c.name);
  r.text(root, "sender", "", c.sender);
  r.text(root, "reply_number", "", c.reply_number);
  r.text(root, "consent_purpose", "", c.consent_purpose);
  r.text(root, "asks_for", "", c.asks_for);
  if (auto v = r.scalar(root["review_by_parent_panel"], "review_by_parent_panel")) {
    if (*v == "true") c.review_by_parent_panel = true;
    else if (*v != "false") r.error(root["review_by_parent_panel"], "review_by_parent_panel", "expected true or false, got '" + *v + "'");
  }
  if (root["audience"]) read_audience(r, root["audience"], c.audience);
  if (root["send_window"]) read_send_window(r, root["send_window"], c.send_window);
  if (root["steps"]) read_steps(r, root["steps"], c.steps);
  if (root["posts"]) read_posts(r, root["posts"], c.posts);
  if (root["partials"]) read_partials(r, root["partials"], c);
  if (root["templates"]) read_templates(r, root["templates"], c);
  if (root["talking_points"]) {
    for (const auto& [lang, text] : r.entries(root["talking_points"], "talking_points")) {
      if (auto v = r.scalar(text, "talking_points." + lang)) c.talking_points[lang] = *v;
    }
  }
}

Finding at_mark(const std::string& file, const YAML::Mark& m, std::string message) {
  const bool known = m.line >= 0;
  return Finding{Finding::error, file, known ? m.line + 1 : 0, known ? m.column + 1 : 0, "",
                 std::move(message)};
}

}  // namespace

ParseOutcome parse_campaign(std::string_view yaml_text, const std::string& file_name) {
  ParseOutcome out;
  // Campaign files are UTF-8 without control characters: a stray byte would end up in every
  // message sent.
  if (auto fault = core::check_yaml_text(yaml_text, "campaign file")) {
    out.findings.push_back(Finding{Finding::error, file_name, fault->line, fault->column, "", std::move(fault->message)});
    return out;
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    out.findings.push_back(at_mark(file_name, e.mark, "YAML syntax: " + e.msg));
    return out;
  }
  if (!root.IsMap()) {
    out.findings.push_back(Finding{Finding::error, file_name, 1, 1, "",
                                   "expected a campaign mapping (campaign: ..., steps: ...)"});
    return out;
  }
  Campaign c;
  c.file = file_name;
  try {
    const YAML::Node& const_root = root;  // const access never inserts keys
    Reader reader(c, out.findings);
    read_campaign(reader, const_root, c);
  } catch (const YAML::Exception& e) {
    out.findings.push_back(at_mark(file_name, e.mark, e.msg));
  }
  out.campaign = std::move(c);
  return out;
}

}  // namespace outreach::campaigns
