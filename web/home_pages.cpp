// "/": the first page after signing in. Volunteers and intermediaries get their people
// (web/volunteer_pages.cpp); everyone else a landing page that links to their sections.

#include "web/render.h"
#include "web/web.h"

namespace outreach::web {

using storage::PrincipalKind;

namespace {

PageResponse home(WebContext& ctx, PageRequest& r) {
  const PrincipalKind kind = r.actor->kind;
  if (kind == PrincipalKind::volunteer || kind == PrincipalKind::intermediary) return volunteer_home(ctx, r);
  Data data{Data::type::object};
  auto section = [&](const char* href, const char* label_key, const char* intro_key) {
    Data s{Data::type::object};
    s.set("href", std::string(href));
    s.set("label", text(r, label_key));
    s.set("intro", text(r, intro_key));
    return s;
  };
  kainjow::mustache::list sections;
  switch (kind) {
    case PrincipalKind::municipality:
    case PrincipalKind::regional_hub:
    case PrincipalKind::national_fallback:
      sections.push_back(section("/cases", "nav_cases", "home_clerk"));
      break;
    case PrincipalKind::coordinator:
      sections.push_back(section("/campaigns", "nav_campaigns", "home_coordinator"));
      sections.push_back(section("/coverage", "nav_coverage", "home_coordinator"));
      break;
    case PrincipalKind::approver:
    case PrincipalKind::parent_panel:
      sections.push_back(section("/reviews", "nav_reviews", "home_approver"));
      break;
    default:
      data.set("operator", true);
      break;
  }
  data.set("sections", sections);
  return render_page(r, "home", "home_title", std::move(data));
}

}  // namespace

void add_home_pages(PageRouter& router) {
  WebContext* ctx = &router.context();
  router.add({.method = "GET", .pattern = "/", .handler = [ctx](PageRequest& r) { return home(*ctx, r); }});
}

}  // namespace outreach::web
