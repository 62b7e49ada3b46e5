#include "web/strings.h"

#include <cctype>

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
};

}  // namespace

const std::vector<std::string>& ui_languages() {
  static const std::vector<std::string> kLanguages = {"nl", "en"};
  return kLanguages;
}

const StringTable& strings(std::string_view lang) { return lang == "en" ? kEn : kNl; }

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
