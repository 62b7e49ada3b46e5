// imap: what the IMAP poller reads from a mailbox: the UID SEARCH answer (parse_search_response)
// and a fetched message sorted into a reply, a bounce, an unsubscribe or something else
// (parse_mailbox_message, with and without the reply-address and Message-ID domain matching), and
// strip_quoted on the text. Checked: a reply's text and sender are valid UTF-8.
#include <cstdlib>
#include <string>
#include <variant>

#include "channels/imap_mailbox.h"
#include "core/text_encoding.h"

using namespace outreach;
using namespace outreach::channels;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  (void)parse_search_response(raw);
  static const MailboxMatch plain{};
  static const MailboxMatch ours{"reply", "outreach.example.org", "unsubscribe@outreach.example.org"};
  for (const MailboxMatch* match : {&plain, &ours}) {
    auto item = parse_mailbox_message(raw, *match);
    if (!item) {
      if (item.error().message.empty()) std::abort();
      continue;
    }
    if (const auto* reply = std::get_if<MailboxReply>(&*item)) {
      if (!core::is_valid_utf8(reply->message.text) || !core::is_valid_utf8(reply->message.from.str())) std::abort();
      (void)strip_quoted(reply->message.text);
    }
  }
  return 0;
}
