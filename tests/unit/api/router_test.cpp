#include <gtest/gtest.h>

#include "api/errors.h"
#include "api/router.h"

namespace outreach::api {

TEST(Router, PatternCapturesAndDecodesParams) {
  std::map<std::string, std::string> p;
  EXPECT_TRUE(match_pattern("/v1/cases/{id}/close", "/v1/cases/42/close", p));
  EXPECT_EQ(p.at("id"), "42");
  EXPECT_TRUE(match_pattern("/v1/campaigns/{key}", "/v1/campaigns/herstel%2Drijnmond", p));
  EXPECT_EQ(p.at("key"), "herstel-rijnmond");
}

TEST(Router, PatternRefusesOtherShapes) {
  std::map<std::string, std::string> p;
  EXPECT_FALSE(match_pattern("/v1/cases/{id}/close", "/v1/cases//close", p));
  EXPECT_FALSE(match_pattern("/v1/cases/{id}/close", "/v1/cases/4/close/x", p));
  EXPECT_FALSE(match_pattern("/v1/cases", "/v1/case", p));
  EXPECT_FALSE(match_pattern("/v1/cases/{id}", "/v1/cases/%zz", p));
}

TEST(Router, RequestIdsAreFreshHex) {
  std::string a = new_request_id(), b = new_request_id();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(Errors, OneFunctionMapsCodesToStatus) {
  using C = core::ErrorCode;
  EXPECT_EQ(http_status(C::invalid_input), 400);
  EXPECT_EQ(http_status(C::unauthorized), 401);
  EXPECT_EQ(http_status(C::forbidden), 403);
  EXPECT_EQ(http_status(C::not_found), 404);
  EXPECT_EQ(http_status(C::conflict), 409);
  EXPECT_EQ(http_status(C::permanent), 422);
  EXPECT_EQ(http_status(C::transient), 503);
  EXPECT_EQ(http_status(C::internal), 500);
}

TEST(Errors, StableShapeNamesTheField) {
  Response r = invalid_field("since", "expected an ISO date");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"error":{"code":"invalid_input","message":"expected an ISO date","field":"since"}})");
  Response internal = error_response(core::Error::internal("sqlite: disk I/O error at /var/db"));
  EXPECT_EQ(internal.body, R"({"error":{"code":"internal","message":"internal error","field":null}})");
  EXPECT_EQ(forbidden().body, R"({"error":{"code":"forbidden","message":"not allowed for this token","field":null}})");
}

}  // namespace outreach::api
