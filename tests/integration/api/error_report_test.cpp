// Error reports over HTTP: who may report about whom, the coordinators' queue, resolving, and the
// answers a client sees (status and error field).

#include "tests/integration/api/api_fixture.h"

namespace outreach::test {

TEST_F(ApiTest, ErrorReportsReportListAndResolveWithScope) {
  Reply opened = post("/v1/error-reports", "gm0599",
                      {{"contact_id", alice_}, {"kind", "wrong_letter"}, {"description", "Brief over verkeerde periode"}});
  ASSERT_EQ(opened.status, 201) << opened.body;
  const auto id = opened.j()["id"].get<std::int64_t>();

  Reply outside = post("/v1/error-reports", "gm0363", {{"contact_id", alice_}, {"kind", "wrong_person"}});
  EXPECT_EQ(outside.status, 403) << outside.body << " (a refusal says nothing more)";
  EXPECT_EQ(post("/v1/error-reports", "approver", {{"contact_id", alice_}}).status, 403);
  Reply bad = post("/v1/error-reports", "coord", {{"contact_id", alice_}, {"kind", "typo"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.j()["error"]["field"], "kind");

  EXPECT_EQ(get("/v1/error-reports", "gm0599").status, 403) << "the queue is the coordinators'";
  Reply queue = get("/v1/error-reports?status=open", "coord");
  ASSERT_EQ(queue.status, 200) << queue.body;
  const json listed = queue.j();
  ASSERT_EQ(listed["error_reports"].size(), 1u);
  const json& r = listed["error_reports"][0];
  EXPECT_EQ(r["id"], id);
  EXPECT_EQ(r["contact_id"], alice_);
  EXPECT_EQ(r["reporter"], "gm0599");
  EXPECT_EQ(r["municipality"], "GM0599");
  EXPECT_EQ(r["overdue"], false);
  clock_.advance(std::chrono::hours(49));
  EXPECT_EQ(get("/v1/error-reports?overdue=true", "coord").j()["error_reports"].size(), 1u);

  Reply resolved = post("/v1/error-reports/" + std::to_string(id) + "/resolve", "coord", {{"resolution", "Brief gecorrigeerd"}});
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_EQ(resolved.j()["status"], "resolved");
  EXPECT_EQ(resolved.j()["resolved_by"], "coord");
  EXPECT_EQ(post("/v1/error-reports/" + std::to_string(id) + "/resolve", "coord", {{"resolution", "again"}}).status, 409);
  EXPECT_EQ(get("/v1/error-reports?status=open", "coord").j()["error_reports"].size(), 0u);
}

}  // namespace outreach::test
