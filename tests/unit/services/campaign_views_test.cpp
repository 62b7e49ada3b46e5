// What the coordinator's and approver's pages read: the funnel per municipality, "who gets what,
// and why not" for one person, coverage, the changes since the last approved version, the rendered
// templates, and the messages in doubt.
#include "services/campaign_views.h"

#include <gtest/gtest.h>

#include "services/people.h"
#include "tests/support/actors.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

class CampaignViewsTest : public EngineTest {
 protected:
  services::CampaignViews views() { return services::CampaignViews(*db, clock, config); }
  std::int64_t person_in(const std::string& municipality, int n) {
    auto id = person(n);
    db->sqlite().exec("UPDATE contacts SET municipality_code = '" + municipality + "' WHERE id = " + std::to_string(id));
    return id;
  }
  std::int64_t audit(const std::string& action) {
    return sql_int("SELECT count(*) FROM audit_log WHERE action = '" + action + "'");
  }
};

TEST_F(CampaignViewsTest, TheFunnelIsCutByStepChannelAndMunicipalityAndAddsUpToTheOutbox) {
  for (int i = 1; i <= 3; ++i) person(i);
  person_in("GM0606", 4);
  launch(campaign_yaml("f", one_step("[sms]") + "  - id: two\n    after: 1d\n    channels: [email]\n    template: second\n"));
  sms.script = {sent_outcome(), permanent_outcome()};  // p1 sent, p2 fails on its only channel
  run(clock.now());
  auto f = views().funnel(actor("amira"), "f");
  ASSERT_TRUE(f) << f.error().what();
  EXPECT_EQ(f->step_ids, (std::vector<std::string>{"one", "two"}));
  std::int64_t total = 0;
  for (const auto& c : f->cells) total += c.total;
  EXPECT_EQ(total, f->messages);
  EXPECT_EQ(f->messages, sql_int("SELECT count(*) FROM messages"));
  const services::FunnelCellView* rotterdam_sms = nullptr;
  const services::FunnelCellView* other = nullptr;
  for (const auto& c : f->cells) {
    if (c.step == 0 && c.municipality == "GM0599" && c.channel == "sms") rotterdam_sms = &c;
    if (c.step == 0 && c.municipality == "GM0606") other = &c;
  }
  ASSERT_NE(rotterdam_sms, nullptr);
  EXPECT_EQ(rotterdam_sms->municipality_name, "Gemeente GM0599");
  EXPECT_EQ(rotterdam_sms->step_id, "one");
  EXPECT_EQ(rotterdam_sms->sent, 2);
  std::int64_t failed = 0;
  for (const auto& c : f->cells) failed += c.step == 0 && c.municipality == "GM0599" ? c.failed : 0;
  EXPECT_EQ(failed, 1);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->total, 1);
  EXPECT_EQ(other->sent, 1);
  EXPECT_GE(rotterdam_sms->sent, rotterdam_sms->delivered);
  auto all = views().list(actor("joost"));
  ASSERT_TRUE(all) << all.error().what();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].key, "f");
  EXPECT_EQ((*all)[0].state, "running");
  EXPECT_EQ((*all)[0].version, 1);
  auto refused = views().funnel(actor_as("vera", storage::PrincipalKind::volunteer, "GM0599"), "f");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::forbidden);
}

TEST_F(CampaignViewsTest, ALookupShowsWhatAnIncludedPersonGetsFoundByIdPhoneOrEmail) {
  auto id = person(1);
  ASSERT_TRUE(desk().save(actor("amira"), campaign_yaml("l", one_step("[sms, email]")), "l.yaml"));
  for (const std::string& who : std::vector<std::string>{std::to_string(id), "06 1234 0001", "+31612340001", "p1@example.nl"}) {
    auto r = views().lookup(actor("amira"), "l", who);
    ASSERT_TRUE(r) << who << ": " << r.error().what();
    EXPECT_TRUE(r->found) << who;
    ASSERT_TRUE(r->included) << who << " " << r->reason;
    EXPECT_EQ(r->contact_id, id);
    EXPECT_EQ(r->name, "Persoon 1");
    ASSERT_EQ(r->steps.size(), 1u);
    EXPECT_EQ(r->steps[0].channel, "sms");
    EXPECT_EQ(r->steps[0].language, "nl");
    EXPECT_EQ(r->steps[0].text, "Beste Persoon 1, hulp van Gemeente GM0599. Herstelteam. Stuur STOP.");
    EXPECT_EQ(r->steps[0].outbox_status, "");  // not launched
  }
  EXPECT_EQ(sql_int("SELECT count(*) FROM audit_log WHERE action = 'campaign.lookup' AND subject = 'contact:" +
                    std::to_string(id) + "'"),
            4);
}

TEST_F(CampaignViewsTest, SomeoneThePolicyRefusesIsAnsweredWithTheReasonCodeOnly) {
  auto stopped = person(1);
  withdraw(stopped, "sms");  // STOP by SMS stops every channel
  storage::Contact never;
  never.name = "Nooit Gevraagd";
  never.municipality = "GM0599";
  never.addresses.push_back({core::Urn::parse(phone_of(2)).take()});
  const auto never_id = storage::ContactStore(*db).add(never, clock.now()).take();
  auto erased = person(3);
  ASSERT_TRUE(services::People(*db, clock, config).erase(actor("amira"), erased));
  ASSERT_TRUE(desk().save(actor("amira"), campaign_yaml("l", one_step()), "l.yaml"));

  auto expect_reason_only = [&](const std::string& who, const std::string& reason) {
    auto r = views().lookup(actor("amira"), "l", who);
    ASSERT_TRUE(r) << who << ": " << r.error().what();
    EXPECT_FALSE(r->included) << who;
    EXPECT_EQ(r->reason, reason) << who;
    EXPECT_EQ(r->contact_id, 0) << who;
    EXPECT_EQ(r->name, "") << who;
    EXPECT_EQ(r->municipality, "") << who;
    EXPECT_TRUE(r->steps.empty()) << who;
  };
  expect_reason_only(std::to_string(stopped), "stopped");
  expect_reason_only(phone_of(1).substr(4), "stopped");
  expect_reason_only(std::to_string(never_id), "no_consent");
  expect_reason_only(std::to_string(erased), "erased");
  expect_reason_only(phone_of(3).substr(4), "suppressed_address");  // erased: only the suppression list knows
  expect_reason_only("0612349999", "not_found");
  expect_reason_only("999", "not_found");

  auto bad = views().lookup(actor("amira"), "l", "not a phone");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::invalid_input);
  EXPECT_EQ(bad.error().where, "who");
  auto approver = views().lookup(actor("joost"), "l", std::to_string(stopped));
  ASSERT_FALSE(approver);
  EXPECT_EQ(approver.error().code, core::ErrorCode::forbidden);
}

TEST_F(CampaignViewsTest, AfterLaunchTheLookupSaysWhereThePersonStands) {
  auto id = person(1);
  launch(campaign_yaml("s", one_step()));
  run(clock.now());
  auto r = views().lookup(actor("amira"), "s", std::to_string(id));
  ASSERT_TRUE(r) << r.error().what();
  ASSERT_TRUE(r->included);
  EXPECT_EQ(r->steps[0].outbox_status, "sent");
}

TEST_F(CampaignViewsTest, TheApproverSeesWhatChangedSinceTheLastApprovedVersion) {
  auto& d = desk();
  const std::string v1 = campaign_yaml("c", one_step());
  ASSERT_TRUE(d.save(actor("amira"), v1, "c.yaml"));
  auto first = views().changes(actor("joost"), "c");
  ASSERT_TRUE(first) << first.error().what();
  EXPECT_FALSE(first->approved_version);
  ASSERT_FALSE(first->diff.empty());
  for (const auto& l : first->diff) EXPECT_EQ(l.op, '+');
  ASSERT_TRUE(d.submit(actor("amira"), "c"));
  ASSERT_TRUE(d.approve(actor("joost"), "c"));

  std::string v2 = campaign_yaml("c", one_step("[sms, email]"));
  v2.replace(v2.find("Beste {{name}}"), 14, "Hallo {{name}}");
  ASSERT_TRUE(d.save(actor("amira"), v2, "c.yaml"));
  ASSERT_TRUE(d.submit(actor("amira"), "c"));
  auto ch = views().changes(actor("joost"), "c");
  ASSERT_TRUE(ch) << ch.error().what();
  EXPECT_EQ(ch->version, 2);
  ASSERT_TRUE(ch->approved_version);
  EXPECT_EQ(*ch->approved_version, 1);
  std::vector<std::string> what;
  for (const auto& i : ch->items) what.push_back(i.part + ": " + i.what);
  EXPECT_EQ(what, (std::vector<std::string>{"steps: step one", "templates: template first nl text"}));
  EXPECT_EQ(ch->items[0].before, "after 0d, sms, template first");
  EXPECT_EQ(ch->items[0].after, "after 0d, sms, email, template first");
  int minus = 0, plus = 0;
  for (const auto& l : ch->diff) {
    minus += l.op == '-';
    plus += l.op == '+';
  }
  EXPECT_EQ(minus, 2);
  EXPECT_EQ(plus, 2);
}

TEST_F(CampaignViewsTest, ALintFindingIsShownOnTheTemplateLanguageItConcerns) {
  std::string yaml = campaign_yaml("t", one_step("[sms]"));
  // The English text grows past six SMS parts: a warning on that language only.
  std::string filler;
  for (int i = 0; i < 70; ++i) filler += "Wij helpen u graag. ";
  yaml.replace(yaml.find("Dear {{name}},"), 14, "Dear {{name}}, " + filler);
  ASSERT_TRUE(desk().save(actor("amira"), yaml, "t.yaml"));
  auto t = views().templates(actor("joost"), "t");
  ASSERT_TRUE(t) << t.error().what();
  ASSERT_EQ(t->size(), 2u);
  const auto& en = (*t)[0];
  const auto& nl = (*t)[1];
  EXPECT_EQ(en.language, "en");
  EXPECT_GT(en.sms_segments, 6);
  bool segments_warned = false;
  for (const auto& w : en.warnings) segments_warned = segments_warned || w.find("templates.first.en.text") != std::string::npos;
  EXPECT_TRUE(segments_warned);
  for (const auto& w : nl.warnings) EXPECT_EQ(w.find("templates.first.en"), std::string::npos) << w;
  EXPECT_EQ(nl.sms_segments, 1);
}

TEST_F(CampaignViewsTest, RenderedTemplatesCarrySmsSegmentsForSmsOnly) {
  ASSERT_TRUE(desk().save(actor("amira"), campaign_yaml("t", one_step("[sms, email]")), "t.yaml"));
  auto t = views().templates(actor("joost"), "t");
  ASSERT_TRUE(t) << t.error().what();
  ASSERT_EQ(t->size(), 4u);  // first x {nl, en} x {email, sms}
  for (const auto& r : *t) {
    EXPECT_EQ(r.template_id, "first");
    EXPECT_EQ(r.steps, (std::vector<std::string>{"one"}));
    EXPECT_EQ(r.render_error, "");
    EXPECT_TRUE(r.errors.empty()) << r.errors.front();
    if (r.channel == "sms") {
      EXPECT_EQ(r.sms_encoding, "GSM-7");
      EXPECT_EQ(r.sms_segments, 1);
      EXPECT_GT(r.sms_characters, 40);
    } else {
      EXPECT_EQ(r.sms_segments, 0);
      EXPECT_FALSE(r.subject.empty());
    }
  }
  EXPECT_EQ((*t)[0].channel, "email");
  EXPECT_EQ((*t)[0].language, "en");
  EXPECT_EQ((*t)[0].text, "Dear Samira de Vries, help from Rotterdam. Herstelteam. Send STOP.");  // sample values
}

TEST_F(CampaignViewsTest, CoverageHidesSmallCountsAndIsNotForVolunteers) {
  // Rijnmond: 7 + 6; outside any region: 1 (hidden) and 6 (hidden too, or the national total
  // minus the shown rows would give the 1 away).
  add_municipality("GM0363");
  add_municipality("GM0344");
  int n = 0;
  for (int i = 0; i < 7; ++i) person(++n);
  for (int i = 0; i < 6; ++i) person_in("GM0606", ++n);
  person_in("GM0363", ++n);
  for (int i = 0; i < 6; ++i) person_in("GM0344", ++n);
  auto c = views().coverage(actor("amira"), clock.now() - std::chrono::hours(24 * 30), clock.now() + std::chrono::hours(1));
  ASSERT_TRUE(c) << c.error().what();
  const services::CoverageRow* big = nullptr;
  const services::CoverageRow* small = nullptr;
  for (const auto& r : c->rows) {
    if (r.code == "GM0599") big = &r;
    if (r.code == "GM0606") small = &r;
  }
  ASSERT_NE(big, nullptr);
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(big->known.value, 7);
  EXPECT_EQ(small->known.value, 6);
  EXPECT_FALSE(small->known.suppressed);
  for (const auto& r : c->rows) {
    if (r.code == "GM0363") {
      EXPECT_TRUE(r.known.suppressed);
    }
  }
  EXPECT_FALSE(big->known.suppressed);
  EXPECT_EQ(c->small_count_threshold, 5);
  EXPECT_EQ(audit("scorecards.read"), 1);
  auto refused = views().coverage(actor_as("vera", storage::PrincipalKind::volunteer, "GM0599"), clock.now() - std::chrono::hours(1), clock.now());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::forbidden);
}

TEST_F(CampaignViewsTest, TheMessagesInDoubtAreListedWithWhyForThoseWhoMayResendThem) {
  for (int i = 1; i <= 3; ++i) person(i);
  launch(campaign_yaml("u", one_step()));
  db->sqlite().exec("UPDATE messages SET status = 'unknown', channel = 'sms', reason = 'no answer after the request was sent' "
                 "WHERE id IN (SELECT id FROM messages ORDER BY id LIMIT 2)");
  auto u = views().unknown(actor("amira"), "u");
  ASSERT_TRUE(u) << u.error().what();
  ASSERT_EQ(u->size(), 2u);
  EXPECT_EQ((*u)[0].step_id, "one");
  EXPECT_EQ((*u)[0].channel, "sms");
  EXPECT_EQ((*u)[0].reason, "no answer after the request was sent");
  auto refused = views().unknown(actor("joost"), "u");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::forbidden);
}

TEST(LineDiff, KeepsContextAroundChangesAndNumbersBothSides) {
  const std::string a = "a\nb\nc\nd\ne\nf\ng\nh\ni\n";
  const std::string b = "a\nb\nc\nd\nE\nf\ng\nh\ni\nj\n";
  auto d = services::line_diff(a, b, 1);
  std::string shown;
  for (const auto& l : d) shown += std::string(1, l.op) + l.text + (l.old_line ? std::to_string(l.old_line) : "") + "/" +
                                  (l.new_line ? std::to_string(l.new_line) : "") + " ";
  EXPECT_EQ(shown, " d4/4 -e5/ +E/5  f6/6  i9/9 +j/10 ");
  EXPECT_TRUE(services::line_diff(a, a).empty());
}

}  // namespace
}  // namespace outreach::test
