#pragma once
// The contactability policy: the one answer to "may this person be contacted, handed to a
// volunteer or intermediary, listed for a municipality, exported or shown in a preview, and if
// not, why". Every path asks it at the moment it acts (launch, send, assign, digest, list, export,
// preview); services/ adds the actor's scope on top (services/contactability.h). Pure: the caller
// loads PersonFacts from storage when it acts.
//
// A person is refused for the first reason that applies, in this order:
//   erased          the person was erased;
//   do_not_contact  asked not to be contacted (a volunteer log, an operator);
//   suppressed      one of their addresses is on the suppression list;
//   error_report    an error report about them is open (nothing goes out until it is resolved);
//   stopped         a STOP: the latest word on ANY channel for a contact purpose (anything but
//                   share:<code>) is a withdrawal. A STOP on SMS, an unsubscribe from e-mail or a
//                   "no" to a volunteer therefore stops every channel, every volunteer and every
//                   intermediary, and hides the person from municipality lists and exports: a
//                   person who told us to stop in one place must not hear from us in another.
//                   START (a later grant on that channel) lifts it;
//   no_consent      no current consent for what is asked: the campaign purpose on the channel
//                   (message, preview), "peer-contact" on any channel (volunteer, intermediary
//                   and the intermediary channel), "share:<code>" (municipality list, export).

#include <cstdint>
#include <map>
#include <string>

#include "storage/consent_ledger.h"

namespace outreach::campaigns {

enum class Use {
  message,                // a message on `channel` for `purpose`
  hand_to_volunteer,      // an assignment with the person's details
  hand_to_intermediary,   // a digest to an intermediary
  list_for_municipality,  // on municipality `code`'s response list or a case page
  export_list,            // in an export file of municipality `code`
  preview,                // shown in a campaign preview sample
};

enum class Refusal { none, erased, do_not_contact, suppressed, error_report, stopped, no_consent, out_of_scope };

const char* to_string(Use u);
const char* to_string(Refusal r);

// What the policy needs to know about one person, read when acting.
struct PersonFacts {
  std::int64_t contact_id = 0;
  std::string municipality;  // CBS code
  bool erased = false;
  bool do_not_contact = false;
  bool suppressed = false;    // an address is on the suppression list
  bool error_report = false;  // an open error report (storage/error_report_store.h)
  // purpose -> current consent state; purposes without events are absent.
  std::map<std::string, storage::ConsentState> consent;
};

struct Verdict {
  Refusal refusal = Refusal::none;
  bool allowed() const { return refusal == Refusal::none; }
};

struct Ask {
  Use use = Use::message;
  std::string purpose = "outreach";  // for message and preview: the campaign's consent purpose
  std::string channel;               // for message and preview: the channel name ("sms", "intermediary")
  std::string municipality;          // for list and export: the list's CBS code
};

// The reasons that hold whatever is asked (erased ... stopped).
Refusal blocked(const PersonFacts& person);
// The whole decision for one ask.
Verdict decide(const PersonFacts& person, const Ask& ask);

}  // namespace outreach::campaigns
