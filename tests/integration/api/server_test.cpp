// The server itself: health, keep-alive, limits, unknown routes, graceful stop, OpenAPI coverage.

#include <set>

#include "api/openapi.h"
#include "tests/integration/api/api_fixture.h"

namespace outreach::test {

TEST_F(ApiTest, HealthzNeedsNoTokenAndCarriesRequestId) {
  Reply r = get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.j()["status"], "ok");
  EXPECT_EQ(r.headers["x-request-id"].size(), 32u);
}

TEST_F(ApiTest, KeepAliveReusesTheConnection) {
  Reply first = get("/healthz");
  Reply second = get("/healthz");
  EXPECT_EQ(first.connects, 1);
  EXPECT_EQ(second.connects, 0);
  EXPECT_NE(first.headers["x-request-id"], second.headers["x-request-id"]);
}

TEST_F(ApiTest, OversizedBodyIs413) {
  std::string big(2 * 1024 * 1024, 'x');
  Reply r = request("POST", "/v1/contact-logs", token("vol1"), big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.j()["error"]["code"], "payload_too_large");
  EXPECT_EQ(count("contact_logs"), 0);
}

TEST_F(ApiTest, OversizedHeaderIs431) {
  Reply r = request("GET", "/healthz", {}, {}, {"X-Big: " + std::string(20000, 'a')});
  EXPECT_EQ(r.status, 431);
}

TEST_F(ApiTest, UnknownPathIs404AndWrongMethodIs405) {
  EXPECT_EQ(get("/nope").status, 404);
  Reply r = request("PUT", "/healthz");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "GET");
  EXPECT_EQ(r.j()["error"]["code"], "method_not_allowed");
}

TEST_F(ApiTest, StopRefusesNewConnections) {
  EXPECT_EQ(get("/healthz").status, 200);
  server_->stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  curl_easy_cleanup(curl_);
  curl_ = curl_easy_init();
  EXPECT_EQ(get("/healthz").status, 0);  // connection refused
}

TEST_F(ApiTest, OpenApiDescribesExactlyTheRoutesOfTheRouter) {
  Reply r = get("/openapi.json");
  ASSERT_EQ(r.status, 200);
  json doc = r.j();
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  std::set<std::string> documented, routed;
  for (auto& [path, ops] : doc["paths"].items()) {
    for (auto& [method, op] : ops.items()) {
      std::string m = method;
      for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(m + " " + path);
    }
  }
  for (const auto& route : router_->routes()) {
    std::string name = route.method + " " + route.pattern;
    routed.insert(name);
    // The documented kinds are the scope table.
    std::string m = route.method;
    for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const json& op = doc["paths"][route.pattern][m];
    if (route.is_public) {
      EXPECT_TRUE(op.contains("security") && op["security"].empty()) << name;
    } else {
      std::set<std::string> kinds;
      for (auto k : route.kinds) kinds.insert(storage::to_string(k));
      std::set<std::string> doc_kinds;
      for (auto& k : op["x-principal-kinds"]) doc_kinds.insert(k.get<std::string>());
      EXPECT_EQ(kinds, doc_kinds) << name;
    }
  }
  EXPECT_EQ(documented, routed);
}

TEST_F(ApiTest, MetricsForOperatorOnly) {
  get("/healthz");
  Reply r = get("/metrics", "ops");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("outreach_http_requests_total"), std::string::npos);
  EXPECT_EQ(get("/metrics", "coord").status, 403);
  EXPECT_EQ(get("/metrics").status, 401);
}

class ShortTimeoutTest : public ApiTest {
 protected:
  net::HttpServerOptions options() override {
    net::HttpServerOptions o;
    o.read_timeout = std::chrono::milliseconds(200);
    return o;
  }
};

TEST_F(ShortTimeoutTest, IdleKeepAliveConnectionIsClosedAfterTheReadTimeout) {
  EXPECT_EQ(get("/healthz").connects, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  Reply again = get("/healthz");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.connects, 1);  // the server closed the idle one; curl had to reconnect
}

}  // namespace outreach::test
