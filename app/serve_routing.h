#pragma once
// One Beast server, two clients of the services: the paths the API owns (/v1/..., /u/...,
// /healthz, /metrics, /openapi.json) go to the API router, everything else to the web pages.
// The composition root is the only place that knows both (api/ and web/ never include each other).

#include <string_view>

#include "net/http_server.h"

namespace outreach::api {
class Router;
}
namespace outreach::web {
class PageRouter;
}

namespace outreach::app {

bool api_owns(std::string_view path);

// Both routers must outlive the handler.
net::AsyncHttpHandler route_by_path(api::Router& api, web::PageRouter& pages);

}  // namespace outreach::app
