#pragma once
// How the dispatcher hands a rendered message to a channel. A Sender completes every send exactly
// once through `done`, on the engine's thread: synchronously (sandbox) or later (HTTP/SMTP).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "channels/connector.h"

namespace outreach::net {
class HttpTransport;
class WireLane;
}  // namespace outreach::net

namespace outreach::storage {
class Outbox;
}

namespace outreach::engine {


class Sender {
 public:
  using Done = std::function<void(channels::SendOutcome)>;
  virtual ~Sender() = default;
  // message_id identifies the outbox row (for the sandbox log); 0 for replies outside campaigns.
  virtual void send(std::int64_t message_id, const std::string& channel, const channels::OutboundMessage& msg,
                    Done done) = 0;
};

// Delivers into the sandbox outbox table, so a whole campaign runs without credentials.
// `outbox` must outlive the sender.
class SandboxSender final : public Sender {
 public:
  explicit SandboxSender(storage::Outbox& outbox) : outbox_(outbox) {}
  void send(std::int64_t message_id, const std::string& channel, const channels::OutboundMessage& msg,
            Done done) override;

 private:
  storage::Outbox& outbox_;
};

// A provider connector over a net::HttpTransport. Both must outlive the sender. An ambiguous
// outcome (channels::SendVerdict::ambiguous) is passed on as is, unless the connector deduplicates
// on our reference: then it is transient, since the retry carries the same reference.
// With a `wire` lane the transport lives on the lane's thread: the request is built here, executed
// and its answer classified (parse_send) on the wire, and `done` runs back on the engine's thread.
// Without one, everything runs on the engine's thread. A `done` still on its way back when the
// sender is destroyed is dropped.
class ConnectorSender final : public Sender {
 public:
  ConnectorSender(const channels::Connector& connector, net::HttpTransport& transport, net::WireLane* wire = nullptr)
      : connector_(connector), transport_(transport), wire_(wire), alive_(std::make_shared<bool>(true)) {}
  ~ConnectorSender() override { *alive_ = false; }
  void send(std::int64_t message_id, const std::string& channel, const channels::OutboundMessage& msg,
            Done done) override;

 private:
  const channels::Connector& connector_;
  net::HttpTransport& transport_;
  net::WireLane* wire_;
  std::shared_ptr<bool> alive_;  // read and written on the engine's thread only
};

}  // namespace outreach::engine
