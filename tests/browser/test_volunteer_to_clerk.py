"""From the doorstep to the town hall, in a real browser: a volunteer (phone) records "reached and
wants help" with consent to share with Rotterdam; the Rotterdam clerk (desktop) finds the person on
the case list, opens the case (the volunteer's note is there), picks it up and closes it with an
outcome and a note; the case shows closed, and the volunteer's log stays. axe on every page."""
import unittest

from fixture import Site, main
from selenium.webdriver.common.by import By
from test_clerk import click_and_wait


class VolunteerToClerk(unittest.TestCase):
    def test_a_logged_contact_with_consent_reaches_the_clerk_who_closes_it(self):
        with Site() as site:
            # The volunteer, on a phone.
            v = site.browser("phone")
            site.sign_in(v, "vera")
            v.get(site.url("/people/request"))
            count = v.find_element(By.ID, "count")
            count.clear()
            count.send_keys("1")
            click_and_wait(v, v.find_element(By.CSS_SELECTOR, "form[action='/people/request'] button"))
            click_and_wait(v, v.find_element(By.CSS_SELECTOR, "ul.cards a[href^='/people/']"))
            name = v.find_element(By.TAG_NAME, "h1").text
            self.assertTrue(name)
            v.find_element(By.CSS_SELECTOR, "input[name=consent][value='share:GM0599']").click()
            v.find_element(By.ID, "note").send_keys("Belt terug na 18:00")
            click_and_wait(v, v.find_element(By.ID, "outcome-reached_wants_help"))
            self.assertIn("De gemeente krijgt de hulpvraag", v.find_element(By.CSS_SELECTOR, ".flash").text)
            v.quit()

            # The clerk, at a desk.
            b = site.browser("desktop")
            site.sign_in(b, "rotterdam")
            click_and_wait(b, b.find_element(By.CSS_SELECTOR, "nav a[href='/cases']"))
            rows = [r for r in b.find_elements(By.CSS_SELECTOR, "table.cases tbody tr")
                    if r.find_element(By.CSS_SELECTOR, "th a").text == name]
            self.assertEqual(len(rows), 1, "the person is on the clerk's list once")
            row = rows[0]
            self.assertIn("Nieuw", row.text)
            site.check_page(b, "clerk-cases-from-volunteer")
            click_and_wait(b, row.find_element(By.TAG_NAME, "a"))
            main_text = b.find_element(By.TAG_NAME, "main").text
            self.assertIn("Bereikt, wil hulp", main_text)
            self.assertIn("Belt terug na 18:00", main_text)
            self.assertIn("vera", main_text, "who logged the contact")
            click_and_wait(b, b.find_element(By.XPATH, "//button[normalize-space()='Zaak oppakken']"))
            click_and_wait(b, b.find_element(By.XPATH, "//button[normalize-space()='Ik heb contact gehad']"))
            self.assertEqual(b.find_element(By.CSS_SELECTOR, ".status-line .badge").text, "In contact")
            b.find_element(By.CSS_SELECTOR, "label[for='outcome-referred']").click()
            b.find_element(By.ID, "note").send_keys("Doorverwezen naar de schuldhulp.")
            click_and_wait(b, b.find_element(By.XPATH, "//form[contains(@action,'/close')]//button"))
            self.assertEqual(b.find_element(By.CSS_SELECTOR, ".status-line .badge").text, "Afgesloten")
            main_text = b.find_element(By.TAG_NAME, "main").text
            self.assertIn("Doorverwezen naar een andere organisatie", main_text)
            self.assertIn("Doorverwezen naar de schuldhulp.", main_text)
            self.assertIn("Belt terug na 18:00", main_text, "the volunteer's log stays on the closed case")
            site.check_page(b, "clerk-case-from-volunteer-closed")
            # Off the list of ongoing cases, on the list of closed ones.
            b.get(site.url("/cases"))
            self.assertNotIn(name, b.find_element(By.TAG_NAME, "main").text)
            b.get(site.url("/cases?state=closed"))
            self.assertIn(name, b.find_element(By.TAG_NAME, "main").text)
            b.quit()


if __name__ == "__main__":
    main()
