#include "storage/response_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "storage/case_store.h"
#include "storage/consent_ledger.h"
#include "storage/suppression_list.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class ResponseStoreTest : public test::BackendStorageTest {
 protected:
  std::optional<std::int64_t> reply(std::optional<std::int64_t> contact, const std::string& provider_id,
                                    const std::string& text = "Ja graag") {
    Response r;
    r.contact_id = contact;
    r.channel = "sms";
    r.urn = "tel:+31612345678";
    r.provider_message_id = provider_id;
    r.text = text;
    r.received_at = now();
    clock.advance(minutes(1));
    return store.record(r).take();
  }
  void consent(std::int64_t contact, const std::string& purpose, ConsentAction action, const std::string& channel = "*") {
    ConsentEvent e;
    e.contact_id = contact;
    e.purpose = purpose;
    e.channel = channel;
    e.action = action;
    e.source = "sms_keyword";
    e.collector = "engine";
    e.at = now();
    ConsentLedger(*db).record(e).take();
  }
  std::vector<SharedResponse> shared(ResponseQuery q) {
    std::vector<SharedResponse> out;
    store.for_each_shared(q, [&](const SharedResponse& s) { out.push_back(s); });
    return out;
  }
  ResponseQuery query(const std::string& municipality = "GM0599") {
    ResponseQuery q;
    q.municipality = municipality;
    return q;
  }

  ResponseStore store{*db};
  std::int64_t anna = add_contact("Anna", "GM0599", {"tel:0612345678", "mailto:anna@example.org"});
};

TEST_P(ResponseStoreTest, DuplicateProviderIdRecordedOnce) {
  auto first = reply(anna, "SM1");
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(reply(anna, "SM1").has_value());  // the provider retried its webhook
  EXPECT_EQ(store.count(), 1);
  // The same id on another channel is another message.
  Response r;
  r.contact_id = anna;
  r.channel = "whatsapp";
  r.urn = "whatsapp:31612345678";
  r.provider_message_id = "SM1";
  r.text = "hoi";
  r.received_at = now();
  EXPECT_TRUE(store.record(r)->has_value());
  EXPECT_EQ(store.count(), 2);
}

TEST_P(ResponseStoreTest, ProviderIdIsRequired) {
  Response r;
  r.channel = "sms";
  auto got = store.record(r);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().what(), "provider_message_id: provider message id is empty");
}

TEST_P(ResponseStoreTest, UnknownSendersAreKept) {
  auto id = reply(std::nullopt, "SM9", "wie is dit?");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(store.count(), 1);
  std::vector<std::int64_t> responders;
  store.for_each_responder([&](std::int64_t c) { responders.push_back(c); });
  EXPECT_TRUE(responders.empty());
}

TEST_P(ResponseStoreTest, HasRespondedSince) {
  auto start = now();
  reply(anna, "SM1");
  EXPECT_TRUE(store.has_responded(anna, start));
  EXPECT_FALSE(store.has_responded(anna, start + minutes(1)));
  auto bram = add_contact("Bram");
  reply(bram, "SM2");
  reply(anna, "SM3");
  std::vector<std::int64_t> responders;
  store.for_each_responder([&](std::int64_t c) { responders.push_back(c); });
  EXPECT_EQ(responders, (std::vector<std::int64_t>{anna, bram}));
  auto mine = store.for_contact(anna);
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[1].provider_message_id, "SM3");
  EXPECT_EQ(mine[0].received_at, start);
}

TEST_P(ResponseStoreTest, SharedListOnlyHasResidentsWhoConsentedToThatMunicipality) {
  auto bram = add_contact("Bram", "GM0599");           // never consented
  auto cor = add_contact("Cor", "GM0518");             // another municipality's resident
  auto dirk = add_contact("Dirk", "GM0599");           // consented to share with another municipality
  consent(anna, "share:GM0599", ConsentAction::grant);
  consent(cor, "share:GM0599", ConsentAction::grant);  // consent for GM0599 does not move Cor there
  consent(cor, "share:GM0518", ConsentAction::grant);
  consent(dirk, "share:GM0518", ConsentAction::grant);
  reply(anna, "SM1");
  reply(bram, "SM2");
  reply(cor, "SM3");
  reply(dirk, "SM4");

  auto list = shared(query());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].response.contact_id, anna);
  EXPECT_EQ(list[0].name, "Anna");
  EXPECT_EQ(list[0].language, "nl");
  // Addresses come from the contact row the policy reads (services::ResponseLists), not from here.
  EXPECT_EQ(list[0].phone, "");
  EXPECT_EQ(list[0].email, "");
  EXPECT_EQ(list[0].response.text, "Ja graag");
  EXPECT_EQ(list[0].case_status, "");

  auto other = shared(query("GM0518"));
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].response.contact_id, cor);

  consent(anna, "share:GM0599", ConsentAction::withdraw);
  EXPECT_TRUE(shared(query()).empty());
  // The latest event decides, whatever its channel: a grant recorded on "sms" after the withdrawal
  // shows her again, and a later withdrawal on "*" hides her again although "*" sorts first.
  consent(anna, "share:GM0599", ConsentAction::grant, "sms");
  EXPECT_EQ(shared(query()).size(), 1u);
  consent(anna, "share:GM0599", ConsentAction::withdraw);
  EXPECT_TRUE(shared(query()).empty());
}

TEST_P(ResponseStoreTest, SharedListShowsTheCaseStatus) {
  consent(anna, "share:GM0599", ConsentAction::grant);
  reply(anna, "SM1");
  CaseStore cases(*db);
  auto id = cases.open(anna, "GM0599", std::nullopt, now(), now() + hours(72), "engine").take();
  ASSERT_TRUE(cases.set_status(id, "acknowledged", "gm0599", now()));
  auto list = shared(query());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].case_id, id);
  EXPECT_EQ(list[0].case_status, "acknowledged");
}

TEST_P(ResponseStoreTest, SharedListLeavesOutErasedResidents) {
  consent(anna, "share:GM0599", ConsentAction::grant);
  reply(anna, "SM1");
  SuppressionList suppressions(*db, "test-suppression-key");
  ASSERT_TRUE(ContactStore(*db).erase(anna, suppressions, now()));
  EXPECT_TRUE(shared(query()).empty());
}

TEST_P(ResponseStoreTest, SharedListPagesByCursor) {
  consent(anna, "share:GM0599", ConsentAction::grant);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(*reply(anna, "SM" + std::to_string(i)));
  auto q = query();
  q.limit = 2;
  std::vector<std::int64_t> seen;
  for (int page = 0; page < 10; ++page) {
    auto rows = shared(q);
    if (rows.empty()) break;
    EXPECT_LE(rows.size(), 2u);
    for (const auto& r : rows) seen.push_back(r.response.id);
    q.after_id = rows.back().response.id;
    if (page == 0) reply(anna, "SM-late");  // arrives while paging: lands at the end, nothing skipped
  }
  ids.push_back(ids.back() + 1);
  EXPECT_EQ(seen, ids);
}

TEST_P(ResponseStoreTest, SharedListFiltersByTime) {
  consent(anna, "share:GM0599", ConsentAction::grant);
  auto start = now();
  reply(anna, "SM1");  // start
  reply(anna, "SM2");  // start + 1 min
  reply(anna, "SM3");  // start + 2 min
  auto q = query();
  q.since = start + minutes(1);
  q.until = start + minutes(2);
  auto rows = shared(q);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].response.provider_message_id, "SM2");
}

OUTREACH_ON_EACH_BACKEND(ResponseStoreTest);

}  // namespace
}  // namespace outreach::storage
