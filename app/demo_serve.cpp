// `outreach demo --serve`: after the demo, the same database keeps being served (real clock, the
// sandbox channels of the configuration), with a principal for every role and a one-time sign-in
// link for each, so a newcomer can click through the pages without setting a password or a second
// factor. The links work once each; running the command again makes a fresh database and links.
#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "app/app_context.h"
#include "app/commands.h"
#include "services/sign_in.h"
#include "storage/principal_store.h"
#include "storage/server_secret.h"

namespace outreach::app {

namespace {

struct DemoRole {
  const char* name;
  storage::PrincipalKind kind;
  const char* scope;
  const char* what;
};

// The demo's coordinator, approver and Rotterdam team exist already (app/demo.cpp); these three
// make every page reachable.
const std::vector<DemoRole> kExtraRoles = {
    {"vera.vrijwilliger", storage::PrincipalKind::volunteer, "GM0599", "peer volunteer in Rotterdam"},
    {"rijnmond.hub", storage::PrincipalKind::regional_hub, "rijnmond", "regional hub Rijnmond"},
};

}  // namespace

int cmd_demo_serve(AppContext& ctx, ServeOptions options, std::ostream& out) {
  ctx.clock = std::make_unique<core::SystemClock>();  // the demo ran on a manual clock
  const auto now = ctx.clock->now();
  storage::PrincipalStore principals(*ctx.db);
  for (const auto& r : kExtraRoles) {
    if (!principals.find(r.name)) principals.add(r.name, r.kind, r.scope, now).take();
  }
  const std::string fallback = ctx.config.engine.national_fallback;
  if (!principals.find(fallback + ".team")) {
    principals.add(fallback + ".team", storage::PrincipalKind::national_fallback, "", now).take();
  }
  // Links and cookies must point at where this server listens, not at the configured public URL.
  ctx.config.engine.public_base_url = "http://" + options.listen;
  options.demo_links = true;

  services::SignInRules rules;
  rules.demo_links_for_every_kind = true;
  rules.link_ttl = std::chrono::hours(8);
  services::SignIn sign_in(*ctx.db, *ctx.clock, ctx.secret->derive("totp"), rules);
  const std::vector<std::pair<std::string, std::string>> links = {
      {"amira.coordinator", "coordinator: campaigns, funnel, preview, import, coverage"},
      {"joost.privacy-officer", "approver: changes and rendered texts, approve or reject"},
      {"rotterdam.wijkteam", "municipality Rotterdam: its cases, the response list as CSV and XLSX"},
      {"rijnmond.hub", "regional hub Rijnmond: cases escalated to the hub"},
      {fallback + ".team", "national fallback: cases escalated past the hub"},
      {"vera.vrijwilliger", "peer volunteer: ask for people, log a contact with consent"},
  };
  out << "\n== 11. The pages (sandbox): sign in as each role, each link works once within "
      << std::chrono::duration_cast<std::chrono::hours>(rules.link_ttl).count() << " hours\n";
  for (const auto& [name, what] : links) {
    const auto token = sign_in.issue_link(ctx.local_operator(), name).take();
    out << "  " << what << "\n    " << ctx.config.engine.public_base_url << "/sign-in/link/" << token << "\n";
  }
  out << "Serving " << ctx.db_path << " on http://" << options.listen << " until Ctrl-C.\n";
  out.flush();
  return cmd_serve(ctx, options, out);
}

}  // namespace outreach::app
