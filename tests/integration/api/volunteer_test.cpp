// Volunteers and intermediaries: assignments with a cap, contact logs with consent, and the rule
// that they only touch people assigned to them.

#include "storage/contact_log_store.h"
#include "storage/suppression_list.h"
#include "tests/integration/api/api_fixture.h"

namespace outreach::test {

class VolunteerTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    // Everybody agreed to be approached by a peer; tests about consent take it away again.
    for (auto id : {alice_, bob_, cem_, dirk_, eva_}) consent(id, "peer-contact", "*", storage::ConsentAction::grant);
    baseline_consent_ = count("consent_events");
  }
  void consent(std::int64_t contact, const std::string& purpose, const std::string& channel,
               storage::ConsentAction action) {
    record_consent(contact, purpose, channel, action);
  }
  std::int64_t baseline_consent_ = 0;

  std::vector<std::int64_t> assign(const std::string& who, const json& body) {
    Reply r = post("/v1/assignments", who, body);
    EXPECT_EQ(r.status, 201) << r.body;
    std::vector<std::int64_t> ids;
    json body = r.j();
    for (auto& p : body["assigned"]) ids.push_back(p["contact_id"].get<std::int64_t>());
    return ids;
  }
  json log_for(std::int64_t contact) {
    return {{"contact_id", contact},
            {"mode", "phone"},
            {"outcome", "reached_wants_help"},
            {"note", "Belt terug na 18:00"},
            {"consent", {{"purposes", {"share:GM0599", "peer-contact"}}, {"text_version", "v3"}, {"language", "nl"}}}};
  }
};

TEST_F(VolunteerTest, AssignmentsFilterAndRespectTheCap) {
  auto mine = assign("vol1", {{"count", 2}, {"municipality", "GM0599"}, {"language", "nl"}});
  EXPECT_EQ(mine, (std::vector<std::int64_t>{alice_, bob_}));
  auto more = assign("vol1", {{"count", 10}});
  EXPECT_EQ(more.size(), 1u);  // cap 3
  EXPECT_EQ(assign("vol1", {{"count", 1}}).size(), 0u);
  auto other = assign("vol2", {{"count", 10}});
  EXPECT_EQ(other, (std::vector<std::int64_t>{dirk_}));  // nobody gets a person twice; Eva lives outside rijnmond
  EXPECT_EQ(get("/v1/assignments", "vol1").j()["assigned"].size(), 3u);
}

TEST_F(VolunteerTest, AssignmentsValidateFields) {
  EXPECT_EQ(post("/v1/assignments", "vol1", {{"count", 0}}).j()["error"]["field"], "count");
  EXPECT_EQ(post("/v1/assignments", "vol1", {{"count", "2"}}).j()["error"]["field"], "count");
  EXPECT_EQ(post("/v1/assignments", "vol1", {{"count", 1}, {"municipality", "Rotterdam"}}).j()["error"]["field"],
            "municipality");
}

TEST_F(VolunteerTest, LogForAssignedPersonRecordsConsentAsVolunteer) {
  assign("vol1", {{"count", 1}, {"municipality", "GM0599"}});
  Reply r = post("/v1/contact-logs", "vol1", log_for(alice_));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.j()["consent_events"].size(), 2u);
  EXPECT_FALSE(r.j().contains("consent_refused")) << r.body;
  storage::ConsentLedger ledger(*db_);
  EXPECT_TRUE(ledger.has_consent(alice_, "share:GM0599", "sms"));
  auto history = ledger.history(alice_);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().source, "volunteer");
  EXPECT_EQ(history.back().collector, "vol1");
  EXPECT_EQ(history.back().text_version, "v3");
  auto logs = storage::ContactLogStore(*db_).for_contact(alice_);
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].outcome, "reached_wants_help");
  EXPECT_TRUE(storage::AuditLog(*db_).verify().ok());
  // Wants help and may be passed on: Rotterdam sees Alice with an open case, as after a JA reply.
  EXPECT_GT(r.j()["case_id"].get<std::int64_t>(), 0);
  auto list = get("/v1/municipalities/GM0599/responses", "gm0599");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.j()["items"].size(), 1u) << list.body;
  EXPECT_EQ(list.j()["items"][0]["name"], "Alice Rotterdam");
  EXPECT_EQ(list.j()["items"][0]["channel"], "volunteer");
}

TEST_F(VolunteerTest, ConsentFromAPersonWhoOptedOutIsNotRecordedAndTheVolunteerIsToldWhy) {
  assign("vol1", {{"count", 1}, {"municipality", "GM0599"}});
  // Alice's number went onto the suppression list after she was assigned (a STOP elsewhere).
  storage::SuppressionList(*db_, config_.suppression_key)
      .add({core::Urn::phone("+31612340001").take()}, "opted_out", clock_.now())
      .take();
  const auto before = count("consent_events");
  Reply r = post("/v1/contact-logs", "vol1", log_for(alice_));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.j()["consent_events"].size(), 0u);
  EXPECT_EQ(r.j()["consent_refused"], "suppressed") << r.body;
  EXPECT_EQ(count("consent_events"), before) << "only the person can undo a STOP";
}

TEST_F(VolunteerTest, LogForPersonNotAssignedIs403AndNothingWritten) {
  assign("vol1", {{"count", 1}, {"municipality", "GM0599"}});
  Reply r = post("/v1/contact-logs", "vol2", log_for(alice_));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body.find("Alice"), std::string::npos);
  EXPECT_EQ(post("/v1/contact-logs", "vol1", log_for(eva_)).status, 403);
  EXPECT_EQ(post("/v1/contact-logs", "vol1", log_for(999999)).status, 403);
  EXPECT_EQ(count("contact_logs"), 0);
  EXPECT_EQ(count("consent_events"), baseline_consent_);
  EXPECT_EQ(request("DELETE", "/v1/assignments/" + std::to_string(alice_), token("vol2")).status, 403);
}

TEST_F(VolunteerTest, BadFieldsAreNamed) {
  assign("vol1", {{"count", 1}, {"municipality", "GM0599"}});
  auto field_of = [&](json body) { return post("/v1/contact-logs", "vol1", body).j()["error"]["field"]; };
  json b = log_for(alice_);
  b["outcome"] = "maybe";
  EXPECT_EQ(field_of(b), "outcome");
  b = log_for(alice_);
  b["mode"] = "pigeon";
  EXPECT_EQ(field_of(b), "mode");
  b = log_for(alice_);
  b["note"] = std::string(281, 'n');
  EXPECT_EQ(field_of(b), "note");
  b = log_for(alice_);
  b["consent"]["purposes"] = {"share:GM0599", "nationality"};
  EXPECT_EQ(field_of(b), "consent.purposes[1]");
  b = log_for(alice_);
  b["consent"].erase("text_version");
  EXPECT_EQ(field_of(b), "consent.text_version");
  b = log_for(alice_);
  b.erase("contact_id");
  EXPECT_EQ(field_of(b), "contact_id");
  Reply malformed = request("POST", "/v1/contact-logs", token("vol1"), "{\"contact_id\": 1,");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.j()["error"]["field"], "body");
  EXPECT_EQ(malformed.j()["error"]["code"], "invalid_input");
  EXPECT_EQ(count("contact_logs"), 0);
  EXPECT_EQ(count("consent_events"), baseline_consent_);
}

TEST_F(VolunteerTest, AskedNoContactSetsDoNotContact) {
  assign("vol1", {{"count", 1}, {"municipality", "GM0599"}});
  json b = log_for(alice_);
  b["outcome"] = "asked_no_contact";
  b.erase("consent");
  ASSERT_EQ(post("/v1/contact-logs", "vol1", b).status, 201);
  EXPECT_TRUE(storage::ContactStore(*db_).get(alice_)->do_not_contact);
}

TEST_F(VolunteerTest, ReleaseFreesThePerson) {
  assign("vol1", {{"count", 1}, {"municipality", "GM0599"}});
  EXPECT_EQ(request("DELETE", "/v1/assignments/" + std::to_string(alice_), token("vol1")).status, 204);
  EXPECT_EQ(post("/v1/contact-logs", "vol1", log_for(alice_)).status, 403);
  EXPECT_EQ(assign("vol2", {{"count", 1}, {"municipality", "GM0599"}}).front(), alice_);
}

// The bug this layer exists for: a batch handed a person who replied STOP, one who never agreed to
// peer contact, and people outside the volunteer's municipalities.
TEST_F(VolunteerTest, ABatchHoldsOnlyPeopleWhoMayBeApproachedInTheVolunteersScope) {
  consent(alice_, "outreach", "sms", storage::ConsentAction::withdraw);         // STOP by SMS
  consent(bob_, "peer-contact", "*", storage::ConsentAction::withdraw);         // said no to peers
  EXPECT_EQ(assign("vol1", {{"count", 10}}), (std::vector<std::int64_t>{cem_, dirk_}));
  Reply outside = post("/v1/assignments", "vol2", {{"count", 1}, {"municipality", "GM0363"}});
  EXPECT_EQ(outside.status, 403);
  // A STOP after the hand-out takes the person off the volunteer's list at once.
  consent(cem_, "outreach", "*", storage::ConsentAction::withdraw);
  auto held = get("/v1/assignments", "vol1").j()["assigned"];
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0]["contact_id"], dirk_);
}

TEST_F(VolunteerTest, APersonShowsOnlyTheAddressesTheirConsentCovers) {
  db_->sqlite().exec("INSERT INTO contact_urns(contact_id, urn, scheme) VALUES (" + std::to_string(dirk_) +
                  ", 'mailto:dirk@example.nl', 'mailto')");
  consent(dirk_, "peer-contact", "*", storage::ConsentAction::withdraw);
  consent(dirk_, "peer-contact", "sms", storage::ConsentAction::grant);  // "you may text me"
  auto ids = assign("vol1", {{"count", 1}, {"municipality", "GM0606"}});
  ASSERT_EQ(ids, (std::vector<std::int64_t>{dirk_}));
  auto held = get("/v1/assignments", "vol1").j()["assigned"];
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0]["addresses"], json::array({"tel:+31612340004"}));
}

}  // namespace outreach::test
