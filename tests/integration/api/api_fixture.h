#pragma once
// A real HTTP server on 127.0.0.1:0 with the whole api, on its own io_context thread, over a
// temporary SQLite database seeded with municipalities, principals (one token per kind) and people.
// Requests go through libcurl easy, like any client's would.

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <SQLiteCpp/SQLiteCpp.h>
#include <string>
#include <thread>

#include "api/context.h"
#include "api/router.h"
#include "channels/twilio_connector.h"
#include "channels/whatsapp_connector.h"
#include "services/campaign_desk.h"
#include "engine/engine_config.h"
#include "net/http_server.h"
#include "engine/inbound.h"
#include "net/metrics.h"
#include "storage/audit_log.h"
#include "storage/case_store.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/principal_store.h"
#include "storage/response_store.h"
#include "tests/support/http_client.h"

namespace outreach::test {

using nlohmann::json;

struct Reply {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  long connects = 0;                           // new connections this request opened
  json j() const { return json::parse(body, nullptr, false); }
};

class ApiTest : public ::testing::Test {
 protected:
  static constexpr const char* kTwilioToken = "twilio-test-auth-token";
  static constexpr const char* kPublicBase = "https://outreach.example.org";

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("outreach-api-" + std::to_string(::getpid()) + "-" +
                                                     std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    db_ = storage::Database::open((dir_ / "test.db").string()).take();
    seed();
    config_ = engine::sandbox_config();
    config_.suppression_key = "test-suppression-key";
    // The example campaign publishes a page post on facebook_page, as config/outreach.yaml has it.
    config_.channels["facebook_page"].name = "facebook_page";
    config_.channels["facebook_page"].scheme = core::UrnScheme::page;
    inbound_ = std::make_unique<engine::InboundProcessor>(*db_, clock_, config_, nullptr);
    desk_ = std::make_unique<services::CampaignDesk>(*db_, clock_, config_);
    channels::TwilioConfig tc;
    tc.account_sid = "AC123";
    tc.auth_token = kTwilioToken;
    tc.from = "+3197010203040";
    twilio_ = std::make_unique<channels::TwilioConnector>(tc);
    channels::WhatsAppConfig wc;
    wc.phone_number_id = "1234";
    wc.access_token = "wa-access";
    wc.app_secret = "wa-app-secret";
    wc.verify_token = "wa-verify";
    whatsapp_ = std::make_unique<channels::WhatsAppConnector>(wc);

    ctx_.db = db_.get();
    ctx_.clock = &clock_;
    ctx_.metrics = &metrics_;
    ctx_.inbound = inbound_.get();
    ctx_.desk = desk_.get();
    ctx_.webhooks["sms"] = twilio_.get();
    ctx_.webhooks["whatsapp"] = whatsapp_.get();
    ctx_.public_base_url = kPublicBase;
    config_.assignment_cap = 3;
    ctx_.config = &config_;
    router_ = api::make_router(ctx_);
    server_ = std::make_unique<net::HttpServer>(ioc_, options(), api::http_handler(*router_));
    ASSERT_TRUE(server_->start().ok());
    io_thread_ = std::thread([this] { ioc_.run(); });
    curl_ = curl_easy_init();
  }

  void TearDown() override {
    if (curl_) curl_easy_cleanup(curl_);
    server_->stop();
    work_.reset();
    io_thread_.join();
    server_.reset();
    router_.reset();
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  virtual net::HttpServerOptions options() {
    net::HttpServerOptions o;
    o.read_timeout = std::chrono::seconds(5);
    return o;
  }

  void seed() {
    storage::MunicipalityStore m(*db_);
    ASSERT_TRUE(m.upsert_region({"rijnmond", "Rijnmond", "GM0599"}).ok());
    ASSERT_TRUE(m.upsert({"GM0599", "Rotterdam", "rijnmond"}).ok());
    ASSERT_TRUE(m.upsert({"GM0606", "Schiedam", "rijnmond"}).ok());
    ASSERT_TRUE(m.upsert({"GM0363", "Amsterdam", ""}).ok());
    storage::PrincipalStore p(*db_);
    auto add = [&](const std::string& name, storage::PrincipalKind kind, const std::string& scope) {
      tokens_[name] = p.add(name, kind, scope, clock_.now()).take().token;
    };
    using K = storage::PrincipalKind;
    add("coord", K::coordinator, "");
    add("approver", K::approver, "");
    add("vol1", K::volunteer, "rijnmond");
    add("vol2", K::volunteer, "rijnmond");
    add("inter", K::intermediary, "rijnmond");
    add("gm0599", K::municipality, "GM0599");
    add("gm0363", K::municipality, "GM0363");
    add("rijnmond", K::regional_hub, "rijnmond");
    add("national", K::national_fallback, "");
    add("ops", K::operator_, "");
    // People: Rotterdam (nl, nl, tr), Schiedam (nl), Amsterdam (nl).
    alice_ = add_contact("Alice Rotterdam", "GM0599", "nl", "+31612340001");
    bob_ = add_contact("Bob Rotterdam", "GM0599", "nl", "+31612340002");
    cem_ = add_contact("Cem Rotterdam", "GM0599", "tr", "+31612340003");
    dirk_ = add_contact("Dirk Schiedam", "GM0606", "nl", "+31612340004");
    eva_ = add_contact("Eva Amsterdam", "GM0363", "nl", "+31612340005");
  }

  std::int64_t add_contact(const std::string& name, const std::string& code, const std::string& lang,
                           const std::string& phone) {
    storage::Contact c;
    c.name = name;
    c.municipality = code;
    c.language = lang;
    c.addresses.push_back({core::Urn::phone(phone).take()});
    return storage::ContactStore(*db_).add(c, clock_.now()).take();
  }

  // A consent event as a keyword reply would record it.
  void record_consent(std::int64_t contact, const std::string& purpose, const std::string& channel = "*",
                      storage::ConsentAction action = storage::ConsentAction::grant) {
    storage::ConsentEvent e;
    e.contact_id = contact;
    e.purpose = purpose;
    e.channel = channel;
    e.action = action;
    e.source = "sms_keyword";
    e.collector = "test";
    e.at = clock_.now();
    EXPECT_TRUE(storage::ConsentLedger(*db_).record(e).ok());
  }

  // A reply from the contact with consent to share with its municipality, and a case for it.
  std::int64_t add_shared_response(std::int64_t contact, const std::string& code, const std::string& text,
                                   const std::string& provider_id) {
    record_consent(contact, "share:" + code);
    storage::Response r;
    r.contact_id = contact;
    r.channel = "sms";
    r.urn = "tel:+3161234000" + std::to_string(contact);
    r.provider_message_id = provider_id;
    r.text = text;
    r.keyword = "yes";
    r.received_at = clock_.now();
    auto id = storage::ResponseStore(*db_).record(r).take();
    return id.value_or(0);
  }

  // A case exists because the person agreed to share with `code` (a JA): the consent comes first.
  std::int64_t open_case(std::int64_t contact, const std::string& code) {
    if (!storage::ConsentLedger(*db_).state(contact, "share:" + code).granted("*")) {
      record_consent(contact, "share:" + code);
    }
    return storage::CaseStore(*db_)
        .open(contact, code, std::nullopt, clock_.now(), clock_.now() + std::chrono::hours(120), "test")
        .take();
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }

  Reply request(const std::string& method, const std::string& path, const std::string& token = {},
                const std::string& body = {}, std::vector<std::string> headers = {}) {
    Reply reply;
    curl_easy_reset(curl_);
    curl_easy_setopt(curl_, CURLOPT_URL, url(path).c_str());
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "HEAD") curl_easy_setopt(curl_, CURLOPT_NOBODY, 1L);
    if (!body.empty() || method == "POST") {
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    curl_slist* list = nullptr;
    if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
    bool has_type = false;
    for (const auto& h : headers) has_type = has_type || h.rfind("Content-Type", 0) == 0;
    if (!body.empty() && !has_type) headers.push_back("Content-Type: application/json");
    for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &reply.headers);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 10000L);
    CURLcode rc = curl_easy_perform(curl_);
    curl_slist_free_all(list);
    if (rc == CURLE_OK) {
      curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &reply.status);
      curl_easy_getinfo(curl_, CURLINFO_NUM_CONNECTS, &reply.connects);
    }
    return reply;
  }

  Reply get(const std::string& path, const std::string& who = {}) { return request("GET", path, token(who)); }
  Reply post(const std::string& path, const std::string& who, const json& body) {
    return request("POST", path, token(who), body.dump());
  }
  std::string token(const std::string& who) const { return who.empty() ? std::string() : tokens_.at(who); }

  std::int64_t count(const std::string& table) {
    SQLite::Statement st(db_->sqlite(), "SELECT count(*) FROM " + table);
    st.executeStep();
    return st.getColumn(0).getInt64();
  }

  static inline int counter_ = 0;
  std::filesystem::path dir_;
  core::ManualClock clock_{core::from_millis(1795000000000)};  // 2026-11-17
  std::unique_ptr<storage::Database> db_;
  engine::EngineConfig config_;
  net::MetricsRegistry metrics_;
  std::unique_ptr<engine::InboundProcessor> inbound_;
  std::unique_ptr<services::CampaignDesk> desk_;
  std::unique_ptr<channels::TwilioConnector> twilio_;
  std::unique_ptr<channels::WhatsAppConnector> whatsapp_;
  api::ApiContext ctx_;
  std::unique_ptr<api::Router> router_;
  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      boost::asio::make_work_guard(ioc_)};
  std::unique_ptr<net::HttpServer> server_;
  std::thread io_thread_;
  CURL* curl_ = nullptr;
  std::map<std::string, std::string> tokens_;
  std::int64_t alice_ = 0, bob_ = 0, cem_ = 0, dirk_ = 0, eva_ = 0;
};

}  // namespace outreach::test
