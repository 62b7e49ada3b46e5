#include "engine/sender.h"

#include "net/http_transport.h"
#include "net/wire_lane.h"
#include "storage/outbox.h"

namespace outreach::engine {

void SandboxSender::send(std::int64_t message_id, const std::string& channel, const channels::OutboundMessage& msg,
                         Done done) {
  storage::SandboxDelivery d;
  d.message_id = message_id;
  d.channel = channel;
  d.urn = msg.to.str();
  d.language = msg.language;
  d.subject = msg.subject;
  d.body = msg.text;
  d.at = msg.now;
  auto st = outbox_.record_sandbox(d);
  channels::SendOutcome out;
  if (st) {
    out.verdict = channels::SendVerdict::sent;
    out.provider_id = "sandbox-" + msg.client_ref;
  } else {
    out.verdict = channels::SendVerdict::transient;
    out.reason = st.error().what();
  }
  done(std::move(out));
}

namespace {

// The connector's verdict on an answer; runs on whichever thread the transport completes on
// (connectors are immutable and safe from any thread).
channels::SendOutcome classify(const channels::Connector& connector, const std::string& own_id,
                               const channels::TransportResponse& r) {
  channels::SendOutcome outcome = connector.parse_send(r);
  if (outcome.provider_id.empty() && outcome.verdict == channels::SendVerdict::sent) outcome.provider_id = own_id;
  // A provider that deduplicates on our reference makes the retry of an ambiguous send safe: the
  // retry carries the same client_ref (it is a function of the outbox row).
  if (outcome.verdict == channels::SendVerdict::ambiguous && connector.dedups_on_client_ref()) {
    outcome.verdict = channels::SendVerdict::transient;
    outcome.reason += " (retry is safe: " + std::string(connector.provider()) + " deduplicates on our reference)";
  }
  return outcome;
}

}  // namespace

void ConnectorSender::send(std::int64_t, const std::string&, const channels::OutboundMessage& msg, Done done) {
  auto request = connector_.build_send(msg);
  if (!request) {
    channels::SendOutcome out;
    out.verdict = channels::SendVerdict::permanent;
    out.reason = request.error().what();
    done(std::move(out));
    return;
  }
  const channels::Connector* connector = &connector_;
  // E-mail has no provider id in its answer: the Message-ID we generated is the id bounces quote.
  std::string own_id;
  if (const std::string* mid = channels::find_header(request->headers, "Message-ID")) own_id = *mid;
  if (wire_ == nullptr) {
    transport_.execute(std::move(*request), [connector, own_id, done = std::move(done)](channels::TransportResponse r) {
      done(classify(*connector, own_id, r));
    });
    return;
  }
  net::HttpTransport* transport = &transport_;
  wire_->round_trip([transport, connector, own_id = std::move(own_id), request = std::move(*request),
                     done = std::move(done), alive = alive_](net::WireLane::Home home) mutable {
    transport->execute(std::move(request), [connector, own_id, done = std::move(done), alive = std::move(alive),
                                            home = std::move(home)](channels::TransportResponse r) mutable {
      home([outcome = classify(*connector, own_id, r), done = std::move(done), alive = std::move(alive)]() mutable {
        if (*alive) done(std::move(outcome));
      });
    });
  });
}

}  // namespace outreach::engine
