#include "storage/outbox.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "storage/campaign_store.h"
#include "storage/contact_store.h"
#include "storage/suppression_list.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

// The first column of every row of `query`, in order.
std::vector<std::int64_t> column_of(Database& db, const std::string& query) {
  std::vector<std::int64_t> out;
  auto st = db.cached(query);
  while (st->executeStep()) out.push_back(st->getColumn(0).getInt64());
  return out;
}

class OutboxTest : public test::BackendStorageTest {
 protected:
  std::int64_t campaign(const std::string& key, const std::string& state = "running") {
    CampaignStore campaigns(*db);
    auto id = campaigns.save(key, key, "", "text of " + key, "coord", now()).take().campaign.id;
    const char* path[] = {"draft", "in_review", "approved", "running", "paused"};
    for (int i = 0; path[i] != state; ++i) campaigns.set_state(id, path[i], path[i + 1], "coord", now()).take();
    return id;
  }
  std::int64_t launch(std::int64_t campaign_id, int steps, std::vector<std::int64_t> contacts,
                      core::TimePoint due) {
    return outbox.enqueue_launch(campaign_id, 1, steps, contacts, due, now()).take();
  }
  std::vector<ClaimedMessage> claim(int limit = 100) {
    return outbox.claim_due(now(), limit, now() + minutes(5)).take();
  }
  MessageStatus status(std::int64_t id) { return outbox.get(id)->status; }
  MessageOutcome sent(std::int64_t id, const std::string& provider_id) {
    MessageOutcome o;
    o.id = id;
    o.status = MessageStatus::sent;
    o.channel = "sms";
    o.urn = "tel:+31612345678";
    o.provider_id = provider_id;
    o.attempts = 1;
    return o;
  }
  std::int64_t events(std::int64_t id) {
    return sql_int("SELECT count(*) FROM message_events WHERE message_id = " + std::to_string(id));
  }

  Outbox outbox{*db};
  std::int64_t anna = add_contact("Anna");
  std::int64_t bram = add_contact("Bram");
};

TEST_P(OutboxTest, LaunchQueuesTheFirstStepAndParksTheRest) {
  auto c = campaign("herstel");
  EXPECT_EQ(launch(c, 3, {anna, bram}, now()), 6);
  auto rows = outbox.list(std::nullopt, c, 100);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].step, 0);
  EXPECT_EQ(rows[0].status, MessageStatus::queued);
  EXPECT_EQ(rows[0].due_at, now());
  EXPECT_EQ(rows[1].step, 1);
  EXPECT_EQ(rows[1].status, MessageStatus::waiting);
  EXPECT_FALSE(rows[1].due_at);
  EXPECT_EQ(outbox.list(MessageStatus::queued, c, 100).size(), 2u);
}

TEST_P(OutboxTest, LaunchingTwiceAddsNothing) {
  auto c = campaign("herstel");
  EXPECT_EQ(launch(c, 2, {anna}, now()), 2);
  EXPECT_EQ(launch(c, 2, {anna}, now() + hours(1)), 0);
  EXPECT_EQ(launch(c, 2, {anna, bram}, now()), 2);  // only Bram is new
  EXPECT_EQ(outbox.count(c), 4);
  EXPECT_EQ(outbox.list(std::nullopt, c, 1)[0].due_at, now());  // the first launch's due time stands
}

// PostgreSQL inserts a launch in statements of 10,000 people: one person past the first chunk
// must get the same rows, in the same order of ids (by person, then step), as everyone else.
TEST_P(OutboxTest, ALaunchLargerThanOneChunkQueuesEveryoneInOrder) {
  auto c = campaign("herstel");
  db->exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10001) "
           "INSERT INTO contacts(name, created_at) SELECT 'Persoon ' || i, 0 FROM n");
  std::vector<std::int64_t> people;
  people.push_back(bram);  // not in id order: the launch keeps the order it is given
  for (auto id : column_of(*db, "SELECT id FROM contacts WHERE name LIKE 'Persoon %' ORDER BY id")) {
    people.push_back(id);
  }
  ASSERT_EQ(people.size(), 10002u);
  people.push_back(people[5000]);  // a person twice gets their rows once
  EXPECT_EQ(launch(c, 2, people, now()), 20004);
  EXPECT_EQ(sql_int("SELECT count(*) FROM messages WHERE campaign_id = " + std::to_string(c) +
                    " AND step = 0 AND status = 'queued'"), 10002);
  EXPECT_EQ(sql_int("SELECT count(*) FROM messages WHERE campaign_id = " + std::to_string(c) +
                    " AND step = 1 AND status = 'waiting' AND due_at IS NULL"), 10002);
  auto ids = column_of(*db, "SELECT contact_id * 2 + step FROM messages WHERE campaign_id = " +
                                      std::to_string(c) + " ORDER BY id");
  ASSERT_EQ(ids.size(), 20004u);
  for (std::size_t i = 0; i < 20004; ++i) {
    ASSERT_EQ(ids[i], people[i / 2] * 2 + static_cast<std::int64_t>(i % 2)) << "row " << i;
  }
  auto last = people[10001];  // in the second chunk, with people[10000] and the repeat
  EXPECT_EQ(sql_int("SELECT count(*) FROM messages WHERE contact_id = " + std::to_string(last)), 2);
}

TEST_P(OutboxTest, ClaimDueTakesDueRowsOfRunningCampaignsOnce) {
  auto c = campaign("herstel");
  launch(c, 1, {anna}, now());
  launch(c, 1, {bram}, now() + hours(1));  // not due yet (a second batch of the same launch)
  auto claimed = claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].contact_id, anna);
  EXPECT_EQ(claimed[0].campaign_id, c);
  EXPECT_EQ(claimed[0].campaign_version, 1);
  EXPECT_EQ(claimed[0].attempts, 0);
  EXPECT_EQ(status(claimed[0].id), MessageStatus::sending);
  EXPECT_TRUE(claim().empty());  // a claimed row is not handed out again
  EXPECT_EQ(outbox.next_due(), now() + hours(1));
}

TEST_P(OutboxTest, ClaimDueRespectsTheLimit) {
  auto c = campaign("herstel");
  launch(c, 1, {anna, bram}, now());
  EXPECT_EQ(claim(1).size(), 1u);
  EXPECT_EQ(claim(0).size(), 0u);
  EXPECT_EQ(claim(-1).size(), 0u);  // not "no limit"
  EXPECT_EQ(claim(5).size(), 1u);
}

TEST_P(OutboxTest, ClaimDueSkipsRowsOfPausedCampaigns) {
  auto paused = campaign("gepauzeerd", "paused");
  auto approved = campaign("goedgekeurd", "approved");
  launch(paused, 1, {anna}, now());
  launch(approved, 1, {bram}, now());
  EXPECT_TRUE(claim().empty());
  EXPECT_FALSE(outbox.next_due());
  CampaignStore(*db).set_state(paused, "paused", "running", "coord", now()).take();
  ASSERT_EQ(claim().size(), 1u);
}

TEST_P(OutboxTest, ExpiredLeaseBecomesUnknownAndIsNotClaimedAgain) {
  auto c = campaign("herstel");
  launch(c, 1, {anna, bram}, now());
  auto claimed = outbox.claim_due(now(), 1, now() + minutes(5)).take();
  ASSERT_EQ(claimed.size(), 1u);
  clock.advance(minutes(5));
  EXPECT_EQ(outbox.expire_leases(now()).take(), 0);  // the lease runs until, not before, this moment
  clock.advance(minutes(1));
  EXPECT_EQ(outbox.expire_leases(now()).take(), 1);
  auto row = outbox.get(claimed[0].id).take();
  EXPECT_EQ(row.status, MessageStatus::unknown);
  EXPECT_EQ(row.reason, "lease expired while sending");
  auto again = claim();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_NE(again[0].id, claimed[0].id);
  // A late outcome for the expired row is ignored: it stays unknown for an operator to decide.
  ASSERT_TRUE(outbox.record({sent(claimed[0].id, "late")}, now()));
  EXPECT_EQ(status(claimed[0].id), MessageStatus::unknown);
}

TEST_P(OutboxTest, RedriveQueuesUnknownRows) {
  auto c = campaign("herstel");
  auto other = campaign("ander");
  launch(c, 1, {anna, bram}, now());
  launch(other, 1, {anna}, now());
  auto claimed = claim();
  ASSERT_EQ(claimed.size(), 3u);
  clock.advance(hours(1));
  EXPECT_EQ(outbox.expire_leases(now()).take(), 3);

  EXPECT_EQ(outbox.redrive(std::nullopt, {claimed[0].id}, now()).take(), 1);
  EXPECT_EQ(status(claimed[0].id), MessageStatus::queued);
  EXPECT_EQ(outbox.get(claimed[0].id)->due_at, now());
  EXPECT_EQ(outbox.get(claimed[0].id)->reason, "redriven");
  EXPECT_EQ(outbox.redrive(c, {}, now()).take(), 1);  // the other row of this campaign
  EXPECT_EQ(outbox.list(MessageStatus::unknown, std::nullopt, 10).size(), 1u);
  EXPECT_EQ(outbox.redrive(std::nullopt, {}, now()).take(), 1);
  EXPECT_EQ(outbox.redrive(std::nullopt, {}, now()).take(), 0);
  EXPECT_EQ(claim().size(), 3u);
  EXPECT_EQ(sql_int("SELECT count(*) FROM message_events WHERE detail = 'redriven by operator'"), 3);
}

// The operator sees why rows are in doubt before resending them: an ambiguous answer (recorded
// by the dispatcher with its reason) or a lease that ran out after a crash.
TEST_P(OutboxTest, UnknownReasonsSayWhyRowsAreInDoubt) {
  auto c = campaign("herstel");
  auto other = campaign("ander");
  launch(c, 1, {anna, bram}, now());
  launch(other, 1, {anna}, now());
  auto claimed = claim();
  ASSERT_EQ(claimed.size(), 3u);
  MessageOutcome amb;
  amb.id = claimed[0].id;
  amb.status = MessageStatus::unknown;
  amb.channel = "sms";
  amb.attempts = 1;
  amb.reason = "ambiguous: twilio 502: HTTP 502";
  outbox.record({amb}, now()).take();
  clock.advance(hours(1));
  EXPECT_EQ(outbox.expire_leases(now()).take(), 2);
  using Reasons = std::vector<std::pair<std::string, std::int64_t>>;
  EXPECT_EQ(outbox.unknown_reasons(std::nullopt, {}),
            (Reasons{{"lease expired while sending", 2}, {"ambiguous: twilio 502: HTTP 502", 1}}));
  EXPECT_EQ(outbox.unknown_reasons(c, {}),
            (Reasons{{"ambiguous: twilio 502: HTTP 502", 1}, {"lease expired while sending", 1}}));
  EXPECT_EQ(outbox.unknown_reasons(std::nullopt, {claimed[0].id}), (Reasons{{"ambiguous: twilio 502: HTTP 502", 1}}));
  EXPECT_EQ(outbox.redrive(std::nullopt, {}, now()).take(), 3);
  EXPECT_TRUE(outbox.unknown_reasons(std::nullopt, {}).empty());
}

// A status callback settles only an `unknown` row, and says what it was unknown for.
TEST_P(OutboxTest, SettleUnknownTakesTheReportedStatusOnlyFromUnknown) {
  auto c = campaign("herstel");
  launch(c, 2, {anna, bram}, now());
  auto claimed = claim();
  ASSERT_EQ(claimed.size(), 2u);
  outbox.record({sent(claimed[1].id, "SM2")}, now()).take();
  clock.advance(hours(1));
  ASSERT_EQ(outbox.expire_leases(now()).take(), 1);
  EXPECT_FALSE(outbox.settle_unknown(c, 0, bram, "SM9", MessageStatus::delivered, "", now()).take())
      << "bram's row is sent, not unknown";
  auto settled = outbox.settle_unknown(c, 0, anna, "SM1", MessageStatus::delivered, "", now()).take();
  ASSERT_TRUE(settled);
  EXPECT_EQ(settled->status, MessageStatus::delivered);
  EXPECT_EQ(outbox.get(claimed[0].id)->provider_id, "SM1");
  EXPECT_EQ(outbox.get(claimed[0].id)->reason, "settled by a status callback (was unknown: lease expired while sending)");
  EXPECT_EQ(outbox.get(claimed[0].id)->sent_at, now());
  EXPECT_FALSE(outbox.settle_unknown(c, 0, anna, "SM1", MessageStatus::read, "", now()).take()) << "only once";
  EXPECT_TRUE(outbox.activate_step(c, anna, 1, now() + hours(24), std::nullopt, now()).take());
  EXPECT_FALSE(outbox.activate_step(c, anna, 1, now() + hours(24), std::nullopt, now()).take());
}

TEST_P(OutboxTest, ReleaseReturnsClaimedRowsToTheQueue) {
  auto c = campaign("herstel");
  launch(c, 1, {anna}, now());
  auto claimed = claim();
  ASSERT_TRUE(outbox.release({claimed[0].id}, now()));
  EXPECT_EQ(status(claimed[0].id), MessageStatus::queued);
  EXPECT_EQ(claim().size(), 1u);
}

TEST_P(OutboxTest, RecordCommitsOutcomesWithAnEventEach) {
  auto c = campaign("herstel");
  launch(c, 1, {anna, bram}, now());
  auto claimed = claim();
  ASSERT_EQ(claimed.size(), 2u);
  clock.advance(minutes(1));
  MessageOutcome failed;
  failed.id = claimed[1].id;
  failed.status = MessageStatus::failed;
  failed.channel = "sms";
  failed.reason = "invalid number";
  failed.attempts = 1;
  ASSERT_TRUE(outbox.record({sent(claimed[0].id, "SM1"), failed}, now()));

  auto ok = outbox.get(claimed[0].id).take();
  EXPECT_EQ(ok.status, MessageStatus::sent);
  EXPECT_EQ(ok.channel, "sms");
  EXPECT_EQ(ok.urn, "tel:+31612345678");
  EXPECT_EQ(ok.provider_id, "SM1");
  EXPECT_EQ(ok.attempts, 1);
  EXPECT_EQ(ok.sent_at, now());
  auto bad = outbox.get(claimed[1].id).take();
  EXPECT_EQ(bad.status, MessageStatus::failed);
  EXPECT_EQ(bad.reason, "invalid number");
  EXPECT_FALSE(bad.sent_at);
  EXPECT_EQ(events(claimed[0].id), 1);
  EXPECT_EQ(events(claimed[1].id), 1);
  EXPECT_EQ(outbox.last_sent_to(anna)->id, claimed[0].id);
  EXPECT_FALSE(outbox.last_sent_to(bram));
}

TEST_P(OutboxTest, ClaimHandsOutRowsInTheOrderTheyFellDue) {
  auto c = campaign("herstel");
  auto cor = add_contact("Cor");
  // Launched in the opposite order of their due times: the claim still gives the earliest first
  // (PostgreSQL claims in one UPDATE .. RETURNING, which keeps no order of its own).
  launch(c, 1, {cor}, now() - minutes(1));
  launch(c, 1, {bram}, now() - minutes(2));
  launch(c, 1, {anna}, now() - minutes(3));
  auto claimed = claim();
  ASSERT_EQ(claimed.size(), 3u);
  EXPECT_EQ(claimed[0].contact_id, anna);
  EXPECT_EQ(claimed[1].contact_id, bram);
  EXPECT_EQ(claimed[2].contact_id, cor);
  EXPECT_EQ(claimed[0].due_at, now() - minutes(3));
  for (const auto& m : claimed) EXPECT_EQ(status(m.id), MessageStatus::sending);
}

TEST_P(OutboxTest, RecordKeepsAProvidersTextByteForByteAndOnlyAMessagesFirstOutcome) {
  auto c = campaign("herstel");
  launch(c, 1, {anna, bram}, now());
  auto claimed = claim();
  ASSERT_EQ(claimed.size(), 2u);
  // A provider's reason with every character JSON and SQL treat specially, and non-ASCII text.
  const std::string reason = "rejected: \"quoted\" \\ back\\slash\nnew line\ttab \x01 'single' %_ é ü 😀";
  MessageOutcome failed;
  failed.id = claimed[1].id;
  failed.status = MessageStatus::failed;
  failed.channel = "sms";
  failed.reason = reason;
  failed.attempts = 1;
  MessageOutcome again = sent(claimed[1].id, "SM-later");  // a second outcome for the same message
  ASSERT_TRUE(outbox.record({failed, sent(claimed[0].id, "SM\"1\\"), again}, now()));

  auto bad = outbox.get(claimed[1].id).take();
  EXPECT_EQ(bad.status, MessageStatus::failed) << "the first outcome counts, as when recorded one by one";
  EXPECT_EQ(bad.reason, reason);
  EXPECT_EQ(bad.provider_id, "");
  EXPECT_EQ(outbox.get(claimed[0].id)->provider_id, "SM\"1\\");
  EXPECT_EQ(events(claimed[1].id), 1);
  EXPECT_EQ(events(claimed[0].id), 1);
  // Events in the order of the outcomes.
  EXPECT_EQ(sql_int("SELECT message_id FROM message_events ORDER BY id LIMIT 1"), claimed[1].id);
  // A row that is no longer `sending` is left alone.
  ASSERT_TRUE(outbox.record({sent(claimed[1].id, "SM-late")}, now()));
  EXPECT_EQ(outbox.get(claimed[1].id)->status, MessageStatus::failed);
  EXPECT_EQ(events(claimed[1].id), 1);
}

TEST_P(OutboxTest, ASendInFlightCannotWriteAnAddressBackAfterErasure) {
  auto c = campaign("herstel");
  auto cor = add_contact("Cor", "GM0599", {"tel:+31612345678"});
  launch(c, 1, {cor}, now());
  auto claimed = claim();
  ASSERT_EQ(claimed.size(), 1u);
  // Erased while the provider is still answering.
  SuppressionList suppressions(*db, "test-suppression-key");
  ASSERT_TRUE(ContactStore(*db).erase(cor, suppressions, now()));
  SandboxDelivery copy{.message_id = claimed[0].id, .channel = "sms", .urn = "tel:+31612345678", .body = "Beste Cor",
                       .at = now()};
  ASSERT_TRUE(outbox.record_sandbox(copy));
  MessageOutcome o = sent(claimed[0].id, "SM1");
  o.reason = "accepted for tel:+31612345678";
  ASSERT_TRUE(outbox.record({o}, now()));

  auto row = outbox.get(claimed[0].id).take();
  EXPECT_EQ(row.status, MessageStatus::sent) << "the funnel still counts it";
  EXPECT_EQ(row.urn, "");
  EXPECT_EQ(row.provider_id, "");
  EXPECT_EQ(row.reason, "");
  EXPECT_FALSE(outbox.find_by_provider_id("SM1"));
  EXPECT_EQ(events(claimed[0].id), 1);
  EXPECT_EQ(sql_int("SELECT count(*) FROM message_events WHERE provider_id IS NOT NULL OR detail IS NOT NULL"), 0);
  EXPECT_TRUE(outbox.sandbox(10).empty());
}

TEST_P(OutboxTest, RetryRequeuesAtTheGivenTime) {
  auto c = campaign("herstel");
  launch(c, 1, {anna}, now());
  auto claimed = claim();
  MessageOutcome retry;
  retry.id = claimed[0].id;
  retry.status = MessageStatus::queued;
  retry.channel = "sms";
  retry.reason = "503 from provider";
  retry.attempts = 1;
  retry.retry_at = now() + minutes(2);
  ASSERT_TRUE(outbox.record({retry}, now()));
  EXPECT_TRUE(claim().empty());
  EXPECT_EQ(outbox.next_due(), now() + minutes(2));
  clock.advance(minutes(2));
  auto again = claim();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 1);
  EXPECT_EQ(again[0].channel, "sms");
}

TEST_P(OutboxTest, RecordActivatesTheNextStep) {
  auto c = campaign("herstel");
  launch(c, 3, {anna, bram}, now());
  auto claimed = claim();
  ASSERT_EQ(claimed.size(), 2u);
  auto o = sent(claimed[0].id, "SM1");
  o.next_step_due = now() + hours(72);
  o.next_step = 1;
  ASSERT_TRUE(outbox.record({o}, now()));

  auto waiting = outbox.list(MessageStatus::waiting, c, 10);
  ASSERT_EQ(waiting.size(), 3u);  // Anna's step 2 and both of Bram's later steps
  auto queued = outbox.list(MessageStatus::queued, c, 10);
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].contact_id, claimed[0].contact_id);
  EXPECT_EQ(queued[0].step, 1);
  EXPECT_EQ(queued[0].due_at, now() + hours(72));
  clock.advance(hours(72));
  auto next = claim();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].step, 1);
}

TEST_P(OutboxTest, DeliveryReportMovesASentRowForward) {
  auto c = campaign("herstel");
  launch(c, 1, {anna}, now());
  auto id = claim()[0].id;
  ASSERT_TRUE(outbox.record({sent(id, "SM1")}, now()));
  EXPECT_TRUE(outbox.apply_delivery_report("SM1", MessageStatus::delivered, "", now()).take());
  EXPECT_EQ(status(id), MessageStatus::delivered);
  EXPECT_TRUE(outbox.apply_delivery_report("SM1", MessageStatus::read, "", now()).take());
  EXPECT_EQ(status(id), MessageStatus::read);
  EXPECT_FALSE(outbox.apply_delivery_report("nobody", MessageStatus::read, "", now()).take());
}

TEST_P(OutboxTest, DeliveryReportNeverMovesBackwards) {
  auto c = campaign("herstel");
  launch(c, 1, {anna}, now());
  auto id = claim()[0].id;
  ASSERT_TRUE(outbox.record({sent(id, "SM1")}, now()));
  ASSERT_TRUE(outbox.apply_delivery_report("SM1", MessageStatus::read, "", now()).take());
  // Reports arrive out of order: a late "delivered" or "sent" is logged but changes nothing.
  EXPECT_TRUE(outbox.apply_delivery_report("SM1", MessageStatus::delivered, "", now()).take());
  EXPECT_TRUE(outbox.apply_delivery_report("SM1", MessageStatus::sent, "", now()).take());
  EXPECT_TRUE(outbox.apply_delivery_report("SM1", MessageStatus::undelivered, "expired", now()).take());
  EXPECT_EQ(status(id), MessageStatus::read);
  EXPECT_EQ(outbox.get(id)->reason, "");
  EXPECT_EQ(events(id), 5);
}

TEST_P(OutboxTest, UndeliveredKeepsTheProvidersReason) {
  auto c = campaign("herstel");
  launch(c, 1, {anna}, now());
  auto id = claim()[0].id;
  ASSERT_TRUE(outbox.record({sent(id, "SM1")}, now()));
  ASSERT_TRUE(outbox.apply_delivery_report("SM1", MessageStatus::undelivered, "30008 unknown error", now()).take());
  EXPECT_EQ(status(id), MessageStatus::undelivered);
  EXPECT_EQ(outbox.get(id)->reason, "30008 unknown error");
}

TEST_P(OutboxTest, FunnelCountsEveryRowOnce) {
  auto c = campaign("herstel");
  auto cor = add_contact("Cor");
  launch(c, 2, {anna, bram, cor}, now());
  auto claimed = claim();
  ASSERT_EQ(claimed.size(), 3u);
  MessageOutcome failed;
  failed.id = claimed[2].id;
  failed.status = MessageStatus::failed;
  failed.channel = "email";
  failed.reason = "no address";
  ASSERT_TRUE(outbox.record({sent(claimed[0].id, "SM1"), sent(claimed[1].id, "SM2"), failed}, now()));
  ASSERT_TRUE(outbox.apply_delivery_report("SM1", MessageStatus::delivered, "", now()).take());

  std::map<std::string, std::int64_t> cells;
  std::int64_t total = 0;
  for (const auto& f : outbox.funnel(c)) {
    cells[std::to_string(f.step) + "/" + f.channel + "/" + to_string(f.status)] += f.count;
    total += f.count;
  }
  EXPECT_EQ(total, outbox.count(c));
  EXPECT_EQ(cells, (std::map<std::string, std::int64_t>{{"0/email/failed", 1},
                                                        {"0/sms/delivered", 1},
                                                        {"0/sms/sent", 1},
                                                        {"1//waiting", 3}}));
}

// Rows not yet attempted have no channel; both funnels list them first in their step (and
// municipality) on both backends, where ordering by the bare column puts them first on SQLite and
// last on PostgreSQL.
TEST_P(OutboxTest, FunnelsAreInTheSameOrderOnEveryBackend) {
  auto c = campaign("herstel");
  auto cor = add_contact("Cor", "GM0606");
  launch(c, 1, {anna, bram, cor}, now());
  auto claimed = claim(2);
  ASSERT_EQ(claimed.size(), 2u);
  ASSERT_NE(claimed[0].contact_id, cor);
  ASSERT_NE(claimed[1].contact_id, cor);
  ASSERT_TRUE(outbox.record({sent(claimed[0].id, "SM1")}, now()));  // the other stays sending

  std::vector<std::string> order;
  for (const auto& f : outbox.funnel(c)) order.push_back(f.channel + "/" + to_string(f.status));
  EXPECT_EQ(order, (std::vector<std::string>{"/queued", "/sending", "sms/sent"}));
  order.clear();
  for (const auto& f : outbox.funnel_by_municipality(c))
    order.push_back(f.municipality + "/" + f.channel + "/" + to_string(f.status));
  EXPECT_EQ(order, (std::vector<std::string>{"GM0599//sending", "GM0599/sms/sent", "GM0606//queued"}));
}

TEST_P(OutboxTest, SendsSinceFeedTheFrequencyCap) {
  auto c = campaign("herstel");
  launch(c, 1, {anna, bram}, now());
  auto claimed = claim();
  ASSERT_TRUE(outbox.record({sent(claimed[0].id, "SM1")}, now()));
  clock.advance(hours(1));
  ASSERT_TRUE(outbox.record({sent(claimed[1].id, "SM2")}, now()));
  std::vector<std::int64_t> contacts;
  outbox.for_each_send_since(now() - minutes(30), [&](std::int64_t contact, core::TimePoint at) {
    contacts.push_back(contact);
    EXPECT_EQ(at, now());
  });
  EXPECT_EQ(contacts, (std::vector<std::int64_t>{claimed[1].contact_id}));
}

TEST_P(OutboxTest, SandboxKeepsWhatWouldHaveBeenSent) {
  auto c = campaign("herstel");
  auto other = campaign("ander");
  launch(c, 1, {anna}, now());
  launch(other, 1, {anna}, now());
  auto claimed = claim();
  ASSERT_EQ(claimed.size(), 2u);
  for (const auto& m : claimed) {
    SandboxDelivery d;
    d.message_id = m.id;
    d.channel = "sms";
    d.urn = "tel:+31612345678";
    d.language = "nl";
    d.body = "Hallo " + std::to_string(m.campaign_id);
    d.at = now();
    ASSERT_TRUE(outbox.record_sandbox(d));
  }
  auto all = outbox.sandbox(10);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].message_id, claimed[1].id);  // newest first
  auto one = outbox.sandbox(10, c);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].body, "Hallo " + std::to_string(c));
  EXPECT_EQ(one[0].subject, "");
}

TEST_P(OutboxTest, StatusNamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(MessageStatus::suppressed); ++i) {
    auto s = static_cast<MessageStatus>(i);
    EXPECT_EQ(parse_message_status(to_string(s)).take(), s);
  }
  EXPECT_EQ(parse_message_status("lost").error().what(), "status: unknown message status 'lost'");
  EXPECT_FALSE(is_final(MessageStatus::sending));
  EXPECT_TRUE(is_final(MessageStatus::unknown));
}

OUTREACH_ON_EACH_BACKEND(OutboxTest);

}  // namespace
}  // namespace outreach::storage
