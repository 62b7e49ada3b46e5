// Scorecards and the safety net over HTTP: the scope the services decide, the formats the route
// gives out, and taking cases back.

#include "tests/integration/api/api_fixture.h"

namespace outreach::test {

TEST_F(ApiTest, AMunicipalityReadsItsOwnScorecardAndNoOtherOverHttp) {
  Reply own = get("/v1/scorecards?municipality=GM0599&from=2026-01-01&to=2030-01-01", "gm0599");
  ASSERT_EQ(own.status, 200) << own.body;
  json j = own.j();
  ASSERT_EQ(j["rows"].size(), 1u);
  EXPECT_EQ(j["rows"][0]["code"], "GM0599");
  EXPECT_EQ(j["small_count_threshold"], 5);
  EXPECT_TRUE(j["rows"][0]["figures"]["people_known"].is_null());  // 3 people: "<5"
  EXPECT_EQ(j["rows"][0]["suppressed"][0], "people_known");
  for (const char* other : {"municipality=GM0606", "region=rijnmond", "all=true"}) {
    Reply r = get(std::string("/v1/scorecards?") + other, "gm0599");
    EXPECT_EQ(r.status, 403) << other << ": " << r.body;
    EXPECT_EQ(r.j()["error"]["code"], "forbidden");
  }
  EXPECT_EQ(get("/v1/scorecards?region=rijnmond", "rijnmond").status, 200);
  EXPECT_EQ(get("/v1/scorecards?all=true", "rijnmond").status, 403);
  EXPECT_EQ(get("/v1/scorecards?all=true", "vol1").status, 403);
  EXPECT_EQ(get("/v1/scorecards?all=true&from=yesterday", "coord").status, 400);
  Reply csv = get("/v1/scorecards?all=true&format=csv", "national");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.headers["content-type"], "text/csv; charset=utf-8");
  EXPECT_NE(csv.body.find("\r\nmunicipality,GM0599,Rotterdam,rijnmond,"), std::string::npos);
  EXPECT_NE(csv.body.find("\r\nnational,NL,"), std::string::npos);
}

TEST_F(ApiTest, TheNationalTeamSeesRoutesAndTheMunicipalityTakesItsCasesBack) {
  Reply d = request("POST", "/v1/safety-net/municipalities/GM0606/delegate", token("coord"));
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.j()["owner_code"], "GM0599");
  Reply routes = get("/v1/safety-net/routes", "national");
  ASSERT_EQ(routes.status, 200);
  ASSERT_EQ(routes.j()["items"].size(), 1u);
  EXPECT_EQ(routes.j()["items"][0]["municipality"], "GM0606");
  EXPECT_EQ(get("/v1/safety-net/flags", "gm0599").status, 403);
  EXPECT_EQ(get("/v1/safety-net/flags", "coord").j()["items"].size(), 0u);
  // Rotterdam may not take Schiedam's cases back; the national team may.
  EXPECT_EQ(request("POST", "/v1/safety-net/municipalities/GM0606/take-back", token("gm0599")).status, 403);
  Reply back = request("POST", "/v1/safety-net/municipalities/GM0606/take-back", token("national"));
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(back.j()["route_lifted"], true);
  EXPECT_EQ(back.j()["was_routed_to"], "GM0599");
  EXPECT_EQ(request("POST", "/v1/safety-net/municipalities/GM0606/take-back", token("national")).status, 409);
}

}  // namespace outreach::test
