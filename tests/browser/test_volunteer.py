"""The volunteer's journey on a phone and on a desktop: sign in, ask for people, open a person,
record "reached and wants help" with consent to share with the municipality; the municipality then
has the case (checked through the API). Also: a double post of the same form records once, the
keyboard alone can fill in and send the log form, release and my logs. axe on every page."""
import re
import unittest

from fixture import SiteTest, main
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.action_chains import ActionChains


class Volunteer(SiteTest):
    def ask_for_people(self, b, count="3"):
        b.get(self.site.url("/people/request"))
        self.site.check_page(b, "volunteer-request")
        field = b.find_element(By.ID, "count")
        field.clear()
        field.send_keys(count)
        self.site.click_and_wait(b, b.find_element(By.CSS_SELECTOR, "form[action='/people/request'] button"))

    used = set()  # people already logged by an earlier test: each test takes a fresh one

    def open_first_person(self, b):
        for link in b.find_elements(By.CSS_SELECTOR, "ul.cards a[href^='/people/']"):
            person_id = int(link.get_attribute("href").rsplit("/", 1)[1])
            if person_id not in Volunteer.used:
                Volunteer.used.add(person_id)
                self.site.click_and_wait(b, link)
                return person_id
        self.fail("no fresh person among those held")

    def cases(self):
        status, body = self.site.api("GET", "/v1/cases", "rotterdam")
        self.assertEqual(status, 200, body)
        return body

    def test_a_volunteer_logs_a_contact_with_consent_and_the_municipality_gets_the_case(self):
        for viewport in ("phone", "desktop"):
            b = self.site.browser(viewport)
            self.site.sign_in(b, "vera")
            self.site.check_page(b, "volunteer-home")
            self.ask_for_people(b)
            self.assertIn("klaargezet", b.find_element(By.CSS_SELECTOR, ".flash").text)
            self.site.check_page(b, "volunteer-home-people")
            person_id = self.open_first_person(b)
            self.assertTrue(b.find_element(By.TAG_NAME, "h1").text)
            self.assertIn("volunteer-consent", b.find_element(By.CSS_SELECTOR, "fieldset .meta").text)
            self.site.check_page(b, "volunteer-person")
            before = self.cases()
            share = b.find_element(By.CSS_SELECTOR, "input[name=consent][value^='share:']")
            share.click()
            b.find_element(By.ID, "note").send_keys("Belt terug na 18:00")
            self.site.click_and_wait(b, b.find_element(By.ID, "outcome-reached_wants_help"))
            self.assertIn("De gemeente krijgt de hulpvraag", b.find_element(By.CSS_SELECTOR, ".flash").text)
            after = self.cases()
            self.assertNotIn(person_id, [c.get("contact_id") for c in json_cases(before)])
            self.assertIn(person_id, [c.get("contact_id") for c in json_cases(after)], after)
            b.get(self.site.url("/logs"))
            self.assertIn("Bereikt: wil hulp", b.find_element(By.TAG_NAME, "table").text)
            self.site.check_page(b, "volunteer-logs")
            b.quit()

    def test_the_same_form_posted_twice_records_one_contact(self):
        b = self.site.browser("phone")
        self.site.sign_in(b, "vera")
        self.ask_for_people(b, "5")
        person_id = self.open_first_person(b)
        form = {e.get_attribute("name"): e.get_attribute("value")
                for e in b.find_elements(By.CSS_SELECTOR, "form[action$='/log'] input[type=hidden]")}
        cookie = "outreach_session=" + b.get_cookie("outreach_session")["value"]
        body = "&".join("%s=%s" % (k, v) for k, v in form.items()) + "&mode=phone&outcome=not_reached"
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        def logged():
            status, _, page = self.site.http("GET", "/logs", headers={"Cookie": cookie})
            return page.count("<td>#%d</td>" % person_id)
        before = logged()
        first = self.site.http("POST", "/people/%d/log" % person_id, body, headers)
        second = self.site.http("POST", "/people/%d/log" % person_id, body, headers)
        self.assertEqual((first[0], second[0]), (303, 303))
        self.assertEqual(logged(), before + 1)
        b.quit()

    def test_the_log_form_works_with_the_keyboard_alone(self):
        b = self.site.browser("desktop")
        self.site.sign_in(b, "vera")
        self.ask_for_people(b, "5")
        self.open_first_person(b)
        # From the top of the page, Tab until the first consent box has focus; Space ticks it.
        b.find_element(By.TAG_NAME, "body").click()
        focused_ids = []
        for _ in range(80):
            ActionChains(b).send_keys(Keys.TAB).perform()
            active = b.switch_to.active_element
            focused_ids.append(active.get_attribute("id") or active.tag_name)
            if active.get_attribute("id") == "consent-1":
                break
        self.assertEqual(focused_ids[-1], "consent-1", focused_ids)
        self.assertIn("mode-visit", focused_ids, "the radio group is reachable")
        ActionChains(b).send_keys(Keys.SPACE).perform()
        self.assertTrue(b.find_element(By.ID, "consent-1").is_selected())
        # On to the note, type, then Tab to the first outcome button and press Enter.
        for _ in range(10):
            ActionChains(b).send_keys(Keys.TAB).perform()
            if b.switch_to.active_element.get_attribute("id") == "note":
                break
        ActionChains(b).send_keys("Via toetsenbord").perform()
        for _ in range(10):
            ActionChains(b).send_keys(Keys.TAB).perform()
            if b.switch_to.active_element.get_attribute("id") == "outcome-reached_wants_help":
                break
        self.assertEqual(b.switch_to.active_element.get_attribute("id"), "outcome-reached_wants_help")
        self.site.submit_and_wait(b, b.switch_to.active_element)
        self.assertIn("vastgelegd", b.find_element(By.CSS_SELECTOR, ".flash").text)
        b.quit()

    def test_release_gives_the_person_back(self):
        b = self.site.browser("phone")
        self.site.sign_in(b, "vera")
        self.ask_for_people(b, "5")
        person_id = self.open_first_person(b)
        self.site.click_and_wait(b, b.find_element(By.CSS_SELECTOR, "form[action$='/release'] button"))
        self.assertIn("teruggegeven", b.find_element(By.CSS_SELECTOR, ".flash").text)
        b.get(self.site.url("/people/%d" % person_id))
        self.assertIn("bestaat niet", b.find_element(By.TAG_NAME, "main").text)
        b.quit()


def json_cases(body):
    if isinstance(body, dict):
        for key in ("cases", "items", "data"):
            if key in body:
                return body[key]
    return body if isinstance(body, list) else []


if __name__ == "__main__":
    main()
