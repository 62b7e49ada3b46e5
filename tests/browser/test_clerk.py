"""The municipality clerk, the regional hub and the national fallback in a real browser.

- A clerk's journey on a phone and on a desktop: sign in, the case list (the people a volunteer
  reached and who agreed to share with Rotterdam), open a case, acknowledge it, close it with an
  outcome and a note; the case shows closed. Closing without an outcome names the missing field.
- The response list downloads as CSV and as XLSX (the phone number a text cell).
- Security: a Schiedam clerk who changes the URL to a Rotterdam case sees a "not found" page with
  nothing of the person, and cannot act on it; a regional hub sees the case once it is escalated to
  the hub (and Rotterdam no longer does), and the national fallback the ones escalated to it.
axe-core (WCAG 2.1 A/AA) reports 0 violations on every page the clerk sees.
"""
import http.client
import io
import sqlite3
import time
import unittest
import zipfile

from fixture import Site, main
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def click_and_wait(b, element):
    """Clicks and waits for the next page. Like Site.click_and_wait, but chromedriver sometimes
    answers the staleness probe with "Node with given id does not belong to the document" (a
    WebDriverException, not StaleElementReferenceException): that also means the page went."""
    old = b.find_element(By.TAG_NAME, "html")
    element.click()

    def gone(_):
        try:
            old.is_enabled()
            return False
        except WebDriverException:
            return True
    WebDriverWait(b, 20).until(gone)


def log_wanting_help(site, volunteer, municipality, count=1):
    """A volunteer asks for people and logs each as reached, wanting help, with consent to share with
    their municipality: through the API, the way the volunteer's phone does. Returns (case id, name)."""
    status, batch = site.api("POST", "/v1/assignments", volunteer, {"count": count, "municipality": municipality})
    assert status == 201, batch
    cases = []
    for person in batch["assigned"]:
        status, body = site.api("POST", "/v1/contact-logs", volunteer, {
            "contact_id": person["contact_id"], "mode": "visit", "outcome": "reached_wants_help",
            "note": "liever na 18:00 bellen",
            "consent": {"purposes": ["share:" + municipality], "text_version": "1", "language": "nl"}})
        assert status == 201 and "case_id" in body, body
        cases.append((body["case_id"], person["name"]))
    assert len(cases) == count, batch
    return cases


def get_bytes(site, path, cookie):
    """GET with a session cookie; the body as bytes (a download)."""
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        r = conn.getresponse()
        assert r.status == 200, r.status
        return r.read()
    finally:
        conn.close()


def escalate(site, case_id, status, owner_kind, owner_code):
    """Moves a case the way the escalator does when its SLA ran out (engine/escalation.h runs once
    a minute in serve: too slow to wait for here)."""
    with sqlite3.connect(site.db, timeout=10) as db:
        now = int(time.time() * 1000)
        db.execute("UPDATE cases SET status = ?, owner_kind = ?, owner_code = ?, updated_at = ? WHERE id = ?",
                   (status, owner_kind, owner_code, now, case_id))
        db.execute("INSERT INTO case_events(case_id, at, actor, status, owner_code, note) VALUES(?, ?, 'system', ?, ?, "
                   "'no_municipal_action')", (case_id, now, status, owner_code))


class Clerk(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.site = Site().__enter__()
        cls.rotterdam = log_wanting_help(cls.site, "vera", "GM0599", count=3)

    @classmethod
    def tearDownClass(cls):
        cls.site.__exit__(None, None, None)

    def row_link(self, b, name):
        return b.find_element(By.XPATH, "//table[contains(@class,'cases')]//th//a[normalize-space()='%s']" % name)

    def test_clerk_acknowledges_and_closes_a_case_on_phone_and_desktop(self):
        for viewport, (case_id, name) in zip(("phone", "desktop"), self.rotterdam):
            b = self.site.browser(viewport)
            self.site.sign_in(b, "rotterdam")
            click_and_wait(b, b.find_element(By.CSS_SELECTOR, "nav a[href='/cases']"))
            self.assertEqual(b.find_element(By.TAG_NAME, "h1").text, "Zaken")
            caption = b.find_element(By.CSS_SELECTOR, "table.cases caption").text
            self.assertEqual(caption, "Zaken, oudste eerst")
            self.site.check_page(b, "clerk-cases")
            click_and_wait(b, self.row_link(b, name))
            self.assertTrue(b.current_url.endswith("/cases/%d" % case_id), b.current_url)
            main_text = b.find_element(By.TAG_NAME, "main").text
            self.assertIn(name, main_text)
            self.assertIn("Nieuw", main_text)
            self.assertIn("Bereikt, wil hulp", main_text, "the volunteer's contact log is on the case")
            self.assertIn("liever na 18:00 bellen", main_text)
            self.site.check_page(b, "clerk-case")

            click_and_wait(b, b.find_element(By.XPATH, "//button[normalize-space()='Zaak oppakken']"))
            self.assertIn("De zaak is opgepakt.", b.find_element(By.CSS_SELECTOR, ".flash").text)
            self.assertEqual(b.find_element(By.CSS_SELECTOR, ".status-line .badge").text, "Opgepakt")

            # Closing without an outcome: the error summary names it, the form keeps the note.
            b.find_element(By.ID, "note").send_keys("Schuldhulp geregeld via het wijkteam.")
            click_and_wait(b, b.find_element(By.XPATH, "//form[contains(@action,'/close')]//button"))
            summary = b.find_element(By.ID, "error-summary")
            self.assertIn("Kies een uitkomst.", summary.text)
            self.assertEqual(b.find_element(By.ID, "note").get_attribute("value"), "Schuldhulp geregeld via het wijkteam.")
            self.site.check_page(b, "clerk-case-error")

            b.find_element(By.CSS_SELECTOR, "label[for='outcome-helped']").click()
            click_and_wait(b, b.find_element(By.XPATH, "//form[contains(@action,'/close')]//button"))
            self.assertIn("De zaak is afgesloten.", b.find_element(By.CSS_SELECTOR, ".flash").text)
            self.assertEqual(b.find_element(By.CSS_SELECTOR, ".status-line .badge").text, "Afgesloten")
            main_text = b.find_element(By.TAG_NAME, "main").text
            self.assertIn("Geholpen: hulp is geregeld", main_text)
            self.assertIn("Schuldhulp geregeld via het wijkteam.", main_text, "the note is in the history")
            self.assertFalse(b.find_elements(By.XPATH, "//form[contains(@action,'/close')]"), "nothing left to do")
            self.site.check_page(b, "clerk-case-closed")

            # The API sees the same case closed, with its outcome.
            status, body = self.site.api("GET", "/v1/cases/%d" % case_id, "rotterdam")
            self.assertEqual((status, body["status"], body["outcome"]), (200, "closed", "helped"))
            # And the list, asked for closed cases, has it.
            b.get(self.site.url("/cases?state=closed"))
            self.assertTrue(self.row_link(b, name))
            self.site.check_page(b, "clerk-cases-closed")
            b.quit()

    def test_the_response_list_downloads_as_csv_and_xlsx(self):
        b = self.site.browser("desktop")
        self.site.sign_in(b, "rotterdam")
        cookie = "outreach_session=" + b.get_cookie("outreach_session")["value"]
        status, headers, body = self.site.http("GET", "/cases/download?municipality=GM0599&format=csv",
                                               headers={"Cookie": cookie})
        self.assertEqual(status, 200)
        self.assertIn(("Content-Type", "text/csv; charset=utf-8"), headers)
        self.assertTrue(body.startswith("\ufeffid,received_at,channel,contact_id,name"), body[:80])
        raw = get_bytes(self.site, "/cases/download?municipality=GM0599&format=xlsx", cookie)
        sheet = zipfile.ZipFile(io.BytesIO(raw)).read("xl/worksheets/sheet1.xml").decode("utf-8")
        status, first = self.site.api("GET", "/v1/municipalities/GM0599/responses?limit=1", "rotterdam")
        phone = first["items"][0]["phone"]
        self.assertIn('t="inlineStr"><is><t>%s</t></is>' % phone, sheet, "the phone number is a text cell")
        b.quit()

    def test_another_municipality_cannot_open_a_case_by_its_url(self):
        case_id, name = self.rotterdam[2]
        b = self.site.browser("desktop")
        self.site.sign_in(b, "schiedam")
        b.get(self.site.url("/cases/%d" % case_id))
        main_text = b.find_element(By.TAG_NAME, "main").text
        self.assertIn("Deze pagina bestaat niet, of u heeft er geen toegang toe.", main_text)
        self.assertNotIn(name, b.page_source)
        self.site.check_page(b, "clerk-case-not-found")
        missing = self.site.url("/cases/%d" % (case_id + 10000))
        b.get(missing)
        self.assertEqual(b.find_element(By.TAG_NAME, "main").text, main_text, "the same page as for no case at all")
        # Acting on it by a hand-made post (with Schiedam's own CSRF token) changes nothing.
        b.get(self.site.url("/cases"))
        csrf = b.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] input[name='_csrf']").get_attribute("value")
        cookie = "outreach_session=" + b.get_cookie("outreach_session")["value"]
        status, _, body = self.site.http("POST", "/cases/%d/acknowledge" % case_id, body="_csrf=" + csrf,
                                         headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 404)
        self.assertNotIn(name, body)
        status, case = self.site.api("GET", "/v1/cases/%d" % case_id, "rotterdam")
        self.assertEqual(case["status"], "open")
        self.assertNotIn(name, b.page_source, "Schiedam's own list does not have the case either")
        b.quit()

    def test_the_hub_and_the_fallback_see_the_cases_escalated_to_them(self):
        hub_case, hub_name = log_wanting_help(self.site, "vera", "GM0599")[0]
        fallback_case, fallback_name = log_wanting_help(self.site, "victor", "GM0606")[0]
        escalate(self.site, hub_case, "escalated_hub", "hub", "GM0599")
        escalate(self.site, fallback_case, "escalated_fallback", "fallback", "national")

        b = self.site.browser("desktop")
        self.site.sign_in(b, "rijnmond")
        b.get(self.site.url("/cases"))
        self.assertIn("Regio", b.find_element(By.CSS_SELECTOR, "table.cases").text)
        self.site.check_page(b, "hub-cases")
        click_and_wait(b, self.row_link(b, hub_name))
        self.assertEqual(b.find_element(By.CSS_SELECTOR, ".status-line .badge").text, "Naar de regio")
        self.site.check_page(b, "hub-case")
        click_and_wait(b, b.find_element(By.XPATH, "//button[normalize-space()='Zaak oppakken']"))
        self.assertEqual(b.find_element(By.CSS_SELECTOR, ".status-line .badge").text, "Opgepakt")
        self.assertNotIn(fallback_name, self.site.http("GET", "/cases", headers={
            "Cookie": "outreach_session=" + b.get_cookie("outreach_session")["value"]})[2])
        b.quit()

        status, mine = self.site.api("GET", "/v1/cases?state=all", "rotterdam")
        self.assertNotIn(hub_case, [c["id"] for c in mine["items"]], "Rotterdam no longer owns the escalated case")

        b = self.site.browser("phone")
        self.site.sign_in(b, "national")
        b.get(self.site.url("/cases"))
        self.assertTrue(self.row_link(b, fallback_name))
        self.assertFalse(b.find_elements(By.XPATH, "//a[normalize-space()='%s']" % hub_name))
        self.site.check_page(b, "fallback-cases")
        b.quit()


if __name__ == "__main__":
    main()
