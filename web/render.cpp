#include "web/render.h"

#include <sodium.h>

#include "channels/form_encoding.h"
#include "web/assets.h"
#include "web/page_router.h"
#include "web/strings.h"

namespace outreach::web {

namespace mstch = kainjow::mustache;
using storage::PrincipalKind;

namespace {

struct NavItem {
  const char* href;
  const char* key;
};

// What each role's menu offers. The pages behind these links belong to their audience's file.
std::vector<NavItem> nav_for(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::volunteer:
    case PrincipalKind::intermediary:
      return {{"/", "nav_my_people"}, {"/people/request", "nav_request"}, {"/logs", "nav_my_logs"}};
    case PrincipalKind::municipality:
    case PrincipalKind::regional_hub:
    case PrincipalKind::national_fallback:
      return {{"/", "nav_home"}, {"/cases", "nav_cases"}};
    case PrincipalKind::coordinator:
      return {{"/", "nav_home"}, {"/campaigns", "nav_campaigns"}, {"/coverage", "nav_coverage"}};
    case PrincipalKind::approver:
    case PrincipalKind::parent_panel:
      return {{"/", "nav_home"}, {"/reviews", "nav_reviews"}};
    case PrincipalKind::operator_:
      return {{"/", "nav_home"}};
  }
  return {};
}

mstch::data strings_data(std::string_view lang) {
  mstch::data t{mstch::data::type::object};
  for (const auto& [key, value] : strings(lang)) t.set(key, value);
  return t;
}

std::string error_key_for(const std::string& field_id) {
  std::string key = "err_" + field_id;
  for (char& c : key) {
    if (c == '-') c = '_';
  }
  return key;
}

void add_common(const PageRequest& r, mstch::data& data) {
  data.set("t", strings_data(r.lang));
  data.set("csrf", r.csrf);
  data.set("lang", r.lang);
}

}  // namespace

const std::string& text(const PageRequest& r, std::string_view key) { return web::text(r.lang, key); }

std::string render_template(std::string_view name, const Data& data) {
  const std::string file = "templates/" + std::string(name) + ".mustache";
  auto source = asset(file);
  if (!source) throw core::ErrorException(core::Error::internal("no template " + file));
  mstch::mustache tmpl{std::string(*source)};
  if (!tmpl.is_valid()) throw core::ErrorException(core::Error::internal(file + ": " + tmpl.error_message()));
  return tmpl.render(data);
}

PageResponse render_page(const PageRequest& r, std::string_view template_name, std::string_view title_key, Data data,
                         const FormErrors& errors, int status) {
  add_common(r, data);
  mstch::list error_list;
  for (const auto& [field, message] : errors.items()) {
    error_list.push_back(mstch::object{{"field", field}, {"message", message}});
    data.set(error_key_for(field), message);
  }
  const std::string body = render_template(template_name, data);

  mstch::data layout{mstch::data::type::object};
  add_common(r, layout);
  layout.set("title", std::string(web::text(r.lang, title_key)));
  layout.set("body", body);
  if (!error_list.empty()) {
    layout.set("has_errors", true);
    layout.set("errors", error_list);
  }
  if (auto it = r.cookies.find(kFlashCookie); it != r.cookies.end() && !it->second.empty()) {
    // Only keys of the strings table are shown: a forged cookie cannot put text on the page.
    if (strings(r.lang).count(it->second)) layout.set("flash", std::string(web::text(r.lang, it->second)));
  }
  // The switch comes back to this page (a GET: what a POST rendered may not be fetched again).
  std::string here = r.method == "GET" ? r.path : std::string("/");
  if (r.method == "GET" && !r.query.empty()) {
    char sep = '?';
    for (const auto& [k, v] : r.query) {
      here += sep + channels::form_escape(k) + "=" + channels::form_escape(v);
      sep = '&';
    }
  }
  layout.set("lang_next", channels::form_escape(here));
  for (const auto& lang : ui_languages()) {
    if (lang != r.lang) {
      layout.set("other_lang", lang);
      layout.set("other_lang_name", std::string(web::text(lang, "language_" + lang)));
    }
  }
  if (r.actor) {
    layout.set("user", r.actor->name);
    mstch::list nav;
    for (const auto& item : nav_for(r.actor->kind)) {
      mstch::object o{{"href", std::string(item.href)}, {"label", std::string(web::text(r.lang, item.key))}};
      if (r.path == item.href) o.emplace("current", mstch::data{true});
      nav.push_back(std::move(o));
    }
    layout.set("nav", nav);
  }
  PageResponse out;
  out.status = status;
  out.html = render_template("layout", layout);
  return out;
}

PageResponse error_page(const PageRequest& r, int status, std::string_view message_key) {
  std::string key = message_key.empty() ? "error_" + std::to_string(status) : std::string(message_key);
  if (!strings(r.lang).count(key)) key = "error_500";
  mstch::data data{mstch::data::type::object};
  data.set("message", std::string(web::text(r.lang, key)));
  data.set("signed_in", r.actor.has_value());
  return render_page(r, "error", "error_title", std::move(data), {}, status);
}

PageResponse show_error(const PageRequest& r, const core::Error& e) {
  switch (e.code) {
    case core::ErrorCode::forbidden:
      return error_page(r, 403);
    case core::ErrorCode::not_found:
      return error_page(r, 404);
    case core::ErrorCode::conflict:
      return error_page(r, 409);
    case core::ErrorCode::transient:
      return error_page(r, 503);
    case core::ErrorCode::unauthorized:
      return PageResponse::see_other("/sign-in");
    case core::ErrorCode::invalid_input:
    case core::ErrorCode::permanent: {
      mstch::data data{mstch::data::type::object};
      data.set("message", e.what());
      data.set("signed_in", r.actor.has_value());
      return render_page(r, "error", "error_title", std::move(data), {}, e.code == core::ErrorCode::permanent ? 422 : 400);
    }
    case core::ErrorCode::internal:
      break;
  }
  return error_page(r, 500);
}

std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [name, value] : values) {
    const std::string mark = "{{" + name + "}}";
    for (auto at = text.find(mark); at != std::string::npos; at = text.find(mark, at + value.size())) {
      text.replace(at, mark.size(), value);
    }
  }
  return text;
}

std::string new_form_key() {
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(16, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

}  // namespace outreach::web
