#pragma once
// `outreach principals set-password|reset-totp|sign-in-link NAME`: the operator's side of signing
// in to the web pages (services/sign_in.h). The password is read from standard input (a prompt
// without echo on a terminal), never from the command line, where `ps` and shell history see it.
// `sign-in-link NAME --send-to tel:+316...` also sends the link through the sandbox channel for that
// address (recorded like every sandbox send: `outreach sandbox list`); provider channels are refused
// from the CLI (the engine's connectors run in `serve`), so the operator passes the printed link on.

#include <functional>
#include <ostream>

namespace CLI {
class App;
}

namespace outreach::app {

struct AppContext;

// Adds the subcommands to `principals`; the chosen one sets `run`. `ctx` and `out` must outlive it.
void add_sign_in_commands(CLI::App& principals, AppContext& ctx, std::function<int()>& run, std::ostream& out);

}  // namespace outreach::app
