#include "app/sign_in_commands.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "app/app_context.h"
#include "core/urn.h"
#include "services/sign_in.h"
#include "storage/outbox.h"

namespace outreach::app {

namespace {

// One line from stdin; on a terminal with echo off and the prompt on stderr.
std::string read_password(const std::string& prompt) {
  const bool tty = isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::cerr << prompt << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

services::SignIn sign_in_for(AppContext& ctx) {
  return services::SignIn(*ctx.db, *ctx.clock, ctx.secret->derive("totp"));
}

int set_password(AppContext& ctx, const std::string& name, std::ostream& out) {
  std::string password = read_password("new password for " + name + ": ");
  if (isatty(STDIN_FILENO) && read_password("again: ") != password) {
    throw core::ErrorException(core::Error::invalid("the two passwords differ", "password"));
  }
  sign_in_for(ctx).set_password(ctx.local_operator(), name, password).take();
  out << "password set for " << name << "; their web sessions are signed out\n";
  return 0;
}

int reset_totp(AppContext& ctx, const std::string& name, std::ostream& out) {
  auto e = sign_in_for(ctx).reset_totp(ctx.local_operator(), name).take();
  out << "second factor for " << name << " (shown once; add it to an authenticator app now):\n"
      << "  secret: " << e.secret_base32 << "\n"
      << "  " << e.uri << "\n";
  return 0;
}

// The configured channel that reaches `to` (its scheme); it must be a sandbox channel: the CLI does
// not run the engine's provider connectors, so a real send would need `serve`.
std::string sandbox_channel_for(AppContext& ctx, const core::Urn& to) {
  for (const auto& [name, ch] : ctx.config.engine.channels) {
    if (ch.scheme != to.scheme()) continue;
    if (ch.provider != "sandbox") {
      throw core::ErrorException(core::Error::invalid(
          "channel '" + name + "' uses provider " + ch.provider +
              ": the CLI sends sign-in links through sandbox channels only; pass the printed link on yourself",
          "--send-to"));
    }
    return name;
  }
  throw core::ErrorException(core::Error::invalid("no configured channel reaches " + to.str(), "--send-to"));
}

int sign_in_link(AppContext& ctx, const std::string& name, const std::string& send_to, std::ostream& out) {
  std::optional<core::Urn> to;
  std::string channel;
  if (!send_to.empty()) {
    to = core::Urn::parse(send_to).take();
    channel = sandbox_channel_for(ctx, *to);
  }
  auto token = sign_in_for(ctx).issue_link(ctx.local_operator(), name).take();
  std::string base = ctx.config.engine.public_base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(services::SignInRules{}.link_ttl).count();
  const std::string url = base + "/sign-in/link/" + token;
  out << "sign-in link for " << name << " (works once, for " << minutes << " minutes):\n  " << url << "\n";
  if (to) {
    storage::SandboxDelivery d;
    d.channel = channel;
    d.urn = to->str();
    d.language = "nl";
    d.subject = "Aanmelden bij Outreach";
    d.body = "Uw link om aan te melden (werkt een keer, " + std::to_string(minutes) + " minuten): " + url;
    d.at = ctx.clock->now();
    storage::Outbox(*ctx.db).record_sandbox(d).take();
    out << "sent through the sandbox channel " << channel << " to " << to->str() << " (outreach sandbox list)\n";
  }
  return 0;
}

}  // namespace

void add_sign_in_commands(CLI::App& principals, AppContext& ctx, std::function<int()>& run, std::ostream& out) {
  auto name = std::make_shared<std::string>();
  auto on = [&run](CLI::App* c, std::function<int()> f) { c->callback([&run, f] { run = f; }); };
  auto* pw = principals.add_subcommand("set-password", "set a web password (read from stdin, never from argv)");
  pw->add_option("NAME", *name)->required();
  on(pw, [&ctx, name, &out] { return set_password(ctx, *name, out); });
  auto* totp = principals.add_subcommand("reset-totp", "a new TOTP second factor; prints the otpauth:// URI once");
  totp->add_option("NAME", *name)->required();
  on(totp, [&ctx, name, &out] { return reset_totp(ctx, *name, out); });
  auto send_to = std::make_shared<std::string>();
  auto* link = principals.add_subcommand("sign-in-link", "a one-time web sign-in link for a volunteer");
  link->add_option("NAME", *name)->required();
  link->add_option("--send-to", *send_to, "also send it to this address (tel:, mailto:, ...) through its sandbox channel");
  on(link, [&ctx, name, send_to, &out] { return sign_in_link(ctx, *name, *send_to, out); });
}

}  // namespace outreach::app
