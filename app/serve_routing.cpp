#include "app/serve_routing.h"

#include "api/router.h"
#include "web/page_router.h"

namespace outreach::app {

bool api_owns(std::string_view path) {
  for (std::string_view exact : {"/healthz", "/metrics", "/openapi.json", "/v1"}) {
    if (path == exact) return true;
  }
  for (std::string_view prefix : {"/v1/", "/u/", "/webhooks/"}) {
    if (path.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

net::AsyncHttpHandler route_by_path(api::Router& api, web::PageRouter& pages) {
  auto to_api = api::async_http_handler(api);
  return [to_api, &pages](net::HttpRequest request, net::HttpResponder respond) {
    if (api_owns(request.path)) {
      to_api(std::move(request), std::move(respond));
    } else {
      pages.handle_async(std::move(request), std::move(respond));
    }
  };
}

}  // namespace outreach::app
