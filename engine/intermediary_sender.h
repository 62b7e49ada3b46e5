#pragma once
// The intermediary channel: instead of one message per person, each intermediary gets a digest of
// the people routed to it (engine/intermediary_routing.h) with what to tell each of them, by e-mail
// or as a signed webhook (channels/intermediary_connector.h).
//
// A person's send waits in its intermediary's open batch until the batch holds
// DigestPolicy::max_people or its first person has waited DigestPolicy::linger; then one digest
// goes out and every person in it completes with the digest's outcome. The batch id is each
// message's provider id, and each person's ref is their outbox message id, so a report back can be
// matched to exactly the people that intermediary was sent. Rows stay `sending` while they wait
// (the lease must exceed the linger; the config loader checks it).
//
// With a database (the engine always passes one), every person joining a digest is stored
// (storage/digest_store.h) and the digest is marked `sending`, committed, before its request
// leaves; an answer `sent` is stored too. After a crash, recover_digests (engine/digest_recovery.h)
// queues the people of digests that never left again, records the people of accepted digests as
// sent, and makes the people of digests in flight `unknown` with the batch id, so the
// intermediary can still report back on them. When the digest cannot be marked `sending` (a full
// disk), it is not sent and its people get a transient outcome (retried by the dispatcher).
//
// Threading: engine thread only. `ioc`, `transport`, `clock` and `db` must outlive the sender.

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "channels/intermediary_connector.h"
#include "core/clock.h"
#include "engine/engine_config.h"
#include "engine/sender.h"

namespace boost::asio {
class io_context;
}

namespace outreach::storage {
class Database;
}

namespace outreach::engine {

class IntermediarySender final : public Sender {
 public:
  IntermediarySender(boost::asio::io_context& ioc, net::HttpTransport& transport, const core::Clock& clock,
                     const std::vector<IntermediaryConfig>& intermediaries,
                     const std::optional<channels::EmailSettings>& smtp, DigestPolicy policy,
                     storage::Database* db = nullptr);
  ~IntermediarySender() override;
  IntermediarySender(const IntermediarySender&) = delete;
  IntermediarySender& operator=(const IntermediarySender&) = delete;

  // `msg.to` is "intermediary:<key>" and `msg.person` the person to approach.
  void send(std::int64_t message_id, const std::string& channel, const channels::OutboundMessage& msg,
            Done done) override;
  // Sends every open batch now (graceful shutdown; tests).
  void flush_all();
  // People waiting in open batches.
  std::size_t waiting() const;
  // The connector of intermediary `key` (verifies its reports back); nullptr when unknown.
  const channels::IntermediaryConnector* connector(const std::string& key) const;

 private:
  struct Batch;
  // Closes the open batch of `key` and sends it; `later` posts the send to the io_context, so a
  // digest filled inside the dispatcher's batch transaction is marked and sent after it commits.
  void close(const std::string& key, bool later);
  void dispatch(std::shared_ptr<Batch> batch);
  std::string next_batch_id(const std::string& key);

  boost::asio::io_context& ioc_;
  net::HttpTransport& transport_;
  const core::Clock& clock_;
  DigestPolicy policy_;
  std::map<std::string, channels::IntermediaryConnector> connectors_;
  storage::Database* db_;
  std::map<std::string, std::shared_ptr<Batch>> open_;  // by intermediary key
  std::mt19937_64 random_;
  std::shared_ptr<bool> alive_;  // guards linger timers after destruction
};

}  // namespace outreach::engine
