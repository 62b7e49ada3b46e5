// Municipality endpoints: the shared list as JSON pages, CSV and XLSX, filters, cases.

#include "tests/integration/api/api_fixture.h"

namespace outreach::test {

TEST_F(ApiTest, ResponsesJsonPagesByCursor) {
  add_shared_response(alice_, "GM0599", "JA", "SM-1");
  add_shared_response(bob_, "GM0599", "JA graag", "SM-2");
  add_shared_response(dirk_, "GM0606", "JA", "SM-3");
  Reply first = get("/v1/municipalities/GM0599/responses?limit=1", "gm0599");
  ASSERT_EQ(first.status, 200) << first.body;
  json page = first.j();
  ASSERT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["items"][0]["name"], "Alice Rotterdam");
  EXPECT_EQ(page["items"][0]["phone"], "+31612340001");
  ASSERT_FALSE(page["next_after"].is_null());
  Reply second = get("/v1/municipalities/GM0599/responses?limit=1&after=" +
                         std::to_string(page["next_after"].get<std::int64_t>()),
                     "gm0599");
  json page2 = second.j();
  ASSERT_EQ(page2["items"].size(), 1u);
  EXPECT_EQ(page2["items"][0]["name"], "Bob Rotterdam");
  EXPECT_TRUE(page2["next_after"].is_null());
}

TEST_F(ApiTest, ResponsesCsvHasBomHeaderAndRows) {
  add_shared_response(alice_, "GM0599", "JA, \"graag\"", "SM-1");
  add_shared_response(bob_, "GM0599", "=HYPERLINK()", "SM-2");
  Reply r = request("GET", "/v1/municipalities/GM0599/responses", token("gm0599"), {}, {"Accept: text/csv"});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/csv; charset=utf-8");
  EXPECT_EQ(r.headers["transfer-encoding"], "chunked");
  ASSERT_GE(r.body.size(), 3u);
  EXPECT_EQ(r.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(r.body.substr(3, r.body.find("\r\n") - 3),
            "id,received_at,channel,contact_id,name,language,phone,email,text,keyword,case_id,case_status");
  EXPECT_NE(r.body.find("\"JA, \"\"graag\"\"\""), std::string::npos);
  EXPECT_NE(r.body.find(",'=HYPERLINK()"), std::string::npos);
  int lines = 0;
  for (char c : r.body) lines += c == '\n';
  EXPECT_EQ(lines, 3);
  EXPECT_EQ(get("/v1/municipalities/GM0599/responses?format=csv", "gm0599").body, r.body);
}

TEST_F(ApiTest, ResponsesFiltersNameTheBadField) {
  Reply r = get("/v1/municipalities/GM0599/responses?since=yesterday", "gm0599");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.j()["error"]["field"], "since");
  EXPECT_EQ(get("/v1/municipalities/GM0599/responses?until=2026-13-45", "gm0599").j()["error"]["field"], "until");
  EXPECT_EQ(get("/v1/municipalities/GM0599/responses?limit=0", "gm0599").j()["error"]["field"], "limit");
  EXPECT_EQ(get("/v1/municipalities/GM0599/responses?after=x", "gm0599").j()["error"]["field"], "after");
  EXPECT_EQ(get("/v1/municipalities/GM0599/responses?format=xml", "gm0599").j()["error"]["field"], "format");
}

TEST_F(ApiTest, ResponsesSinceUntilFilter) {
  add_shared_response(alice_, "GM0599", "JA", "SM-1");  // 2026-11-18T11:06:40Z
  Reply in = get("/v1/municipalities/GM0599/responses?since=2026-11-18&until=2026-11-18", "gm0599");
  EXPECT_EQ(in.j()["items"].size(), 1u);  // a date-only until includes that day
  Reply out = get("/v1/municipalities/GM0599/responses?since=2026-11-19", "gm0599");
  EXPECT_EQ(out.j()["items"].size(), 0u);
  Reply before = get("/v1/municipalities/GM0599/responses?until=2026-11-18T11:00:00Z", "gm0599");
  EXPECT_EQ(before.j()["items"].size(), 0u);
}

TEST_F(ApiTest, ReadingTheListIsAudited) {
  add_shared_response(alice_, "GM0599", "JA", "SM-1");
  Reply r = get("/v1/municipalities/GM0599/responses", "gm0599");
  ASSERT_EQ(r.status, 200);
  bool found = false;
  storage::AuditLog(*db_).for_each([&](const storage::AuditRecord& a) {
    if (a.action == "responses.read" && a.actor == "gm0599" && a.subject == "municipality:GM0599" &&
        a.purpose == "brede-ondersteuning" && a.request_id == r.headers["x-request-id"]) {
      found = true;
    }
  });
  EXPECT_TRUE(found);
  EXPECT_TRUE(storage::AuditLog(*db_).verify().ok());
}

TEST_F(ApiTest, OwnerAcknowledgesItsCaseOthersCannot) {
  std::int64_t id = open_case(alice_, "GM0599");
  std::string path = "/v1/cases/" + std::to_string(id);
  Reply list = get("/v1/cases", "gm0599");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.j()["items"].size(), 1u);
  EXPECT_EQ(list.j()["items"][0]["id"], id);
  EXPECT_EQ(get("/v1/cases", "gm0363").j()["items"].size(), 0u);

  Reply other = post(path + "/acknowledge", "gm0363", json::object());
  EXPECT_EQ(other.status, 403);
  // Rotterdam is the region's hub, but the hub's token owns only cases escalated to the hub.
  Reply hub = post(path + "/acknowledge", "rijnmond", json::object());
  EXPECT_EQ(hub.status, 403);
  EXPECT_EQ(get("/v1/cases", "rijnmond").j()["items"].size(), 0u);
  Reply ok = post(path + "/acknowledge", "gm0599", {{"note", "gebeld"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.j()["status"], "acknowledged");
  EXPECT_EQ(post(path + "/in_contact", "gm0599", json::object()).j()["status"], "in_contact");
  Reply no_outcome = post(path + "/close", "gm0599", json::object());
  EXPECT_EQ(no_outcome.status, 400);
  EXPECT_EQ(no_outcome.j()["error"]["field"], "outcome");
  Reply closed = post(path + "/close", "gm0599", {{"outcome", "helped"}, {"note", "schuldhulp"}});
  EXPECT_EQ(closed.j()["status"], "closed");
  EXPECT_EQ(closed.j()["outcome"], "helped");
  EXPECT_EQ(post("/v1/cases/abc/close", "gm0599", json::object()).j()["error"]["field"], "id");
  EXPECT_TRUE(storage::AuditLog(*db_).verify().ok());
}

TEST_F(ApiTest, CaseNoteTooLongIs400AndChangesNothing) {
  std::int64_t id = open_case(alice_, "GM0599");
  Reply r = post("/v1/cases/" + std::to_string(id) + "/acknowledge", "gm0599", {{"note", std::string(281, 'x')}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.j()["error"]["field"], "note");
  EXPECT_EQ(storage::CaseStore(*db_).get(id)->status, "open");
}

TEST_F(ApiTest, ResponsesAsXlsxAreAnAuditedWorkbook) {
  add_shared_response(alice_, "GM0599", "=1+1", "SM-1");
  Reply r = get("/v1/municipalities/GM0599/responses?format=xlsx", "gm0599");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(r.headers["content-disposition"], "attachment; filename=\"responses-GM0599.xlsx\"");
  ASSERT_GE(r.body.size(), 4u);
  EXPECT_EQ(r.body.substr(0, 4), std::string("PK\x03\x04", 4)) << "a zip";
  Reply accepted = request("GET", "/v1/municipalities/GM0599/responses", token("gm0599"), {},
                           {"Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"});
  EXPECT_EQ(accepted.headers["content-type"], r.headers["content-type"]);
  EXPECT_EQ(get("/v1/municipalities/GM0606/responses?format=xlsx", "gm0599").status, 403);
  int exports = 0;
  storage::AuditLog(*db_).for_each([&](const storage::AuditRecord& a) {
    exports += a.action == "responses.export" && a.detail.rfind("format=xlsx", 0) == 0;
  });
  EXPECT_EQ(exports, 2);
}

TEST_F(ApiTest, CaseListCarriesThePeopleAndFilters) {
  add_shared_response(alice_, "GM0599", "JA", "SM-1");
  std::int64_t a = open_case(alice_, "GM0599");
  std::int64_t b = open_case(bob_, "GM0599");
  Reply list = get("/v1/cases?limit=1", "gm0599");
  ASSERT_EQ(list.status, 200) << list.body;
  json page = list.j();
  EXPECT_EQ(page["owner"], "GM0599");
  ASSERT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["items"][0]["id"], a);
  EXPECT_EQ(page["items"][0]["name"], "Alice Rotterdam");
  EXPECT_EQ(page["items"][0]["phone"], "+31612340001");
  EXPECT_EQ(page["items"][0]["overdue"], false);
  ASSERT_FALSE(page["next_after"].is_null());
  Reply next = get("/v1/cases?limit=1&after=" + std::to_string(page["next_after"].get<std::int64_t>()), "gm0599");
  EXPECT_EQ(next.j()["items"][0]["id"], b);
  EXPECT_TRUE(next.j()["next_after"].is_null());
  EXPECT_EQ(get("/v1/cases?name=bob", "gm0599").j()["items"].size(), 1u);
  EXPECT_EQ(get("/v1/cases?state=closed", "gm0599").j()["items"].size(), 0u);
  EXPECT_EQ(get("/v1/cases?state=lost", "gm0599").j()["error"]["field"], "state");
  EXPECT_EQ(get("/v1/cases?overdue=maybe", "gm0599").j()["error"]["field"], "overdue");
  EXPECT_EQ(get("/v1/cases?municipality=GM0363", "gm0599").status, 403);
  EXPECT_EQ(get("/v1/cases", "coord").status, 403);
}

TEST_F(ApiTest, ACaseIsReadByItsOwnerOnly) {
  add_shared_response(alice_, "GM0599", "JA graag", "SM-1");
  std::int64_t id = open_case(alice_, "GM0599");
  Reply mine = get("/v1/cases/" + std::to_string(id), "gm0599");
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.j()["name"], "Alice Rotterdam");
  ASSERT_EQ(mine.j()["replies"].size(), 1u);
  EXPECT_EQ(mine.j()["replies"][0]["text"], "JA graag");
  ASSERT_EQ(mine.j()["history"].size(), 1u);
  EXPECT_EQ(mine.j()["history"][0]["status"], "open");
  Reply theirs = get("/v1/cases/" + std::to_string(id), "gm0363");
  Reply none = get("/v1/cases/" + std::to_string(id + 1000), "gm0363");
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(theirs.body.find("Alice"), std::string::npos);
  EXPECT_EQ(theirs.j()["error"]["message"], "no case with id " + std::to_string(id));
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(get("/v1/cases/" + std::to_string(id), "rijnmond").status, 404) << "not escalated to the hub";
}

}  // namespace outreach::test
