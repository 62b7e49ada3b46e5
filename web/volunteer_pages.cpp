// The volunteer's pages (mobile first): my people. More in phase 2.

#include "engine/engine_config.h"
#include "services/assignments.h"
#include "web/render.h"
#include "web/web.h"

namespace outreach::web {

namespace {

services::Assignments assignments_for(WebContext& ctx, PageRequest& r) {
  return services::Assignments(*r.db, *ctx.clock, *ctx.config,
                               {.cap = ctx.config->assignment_cap, .ttl = ctx.config->assignment_ttl});
}

}  // namespace

PageResponse volunteer_home(WebContext& ctx, PageRequest& r) {
  auto held = assignments_for(ctx, r).held(*r.actor);
  if (!held) return show_error(r, held.error());
  kainjow::mustache::list people;
  for (const auto& p : held->people) {
    Data d{Data::type::object};
    d.set("id", std::to_string(p.contact_id));
    d.set("name", p.name);
    d.set("language", p.language);
    d.set("municipality", p.municipality);
    people.push_back(d);
  }
  Data data{Data::type::object};
  data.set("people", people);
  data.set("none", people.empty());
  return render_page(r, "volunteer_home", "nav_my_people", std::move(data));
}

void add_volunteer_pages(PageRouter& router) { (void)router; }

}  // namespace outreach::web
