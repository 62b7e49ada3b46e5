// Listening back through the API: a case's follow-up and its handler, scoped and audited, and the
// parent panel's review that a campaign may require before approval.
#include <fstream>
#include <sstream>

#include "storage/followup_store.h"
#include "tests/integration/api/api_fixture.h"

namespace outreach::test {

TEST_F(ApiTest, AClosedCaseHasOneFollowupTheMunicipalityAndItsHubCanRead) {
  std::int64_t id = open_case(alice_, "GM0599");
  const std::string path = "/v1/cases/" + std::to_string(id);
  ASSERT_EQ(post(path + "/acknowledge", "gm0599", json::object()).status, 200);
  ASSERT_EQ(post(path + "/close", "gm0599", {{"outcome", "helped"}}).status, 200);

  Reply mine = get(path + "/followups", "gm0599");
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(mine.j()["items"].size(), 1u);
  EXPECT_EQ(mine.j()["items"][0]["reason"], "closed");
  EXPECT_EQ(mine.j()["items"][0]["status"], "pending");
  EXPECT_EQ(mine.j()["items"][0]["due_at"], core::format_utc(clock_.now() + config_.followup.after_close));
  EXPECT_EQ(get(path + "/followups", "rijnmond").j()["items"].size(), 1u) << "the region's hub";
  EXPECT_EQ(get(path + "/followups", "gm0363").status, 403);
  EXPECT_EQ(get("/v1/cases/999/followups", "gm0363").status, 403) << "not found and not yours look the same";
  EXPECT_EQ(get(path + "/followups", "coord").status, 403);

  Reply list = get("/v1/municipalities/GM0599/followups?limit=10", "gm0599");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.j()["items"].size(), 1u);
  EXPECT_EQ(get("/v1/municipalities/GM0599/followups", "gm0363").status, 403);
  EXPECT_EQ(get("/v1/municipalities/GM0599/followups?limit=0", "gm0599").j()["error"]["field"], "limit");
  // Closing again changes nothing: still one follow-up.
  EXPECT_EQ(post(path + "/close", "gm0599", {{"outcome", "helped"}}).status, 409);
  EXPECT_EQ(count("followups"), 1);
  int reads = 0;
  storage::AuditLog(*db_).for_each([&](const storage::AuditRecord& a) { reads += a.action == "followups.read"; });
  EXPECT_EQ(reads, 3) << "each answered read, none of the refused ones";
}

TEST_F(ApiTest, TheMunicipalityNamesTheHandlerOfItsCase) {
  std::int64_t id = open_case(alice_, "GM0599");
  const std::string path = "/v1/cases/" + std::to_string(id) + "/handler";
  EXPECT_EQ(post(path, "gm0363", {{"name", "Piet"}}).status, 403);
  Reply bad = post(path, "gm0599", {{"name", "Fatima 06-12345678"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.j()["error"]["field"], "name");
  Reply ok = post(path, "gm0599", {{"name", "Fatima"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.j()["handler_name"], "Fatima");
  EXPECT_EQ(get("/v1/cases", "gm0599").j()["items"][0]["handler_name"], "Fatima");
  EXPECT_EQ(storage::CaseStore(*db_).get(id)->handler_name, "Fatima");
}

TEST_F(ApiTest, APanelReviewComesBeforeApprovalWhenTheCampaignAsksForIt) {
  tokens_["panel"] = storage::PrincipalStore(*db_).add("panel", storage::PrincipalKind::parent_panel, "", clock_.now()).take().token;
  std::ifstream in(std::string(OUTREACH_SOURCE_DIR) + "/config/campaigns/herstel-rijnmond.yaml");
  std::stringstream buf;
  buf << in.rdbuf();
  std::string yaml = buf.str();
  yaml.replace(yaml.find("asks_for: share\n"), 16, "asks_for: share\nreview_by_parent_panel: true\n");
  ASSERT_EQ(request("POST", "/v1/campaigns", token("coord"), yaml, {"Content-Type: application/yaml"}).status, 201);
  ASSERT_EQ(post("/v1/campaigns/herstel-rijnmond/submit", "coord", json::object()).status, 200);

  Reply early = post("/v1/campaigns/herstel-rijnmond/approve", "approver", json::object());
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(early.j()["error"]["field"], "review");
  EXPECT_EQ(post("/v1/campaigns/herstel-rijnmond/reviews", "approver", {{"comment", "ok"}}).status, 403);
  Reply review = post("/v1/campaigns/herstel-rijnmond/reviews", "panel", {{"comment", "Zeg erbij wie er belt."}});
  ASSERT_EQ(review.status, 201) << review.body;
  // The approver reads the panel's comments in the campaign's status.
  Reply status = get("/v1/campaigns/herstel-rijnmond", "approver");
  ASSERT_EQ(status.status, 200);
  EXPECT_EQ(status.j()["panel_review"]["required"], true);
  EXPECT_EQ(status.j()["panel_review"]["items"][0]["comment"], "Zeg erbij wie er belt.");
  EXPECT_EQ(status.j()["panel_review"]["items"][0]["reviewer"], "panel");
  EXPECT_EQ(get("/v1/campaigns/herstel-rijnmond/reviews", "approver").j()["items"].size(), 1u);
  EXPECT_EQ(post("/v1/campaigns/herstel-rijnmond/approve", "approver", json::object()).status, 200);
}

}  // namespace outreach::test
