#pragma once
// The web pages' request and response, and the contract for whoever adds a page.
//
// HOW A PAGE WORKS (web/page_router.h runs this for every request, before and after a handler):
//   - app/ sends every path the API does not own (/v1, /webhooks, /u/, /healthz, /metrics,
//     /openapi.json) to the PageRouter. Page handlers run on the engine's writer thread inside the
//     group commit (net/work_lanes.h): a service's own transaction is a savepoint there, and the
//     answer leaves only after the commit. Without lanes (tests, :memory:) on the calling thread.
//   - Signed-out requests to a non-public route get 303 to /sign-in?next=<path>. A route's `kinds`
//     (empty: any signed-in principal) answers 403 to the others, before the handler runs. That is
//     the only rule the router knows: scope (which person, which municipality) is the services'
//     business. Call a service with `request.actor` and show its refusal; never re-check a rule
//     here, never read a store directly for data a service guards.
//   - Every POST must carry the CSRF token (form field `_csrf`, or header X-CSRF-Token); without a
//     valid one the router answers 403 and the handler never runs. `{{csrf}}` is in every
//     template's data: <input type="hidden" name="_csrf" value="{{csrf}}">.
//   - Every answer carries the CSP (no inline script or style: put CSS in web/static/site.css and
//     behaviour in web/static/site.js; no style="" attributes, no onclick=""), nosniff,
//     Referrer-Policy no-referrer, frame-ancestors none, and Cache-Control no-store.
//
// HOW TO ADD A PAGE
//   1. Route: in your web/<audience>_pages.cpp write `void add_<audience>_pages(PageRouter&)` and
//      call it from make_page_router (web/web.cpp):
//        router.add({.method = "GET", .pattern = "/cases/{id}", .kinds = {PrincipalKind::municipality},
//                    .handler = [ctx](PageRequest& r) { return case_page(*ctx, r); }});
//      `ctx` is router.context() (WebContext: clock, config, keys). The connection is r.db.
//   2. Template: web/templates/<name>.mustache (picked up at configure time; re-run cmake after
//      adding a file). Render with render_page(r, "<name>", "<title string key>", data)
//      (web/render.h): it is wrapped in web/templates/layout.mustache (header, role-aware nav,
//      skip link, lang, flash, error summary). Mustache escapes {{x}}; {{{x}}} only for HTML we built.
//   3. Strings: every visible word comes from web/strings.cpp, one table per language (nl first,
//      en second, same keys; a test checks both tables have the same keys). In templates
//      {{t.key}}; in C++ text(r, "key").
//   4. Forms: method="post", the hidden _csrf field, a <label for> per input, related radios or
//      checkboxes in a <fieldset> with a <legend>. On bad input re-render the form with status 400
//      (or 422) and FormErrors: errors.add("field-id", text(r, "...")) puts it in the summary
//      at the top (links to #field-id) and in data as err_<field-id with '-' as '_'>, which the
//      template shows under the input (id="<field-id>-error", aria-describedby on the input).
//      After a successful POST redirect: PageResponse::see_other("/path", "flash_key") shows the
//      flash string once on the next page. Forms that record something carry an idempotency key
//      (<input type="hidden" name="_key" value="{{form_key}}">, data from new_form_key()) and the
//      service records it in the same transaction as the change (form_submissions, see
//      services::FieldVisits::record), so a double post records once and answers the same.
//      Strings with numbers: fill(text(r, "key"), {{"held", "3"}}) replaces {{held}}.
//   5. Services: services::Actor comes signed in as r.actor (via "web", the request id set). A
//      service error -> show_error(r, error) (web/render.h): 403/404 pages tell nothing about
//      whether the thing exists; invalid_input names the field.
//   6. Downloads: PageResponse::file("text/csv; charset=utf-8", "cases.csv", body).
//   7. Uploads: <form method="post" enctype="multipart/form-data">; r.files holds each file part.
//
// HOW TO WRITE A BROWSER TEST (tests/browser/README.md has the details)
//   tests/browser/test_<journey>.py, registered in tests/browser/CMakeLists.txt with
//   outreach_browser_test(<journey>); use the fixture in tests/browser/fixture.py:
//     with Site() as site:                      # fresh database, seeded, `outreach serve` on loopback
//         b = site.browser("phone")             # or "desktop"
//         site.sign_in(b, "vera")               # principals seeded: see fixture.py PRINCIPALS
//         b.get(site.url("/"))
//         site.check_page(b, "volunteer-home")  # axe (0 WCAG 2.1 A/AA violations) + screenshot
//   Find elements by label text or id, never by position. site.click_and_wait(b, element) clicks and
//   waits for the next page; site.http(...) / site.http_sign_in(name) test without a browser;
//   site.api(method, path, name, payload) calls the JSON API with name's token.

#include <any>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "channels/form_encoding.h"
#include "net/http_server.h"
#include "services/actor.h"

namespace outreach::services {
struct PendingAudit;
}

namespace outreach::storage {
class Database;
}

namespace outreach::web {

struct UploadedFile {
  std::string field;         // the form field's name
  std::string file_name;     // as the browser sent it (may be empty); never a path to open
  std::string content_type;  // as sent; do not trust it
  std::string data;
};

struct PageRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> query;   // decoded, first value wins
  std::map<std::string, std::string> params;  // from the route pattern, percent-decoded
  channels::FormFields form;                  // urlencoded or multipart text fields, in order
  std::vector<UploadedFile> files;            // multipart file parts
  std::map<std::string, std::string> cookies;
  std::optional<services::Actor> actor;       // set on every non-public route
  std::string lang = "nl";                    // the UI language: "nl" or "en"
  std::string csrf;                           // the token this request's forms must carry
  std::string request_id;
  std::string client_address;                 // "127.0.0.1" (no port)
  std::string session_token;                  // the cookie's value (sign-out only)
  storage::Database* db = nullptr;            // the connection to use (the writer's)
  std::any prepared;                          // what the route's prepare() returned (page_router.h)
  // On a reader (PageRoute::on_reader): where services put their audit records for the writer
  // (services/audit_trail.h); null on the writer. Pass it to every service the page calls.
  services::PendingAudit* pending_audit = nullptr;

  // First value of a form field, or "" when absent.
  const std::string& field(const std::string& name) const;
  // Every value of a repeated field (checkboxes), in order.
  std::vector<std::string> fields(const std::string& name) const;
  const std::string& param(const std::string& name) const { return params.at(name); }
  const std::string* query_value(const std::string& name) const;
};

struct Download {
  std::string content_type;
  std::string file_name;  // Content-Disposition: attachment; filename="..."
  std::string body;
};

struct PageResponse {
  int status = 200;
  std::string html;           // the whole page
  std::string redirect;       // when set: 303 See Other to this local path
  std::string flash;          // with a redirect: a string key shown once on the next page
  net::HttpHeaders headers;   // extra (Set-Cookie is the router's)
  std::optional<Download> download;
  // Cookies the router sets besides its own: name -> value (empty value deletes).
  std::map<std::string, std::string> set_cookies;

  static PageResponse see_other(std::string path, std::string flash_key = {});
  static PageResponse file(std::string content_type, std::string file_name, std::string body);
};

}  // namespace outreach::web
