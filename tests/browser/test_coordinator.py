"""The coordinator's and the approver's journeys in a real browser (issue 11 parts 4 and 5).

Seeded through the CLI: campaign herstel-rijnmond version 1 saved by amira, approved by joost and
launched, so the running `outreach serve` fills its funnel. Then, in the browser:
  coordinator (phone): signs in with password + TOTP, opens the campaign, sees the funnel chart
    and table, looks up one person who gets it and one who does not (reason only), uploads a
    contacts CSV with a bad line and sees it named, pauses the campaign;
  (version 2 is saved through the CLI: a changed text and an extra channel)
  coordinator (desktop): submits version 2;
  approver (desktop): signs in with TOTP, sees what changed since version 1 and every rendered
    template, and approves;
  coordinator: launches, reads the coverage table, and resends a message in `unknown`.
axe-core on every page: 0 WCAG 2.1 A/AA violations."""
import os
import re
import sqlite3
import tempfile
import time
import unittest

from fixture import PASSWORD, SOURCE_DIR, Site, main
from selenium.webdriver.common.by import By

CAMPAIGN = os.path.join(SOURCE_DIR, "config", "campaigns", "herstel-rijnmond.yaml")
KEY = "herstel-rijnmond"


class CoordinatorAndApprover(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.site = Site().__enter__()
        site = cls.site
        site.cli("campaign", "save", CAMPAIGN, "--as", "amira")
        site.cli("campaign", "submit", KEY, "--as", "amira")
        site.cli("campaign", "approve", KEY, "--as", "joost")
        site.cli("campaign", "launch", KEY, "--as", "amira")
        cls.last_code = {}

    @classmethod
    def tearDownClass(cls):
        cls.site.__exit__(None, None, None)

    # A TOTP step is accepted once: a second sign-in waits for the next code.
    def sign_in(self, b, name):
        while self.site.totp(name) == self.last_code.get(name):
            time.sleep(1)
        self.last_code[name] = self.site.totp(name)
        self.open(b, "/sign-in")
        b.find_element(By.ID, "name").send_keys(name)
        b.find_element(By.ID, "password").send_keys(PASSWORD)
        b.find_element(By.ID, "code").send_keys(self.last_code[name])
        self.site.click_and_wait(b, b.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]"))
        self.assertNotIn("/sign-in", b.current_url, b.find_element(By.TAG_NAME, "main").text)

    def open(self, b, path):
        b.get(self.site.url(path))

    def h1(self, b):
        return b.find_element(By.TAG_NAME, "h1").text

    def flash(self, b):
        return b.find_element(By.CSS_SELECTOR, ".flash").text

    def press(self, b, label):
        """Clicks the button with this text and waits for the next page."""
        button = b.find_element(By.XPATH, "//main//button[normalize-space(.)='%s']" % label)
        self.site.click_and_wait(b, button)

    def test_1_coordinator_sees_the_funnel_looks_people_up_and_imports_contacts(self):
        b = self.site.browser("phone")
        self.sign_in(b, "amira")
        self.open(b, "/campaigns")
        self.assertEqual(self.h1(b), "Campagnes")
        self.site.check_page(b, "coordinator-campaigns")
        self.site.click_and_wait(b, b.find_element(By.PARTIAL_LINK_TEXT, "Hersteloperatie toeslagen"))
        self.assertIn("Hersteloperatie toeslagen", self.h1(b))
        main_text = b.find_element(By.TAG_NAME, "main").text
        self.assertIn("Loopt", main_text)
        # The funnel: an SVG per step that names itself, with bars named in text, and the same
        # numbers in a table with a caption.
        charts = b.find_elements(By.CSS_SELECTOR, "svg[role=img]")
        self.assertEqual(len(charts), 3, "one chart per step")
        self.assertTrue(charts[0].get_attribute("aria-label").startswith("Trechter van stap 1 (first_contact)"))
        self.assertIn("totaal", charts[0].get_attribute("innerHTML"))
        table = b.find_element(By.ID, "funnel-step-1")
        self.assertIn("Voortgang per gemeente en kanaal", table.find_element(By.TAG_NAME, "caption").text)
        rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
        self.assertGreater(len(rows), 0)
        self.assertTrue(any("Rotterdam" in r.text for r in rows))
        self.site.check_page(b, "coordinator-campaign")

        # Preview and the per-person lookup: who gets what, and why not.
        self.site.click_and_wait(b, b.find_element(By.LINK_TEXT, "Voorbeeld en opzoeken"))
        self.site.check_page(b, "coordinator-preview")
        b.find_element(By.ID, "who").send_keys("06-12340001")
        self.press(b, "Opzoeken")
        result = b.find_element(By.ID, "lookup-result").text
        self.assertIn("Deze persoon krijgt de campagne", result)
        self.assertIn("Shurandy Nowak", result)
        self.assertIn("STOP", result)  # the rendered text, with its opt-out
        self.site.check_page(b, "coordinator-lookup")
        b.find_element(By.ID, "who").clear()
        b.find_element(By.ID, "who").send_keys("06-12340006")  # never agreed to be contacted
        self.press(b, "Opzoeken")
        result = b.find_element(By.ID, "lookup-result").text
        self.assertIn("krijgt de campagne niet", result)
        self.assertIn("no_consent", result)
        self.assertNotIn("Sharina", b.page_source, "a refused person is answered with a reason only")
        b.find_element(By.ID, "who").clear()
        b.find_element(By.ID, "who").send_keys("geen nummer")
        self.press(b, "Opzoeken")
        summary = b.find_element(By.ID, "error-summary")
        self.assertIn("Vul een contactnummer, telefoonnummer of e-mailadres in.", summary.text)
        self.assertEqual(b.find_element(By.ID, "who").get_attribute("aria-invalid"), "true")
        self.site.check_page(b, "coordinator-lookup-error")

        # A contacts CSV with one bad line: the report names line and field.
        csv = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8")
        csv.write("name;phone;email;whatsapp;language;municipality;tags;consent\n"
                  "Nieuw Persoon;06-12349901;nieuw.1@example.org;;nl;GM0599;herstel;outreach@sms\n"
                  "Foute Regel;06-12;;;nl;GM0599;herstel;\n")
        csv.close()
        self.open(b, "/contacts/import")
        self.site.check_page(b, "coordinator-import")
        b.find_element(By.ID, "contacts-file").send_keys(csv.name)
        self.press(b, "Bestand inlezen")
        os.unlink(csv.name)
        report = b.find_element(By.ID, "import-report").text
        self.assertIn("Ingelezen: 1.", report)
        self.assertIn("Afgekeurd: 1.", report)
        row = b.find_element(By.CSS_SELECTOR, "#rejected tbody tr")
        self.assertEqual(row.find_element(By.TAG_NAME, "th").text, "3")
        self.assertEqual(row.find_elements(By.TAG_NAME, "td")[0].text, "phone")
        self.site.check_page(b, "coordinator-import-report")

        # Pause before changing the campaign.
        self.open(b, "/campaigns/" + KEY)
        self.press(b, "Pauzeren")
        self.assertEqual(self.flash(b), "De campagne is gepauzeerd.")
        self.assertIn("Gepauzeerd", b.find_element(By.TAG_NAME, "main").text)
        b.quit()

    def test_2_coordinator_submits_a_changed_version(self):
        with open(CAMPAIGN, encoding="utf-8") as f:
            text = f.read()
        changed = text.replace("kan u helpen, bijvoorbeeld", "helpt u graag, bijvoorbeeld", 1)
        self.assertNotEqual(changed, text)
        path = os.path.join(self.site.dir, "herstel-rijnmond-v2.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(changed)
        self.site.cli("campaign", "save", path, "--as", "amira")
        b = self.site.browser("desktop")
        self.sign_in(b, "amira")
        self.open(b, "/campaigns/" + KEY)
        self.assertIn("Concept", b.find_element(By.TAG_NAME, "main").text)
        self.press(b, "Ter goedkeuring aanbieden")
        self.assertEqual(self.flash(b), "De campagne is aangeboden ter goedkeuring.")
        self.assertIn("Wacht op goedkeuring", b.find_element(By.TAG_NAME, "main").text)
        # A coordinator cannot approve: the approver's buttons are not for them.
        status, _, _ = self.site.http("POST", "/reviews/%s/approve" % KEY)
        self.assertIn(status, (303, 403))
        b.quit()

    def test_3_approver_sees_the_changes_and_every_template_and_approves(self):
        b = self.site.browser("desktop")
        self.sign_in(b, "joost")
        self.open(b, "/reviews")
        self.assertEqual(self.h1(b), "Beoordelen")
        self.site.check_page(b, "approver-list")
        self.site.click_and_wait(b, b.find_element(By.PARTIAL_LINK_TEXT, "Hersteloperatie toeslagen"))
        main_text = b.find_element(By.TAG_NAME, "main").text
        self.assertIn("Veranderd sinds goedgekeurde versie 1", main_text)
        changes = b.find_element(By.ID, "changes").text
        self.assertIn("template first_contact nl text", changes)
        diff = b.find_element(By.CSS_SELECTOR, "table.diff")
        self.assertEqual(len(diff.find_elements(By.CSS_SELECTOR, "tr.removed")), 1)
        self.assertEqual(len(diff.find_elements(By.CSS_SELECTOR, "tr.added")), 1)
        templates = b.find_elements(By.CSS_SELECTOR, "article.template")
        self.assertGreaterEqual(len(templates), 6)
        headings = [t.find_element(By.TAG_NAME, "h3").text for t in templates]
        self.assertIn("first_contact · nl · sms", headings)
        sms = templates[headings.index("first_contact · nl · sms")].text
        self.assertRegex(sms, r"SMS: (GSM-7|UCS-2), \d+ tekens, \d+ del(en)?")
        self.assertIn("helpt u graag", sms)
        self.site.check_page(b, "approver-review")
        # Rejecting needs a reason: the error summary says so.
        self.press(b, "Afwijzen")
        self.assertIn("Schrijf waarom u de campagne afwijst.", b.find_element(By.ID, "error-summary").text)
        self.site.check_page(b, "approver-review-error")
        self.press(b, "Goedkeuren")
        self.assertEqual(self.flash(b), "De campagne is goedgekeurd.")
        self.assertIn("Goedgekeurd", b.find_element(By.TAG_NAME, "main").text)
        b.quit()

    def test_4_coordinator_launches_reads_coverage_and_resends_a_message_in_doubt(self):
        b = self.site.browser("desktop")
        self.sign_in(b, "amira")
        self.open(b, "/campaigns/" + KEY)
        self.press(b, "Campagne starten")
        self.assertEqual(self.flash(b), "De campagne is gestart.")
        self.assertIn("Loopt", b.find_element(By.TAG_NAME, "main").text)
        # The funnel on a wide screen, scrolled to the first chart (for the README's screenshot).
        chart = b.find_element(By.CSS_SELECTOR, "svg[role=img]")
        b.execute_script("arguments[0].closest('section').scrollIntoView()", chart)
        self.site.check_page(b, "coordinator-funnel")

        # The same page in English (the switch stays on the page): the chart's words follow the
        # page's language.
        self.site.click_and_wait(b, b.find_element(By.CSS_SELECTOR, "a.lang-switch"))
        self.assertTrue(b.current_url.endswith("/campaigns/" + KEY), b.current_url)
        chart = b.find_element(By.CSS_SELECTOR, "svg[role=img]")
        self.assertTrue(chart.get_attribute("aria-label").startswith("Funnel of step 1"))
        self.assertIn("Progress (funnel)", b.find_element(By.TAG_NAME, "main").text)
        self.site.check_page(b, "coordinator-campaign-en")
        self.site.click_and_wait(b, b.find_element(By.CSS_SELECTOR, "a.lang-switch"))

        self.open(b, "/coverage")
        self.assertEqual(self.h1(b), "Dekking per gemeente")
        table = b.find_element(By.ID, "coverage")
        self.assertIn("Rotterdam", table.text)
        self.assertEqual(len(table.find_elements(By.CSS_SELECTOR, "thead th[scope=col]")), 6)
        self.site.check_page(b, "coverage")

        # A message whose send is in doubt (as after a crash mid-send) is listed and resent on purpose.
        with sqlite3.connect(self.site.db, timeout=30) as db:
            db.execute("UPDATE messages SET status = 'unknown', reason = 'lease expired while sending' "
                       "WHERE id = (SELECT min(id) FROM messages WHERE step = 0)")
        self.open(b, "/campaigns/%s/unknown" % KEY)
        rows = b.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        self.assertEqual(len(rows), 1)
        self.assertIn("lease expired while sending", rows[0].text)
        self.site.check_page(b, "coordinator-unknown")
        self.press(b, "Alles opnieuw versturen (1)")
        self.assertEqual(self.flash(b), "De berichten staan weer klaar om te versturen.")
        self.assertIn("Er zijn geen berichten met onbekende afloop.", b.find_element(By.TAG_NAME, "main").text)
        b.quit()


if __name__ == "__main__":
    main()
