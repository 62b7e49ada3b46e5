#include "web/strings.h"

#include <cctype>
#include <initializer_list>

namespace outreach::web {

namespace {

// Dutch: the default. Plain language (B1), "u" for the reader.
const StringTable kNl = {
    {"app_name", "Outreach"},
    {"skip_link", "Naar de inhoud"},
    {"nav_label", "Hoofdmenu"},
    {"nav_home", "Start"},
    {"nav_my_people", "Mijn mensen"},
    {"nav_request", "Mensen vragen"},
    {"nav_my_logs", "Mijn gesprekken"},
    {"nav_cases", "Zaken"},
    {"nav_campaigns", "Campagnes"},
    {"nav_coverage", "Dekking"},
    {"nav_reviews", "Beoordelen"},
    {"signed_in_as", "Aangemeld als"},
    {"sign_out", "Afmelden"},
    {"language_switch", "Taal"},
    {"language_nl", "Nederlands"},
    {"language_en", "English"},
    {"error_summary_title", "Er ging iets mis. Controleer het volgende:"},
    {"required", "verplicht"},
    // sign-in
    {"sign_in_title", "Aanmelden"},
    {"sign_in_intro", "Meld u aan met uw naam en wachtwoord."},
    {"sign_in_name", "Naam"},
    {"sign_in_password", "Wachtwoord"},
    {"sign_in_code", "Code uit uw app"},
    {"sign_in_code_hint", "Alleen voor coördinatoren en goedkeurders: de 6 cijfers uit uw authenticator-app."},
    {"sign_in_button", "Aanmelden"},
    {"sign_in_wrong", "Naam, wachtwoord of code klopt niet."},
    {"sign_in_throttled", "Te veel mislukte pogingen. Probeer het over een kwartier opnieuw."},
    {"sign_in_link_title", "Aanmelden met een link"},
    {"sign_in_link_intro", "U heeft een link gekregen om u aan te melden. Klik op de knop om verder te gaan."},
    {"sign_in_link_button", "Verder"},
    {"sign_in_link_bad", "Deze link werkt niet meer. Hij is al gebruikt of te oud. Vraag een nieuwe link."},
    {"flash_signed_in", "U bent aangemeld."},
    {"flash_signed_out", "U bent afgemeld."},
    // errors
    {"error_title", "Foutmelding"},
    {"error_403", "U heeft geen toegang tot deze pagina."},
    {"error_404", "Deze pagina bestaat niet, of u heeft er geen toegang toe."},
    {"error_405", "Deze handeling kan hier niet."},
    {"error_csrf", "Dit formulier is verlopen. Ga terug, laad de pagina opnieuw en probeer het nog eens."},
    {"error_409", "Dit kan nu niet meer: de gegevens zijn intussen veranderd."},
    {"error_500", "Er ging iets mis aan onze kant. Probeer het later opnieuw."},
    {"error_503", "Het is nu te druk. Probeer het over een minuut opnieuw."},
    {"back_home", "Terug naar de startpagina"},
    // home
    {"home_title", "Start"},
    {"home_intro", "Kies wat u wilt doen."},
    {"home_clerk", "Bekijk de zaken van inwoners die hulp vragen."},
    {"home_coordinator", "Bekijk campagnes, de voortgang en de dekking per gemeente."},
    {"home_approver", "Beoordeel campagnes die op goedkeuring wachten."},
    {"home_operator", "Voor beheerders zijn er geen pagina's: gebruik de opdrachtregel."},
    // volunteer
    {"vol_home_intro", "Dit zijn de mensen die u nu benadert. Kies iemand om het gesprek vast te leggen."},
    {"vol_home_empty", "U heeft nu niemand. Vraag nieuwe mensen aan."},
    {"vol_until", "tot"},
    {"vol_request_title", "Mensen vragen"},
    {"vol_request_intro", "Vraag mensen om te benaderen in uw gemeenten. U krijgt alleen mensen die toestemming gaven voor contact met een vrijwilliger."},
    {"vol_request_count", "Hoeveel mensen?"},
    {"vol_request_municipality", "Gemeente"},
    {"vol_request_language", "Taal"},
    {"vol_request_any", "Maakt niet uit"},
    {"vol_request_held", "U heeft er nu {{held}} van de {{cap}}."},
    {"vol_request_button", "Mensen vragen"},
    {"vol_request_count_invalid", "Kies een aantal van 1 tot 25."},
    {"flash_people_assigned", "Er zijn nieuwe mensen voor u klaargezet."},
    {"flash_no_people", "Er zijn nu geen mensen die passen. Probeer een andere gemeente of taal, of probeer het later."},
    {"person_language", "Taal"},
    {"person_municipality", "Gemeente"},
    {"person_addresses", "Contact"},
    {"person_until", "Bij u tot"},
    {"person_messages", "Wat wij stuurden"},
    {"person_no_messages", "Deze persoon kreeg nog geen bericht van ons."},
    {"person_talking_points", "Gesprekspunten"},
    {"person_log_title", "Gesprek vastleggen"},
    {"person_mode", "Hoe had u contact?"},
    {"mode_visit", "Huisbezoek"},
    {"mode_phone", "Telefoon"},
    {"mode_whatsapp", "WhatsApp"},
    {"mode_sms", "Sms"},
    {"mode_email", "E-mail"},
    {"mode_in_person", "Ergens anders persoonlijk"},
    {"mode_other", "Anders"},
    {"person_consent", "Toestemming"},
    {"person_consent_text", "Lees deze tekst voor. Vink alleen aan waar de persoon ja op zegt."},
    {"person_consent_version", "Tekst {{id}}, versie {{version}}, taal {{language}}"},
    {"person_note", "Notitie (niet verplicht)"},
    {"person_note_warning", "Schrijf niets op over gezondheid, afkomst of geloof. Hooguit 280 tekens."},
    {"person_note_invalid", "De notitie is te lang: hooguit 280 tekens."},
    {"person_follow_up", "Afspraak of terugbellen (niet verplicht)"},
    {"person_outcome", "Hoe ging het? Kies de uitkomst om op te slaan."},
    {"outcome_reached_wants_help", "Bereikt: wil hulp"},
    {"outcome_reached_no_help", "Bereikt: geen hulp nodig"},
    {"outcome_not_reached", "Niet bereikt"},
    {"outcome_wrong_number", "Verkeerd nummer"},
    {"outcome_asked_no_contact", "Wil geen contact meer"},
    {"person_consent_invalid", "De toestemmingstekst is veranderd. Laad de pagina opnieuw en lees de nieuwe tekst voor."},
    {"person_release", "Teruggeven"},
    {"person_release_hint", "Geef deze persoon terug als u hem of haar niet gaat benaderen."},
    {"person_my_logs", "Mijn eerdere gesprekken"},
    {"flash_logged", "Het gesprek is vastgelegd."},
    {"flash_logged_case", "Het gesprek is vastgelegd. De gemeente krijgt de hulpvraag."},
    {"flash_released", "De persoon is teruggegeven."},
    {"logs_title", "Mijn gesprekken"},
    {"logs_intro", "De gesprekken die u vastlegde, nieuwste eerst."},
    {"logs_empty", "U heeft nog geen gesprekken vastgelegd."},
    {"logs_when", "Wanneer"},
    {"logs_person", "Persoon"},
    {"logs_outcome", "Uitkomst"},
    {"logs_note", "Notitie"},
};

const StringTable kEn = {
    {"app_name", "Outreach"},
    {"skip_link", "Skip to content"},
    {"nav_label", "Main menu"},
    {"nav_home", "Home"},
    {"nav_my_people", "My people"},
    {"nav_request", "Ask for people"},
    {"nav_my_logs", "My conversations"},
    {"nav_cases", "Cases"},
    {"nav_campaigns", "Campaigns"},
    {"nav_coverage", "Coverage"},
    {"nav_reviews", "Review"},
    {"signed_in_as", "Signed in as"},
    {"sign_out", "Sign out"},
    {"language_switch", "Language"},
    {"language_nl", "Nederlands"},
    {"language_en", "English"},
    {"error_summary_title", "Something went wrong. Please check the following:"},
    {"required", "required"},
    {"sign_in_title", "Sign in"},
    {"sign_in_intro", "Sign in with your name and password."},
    {"sign_in_name", "Name"},
    {"sign_in_password", "Password"},
    {"sign_in_code", "Code from your app"},
    {"sign_in_code_hint", "Coordinators and approvers only: the 6 digits from your authenticator app."},
    {"sign_in_button", "Sign in"},
    {"sign_in_wrong", "Name, password or code is wrong."},
    {"sign_in_throttled", "Too many failed attempts. Please try again in a quarter of an hour."},
    {"sign_in_link_title", "Sign in with a link"},
    {"sign_in_link_intro", "You received a link to sign in. Press the button to continue."},
    {"sign_in_link_button", "Continue"},
    {"sign_in_link_bad", "This link no longer works. It was used already or is too old. Ask for a new link."},
    {"flash_signed_in", "You are signed in."},
    {"flash_signed_out", "You are signed out."},
    {"error_title", "Error"},
    {"error_403", "You do not have access to this page."},
    {"error_404", "This page does not exist, or you do not have access to it."},
    {"error_405", "This action is not possible here."},
    {"error_csrf", "This form has expired. Go back, reload the page and try again."},
    {"error_409", "This is no longer possible: the data changed in the meantime."},
    {"error_500", "Something went wrong on our side. Please try again later."},
    {"error_503", "It is too busy right now. Please try again in a minute."},
    {"back_home", "Back to the home page"},
    {"home_title", "Home"},
    {"home_intro", "Choose what you want to do."},
    {"home_clerk", "See the cases of residents who ask for help."},
    {"home_coordinator", "See campaigns, their progress and the coverage per municipality."},
    {"home_approver", "Review campaigns waiting for approval."},
    {"home_operator", "Operators have no pages: use the command line."},
    {"vol_home_intro", "These are the people you are approaching now. Choose someone to record the conversation."},
    {"vol_home_empty", "You have nobody right now. Ask for new people."},
    {"vol_until", "until"},
    {"vol_request_title", "Ask for people"},
    {"vol_request_intro", "Ask for people to approach in your municipalities. You only get people who agreed to contact by a volunteer."},
    {"vol_request_count", "How many people?"},
    {"vol_request_municipality", "Municipality"},
    {"vol_request_language", "Language"},
    {"vol_request_any", "Any"},
    {"vol_request_held", "You have {{held}} of {{cap}} now."},
    {"vol_request_button", "Ask for people"},
    {"vol_request_count_invalid", "Choose a number from 1 to 25."},
    {"flash_people_assigned", "New people are ready for you."},
    {"flash_no_people", "Nobody fits right now. Try another municipality or language, or try later."},
    {"person_language", "Language"},
    {"person_municipality", "Municipality"},
    {"person_addresses", "Contact"},
    {"person_until", "With you until"},
    {"person_messages", "What we sent"},
    {"person_no_messages", "This person has not had a message from us yet."},
    {"person_talking_points", "Talking points"},
    {"person_log_title", "Record the conversation"},
    {"person_mode", "How did you have contact?"},
    {"mode_visit", "Home visit"},
    {"mode_phone", "Phone"},
    {"mode_whatsapp", "WhatsApp"},
    {"mode_sms", "SMS"},
    {"mode_email", "E-mail"},
    {"mode_in_person", "In person elsewhere"},
    {"mode_other", "Other"},
    {"person_consent", "Consent"},
    {"person_consent_text", "Read this text out. Only tick what the person says yes to."},
    {"person_consent_version", "Text {{id}}, version {{version}}, language {{language}}"},
    {"person_note", "Note (optional)"},
    {"person_note_warning", "Do not write anything about health, origin or religion. At most 280 characters."},
    {"person_note_invalid", "The note is too long: at most 280 characters."},
    {"person_follow_up", "Appointment or call back (optional)"},
    {"person_outcome", "How did it go? Choose the outcome to save."},
    {"outcome_reached_wants_help", "Reached: wants help"},
    {"outcome_reached_no_help", "Reached: no help needed"},
    {"outcome_not_reached", "Not reached"},
    {"outcome_wrong_number", "Wrong number"},
    {"outcome_asked_no_contact", "Asks not to be contacted"},
    {"person_consent_invalid", "The consent text changed. Reload the page and read the new text out."},
    {"person_release", "Give back"},
    {"person_release_hint", "Give this person back if you are not going to approach them."},
    {"person_my_logs", "My earlier conversations"},
    {"flash_logged", "The conversation is recorded."},
    {"flash_logged_case", "The conversation is recorded. The municipality gets the request for help."},
    {"flash_released", "The person is given back."},
    {"logs_title", "My conversations"},
    {"logs_intro", "The conversations you recorded, newest first."},
    {"logs_empty", "You have not recorded any conversations yet."},
    {"logs_when", "When"},
    {"logs_person", "Person"},
    {"logs_outcome", "Outcome"},
    {"logs_note", "Note"},
};

}  // namespace

const std::vector<std::string>& ui_languages() {
  static const std::vector<std::string> kLanguages = {"nl", "en"};
  return kLanguages;
}

namespace {
// The shared table with the page groups' own tables (one file per audience) merged in.
StringTable merged(const StringTable& base, std::initializer_list<const StringTable*> more) {
  StringTable out = base;
  for (const StringTable* t : more) out.insert(t->begin(), t->end());
  return out;
}
}  // namespace

const StringTable& strings(std::string_view lang) {
  static const StringTable nl = merged(kNl, {&clerk_strings("nl")});
  static const StringTable en = merged(kEn, {&clerk_strings("en")});
  return lang == "en" ? en : nl;
}

const std::string& text(std::string_view lang, std::string_view key) {
  const StringTable& table = strings(lang);
  if (auto it = table.find(key); it != table.end()) return it->second;
  static thread_local std::string missing;
  missing = std::string(key);
  return missing;
}

std::string pick_language(const std::string* cookie, const std::string* accept_language) {
  const auto& spoken = ui_languages();
  auto known = [&](const std::string& l) {
    for (const auto& s : spoken) {
      if (s == l) return true;
    }
    return false;
  };
  if (cookie && known(*cookie)) return *cookie;
  if (accept_language) {
    // "en-GB,en;q=0.8,nl;q=0.5": take the primary tags in order (weights are in practice descending).
    std::string tag;
    auto flush = [&]() -> bool {
      std::string primary = tag.substr(0, tag.find('-'));
      tag.clear();
      return known(primary);
    };
    bool in_params = false;
    for (char c : *accept_language + ",") {
      if (c == ',') {
        std::string primary = tag.substr(0, tag.find('-'));
        if (flush()) return primary;
        in_params = false;
      } else if (c == ';') {
        in_params = true;
      } else if (!in_params && c != ' ') {
        tag += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
  }
  return spoken.front();
}

}  // namespace outreach::web
