// Operator and public routes: health, metrics, the OpenAPI document.

#include "api/errors.h"
#include "api/openapi.h"
#include "api/router.h"
#include "net/metrics.h"

namespace outreach::api {

using storage::PrincipalKind;

void add_ops_routes(Router& router) {
  router.add({"GET", "/healthz", true, {}, {}, {}, {}, false, [](Call&) {
                return json_response(R"({"status":"ok"})");
              }});
  router.add({"GET", "/metrics", false, {PrincipalKind::operator_}, {}, {}, {}, false,
              [ctx = &router.context()](Call&) {
                Response r;
                r.content_type = "text/plain; version=0.0.4; charset=utf-8";
                r.body = ctx->metrics ? ctx->metrics->render() : std::string();
                return r;
              }});
  router.add({"GET", "/openapi.json", true, {}, {}, {}, {}, false, [](Call&) {
                return json_response(std::string(openapi_document()));
              }});
}

}  // namespace outreach::api
