// Coordinators: campaigns through the desk, erasure.

#include <fstream>
#include <sstream>

#include "storage/suppression_list.h"
#include "tests/integration/api/api_fixture.h"

namespace outreach::test {

TEST_F(ApiTest, EraseContactIsCoordinatorOnlyAndAudited) {
  std::string path = "/v1/contacts/" + std::to_string(alice_);
  EXPECT_EQ(request("DELETE", path, token("vol1")).status, 403);
  Reply r = request("DELETE", path, token("coord"));
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(storage::ContactStore(*db_).get(alice_)->erased || !storage::ContactStore(*db_).get(alice_).ok());
  // The erasure leaves her number on the suppression list, so no import brings her back.
  auto entry = storage::SuppressionList(*db_, config_.suppression_key).find(core::Urn::parse("tel:+31612340001").take());
  ASSERT_TRUE(entry.ok());
  ASSERT_TRUE(entry->has_value());
  EXPECT_EQ((*entry)->reason, "erased");
  bool audited = false;
  storage::AuditLog(*db_).for_each([&](const storage::AuditRecord& a) {
    audited = audited || (a.action == "contacts.erase" && a.subject == "contact:" + std::to_string(alice_) &&
                          a.actor == "coord" && a.purpose == "erasure");
  });
  EXPECT_TRUE(audited);
  EXPECT_EQ(request("DELETE", "/v1/contacts/x", token("coord")).j()["error"]["field"], "id");
  EXPECT_TRUE(storage::AuditLog(*db_).verify().ok());
}

TEST_F(ApiTest, InvalidCampaignYamlIs400WithFindings) {
  Reply r = request("POST", "/v1/campaigns", token("coord"), "campaign: [unclosed", {"Content-Type: application/yaml"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.j()["error"]["code"], "invalid_input");
  EXPECT_FALSE(r.j()["error"]["findings"].empty());
}

TEST_F(ApiTest, CampaignLifecycleThroughTheApi) {
  std::ifstream in(std::string(OUTREACH_SOURCE_DIR) + "/config/campaigns/herstel-rijnmond.yaml");
  std::stringstream yaml;
  yaml << in.rdbuf();
  Reply saved = request("POST", "/v1/campaigns", token("coord"), yaml.str(), {"Content-Type: application/yaml"});
  ASSERT_EQ(saved.status, 201) << saved.body;
  Reply status = get("/v1/campaigns/herstel-rijnmond", "coord");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.j()["state"], "draft");
  EXPECT_EQ(post("/v1/campaigns/herstel-rijnmond/launch", "coord", json::object()).status, 409);
  ASSERT_EQ(post("/v1/campaigns/herstel-rijnmond/submit", "coord", json::object()).status, 200);
  Reply approved = post("/v1/campaigns/herstel-rijnmond/approve", "approver", json::object());
  ASSERT_EQ(approved.status, 200) << approved.body;
  Reply launched = post("/v1/campaigns/herstel-rijnmond/launch", "coord", json::object());
  ASSERT_EQ(launched.status, 200) << launched.body;
  EXPECT_EQ(launched.j()["state"], "running");
  // The example campaign's story post is queued once, for the page, not per person.
  auto posts = get("/v1/campaigns/herstel-rijnmond", "coord").j()["posts"];
  ASSERT_EQ(posts.size(), 1u) << posts.dump();
  EXPECT_EQ(posts[0]["channel"], "facebook_page");
  EXPECT_EQ(posts[0]["status"], "queued");
  EXPECT_EQ(post("/v1/campaigns/herstel-rijnmond/pause", "coord", json::object()).j()["state"], "paused");
  EXPECT_EQ(post("/v1/campaigns/herstel-rijnmond/resume", "coord", json::object()).j()["state"], "running");
  EXPECT_EQ(get("/v1/campaigns/nope", "coord").status, 404);
  EXPECT_TRUE(storage::AuditLog(*db_).verify().ok());
}

}  // namespace outreach::test
