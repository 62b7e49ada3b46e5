"""Signing in, in a real browser: a volunteer with a password (phone and desktop), a coordinator
with password + TOTP, a volunteer with a one-time link (which works once), signing out, and the
language switch. axe on every page."""
import re
import unittest

from fixture import SiteTest, main
from selenium.webdriver.common.by import By


class SignIn(SiteTest):
    def test_volunteer_signs_in_with_password_on_phone_and_desktop(self):
        for viewport in ("phone", "desktop"):
            b = self.site.browser(viewport)
            b.get(self.site.url("/"))
            self.assertIn("/sign-in", b.current_url, "signed out: / sends to the sign-in page")
            self.site.check_page(b, "sign-in")
            self.site.sign_in(b, "vera")
            self.assertEqual(b.find_element(By.TAG_NAME, "h1").text, "Mijn mensen")
            self.assertIn("U bent aangemeld.", b.find_element(By.CSS_SELECTOR, ".flash").text)
            self.site.check_page(b, "volunteer-home")
            b.quit()

    def test_wrong_password_shows_the_error_summary_and_stays_signed_out(self):
        b = self.site.browser("phone")
        self.site.sign_in(b, "vera", password="niet-het-wachtwoord", expect_ok=False)
        summary = b.find_element(By.ID, "error-summary")
        self.assertIn("Naam, wachtwoord of code klopt niet.", summary.text)
        self.assertEqual(b.find_element(By.ID, "name").get_attribute("aria-describedby"), "name-error")
        self.site.check_page(b, "sign-in-error")
        b.get(self.site.url("/"))
        self.assertIn("/sign-in", b.current_url)
        b.quit()

    def test_coordinator_needs_the_totp_code(self):
        b = self.site.browser("desktop")
        b.get(self.site.url("/sign-in"))
        b.find_element(By.ID, "name").send_keys("amira")
        b.find_element(By.ID, "password").send_keys("proef-wachtwoord-2026")
        self.site.click_and_wait(b, b.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button"))
        self.assertIn("/sign-in", b.current_url, "no code: not signed in")
        self.site.sign_in(b, "amira")
        self.assertEqual(b.find_element(By.TAG_NAME, "h1").text, "Start")
        self.assertTrue(b.find_elements(By.CSS_SELECTOR, "a[href='/campaigns']"))
        self.site.check_page(b, "coordinator-home")
        b.quit()

    def test_a_sign_in_link_works_once(self):
        path = self.site.sign_in_link("victor")
        b = self.site.browser("phone")
        b.get(self.site.url(path))
        self.site.check_page(b, "sign-in-link")
        self.site.click_and_wait(b, b.find_element(By.CSS_SELECTOR, "main form button"))
        self.assertEqual(b.find_element(By.TAG_NAME, "h1").text, "Mijn mensen")
        self.site.sign_out(b)
        self.assertIn("/sign-in", b.current_url)
        b.get(self.site.url(path))
        self.site.click_and_wait(b, b.find_element(By.CSS_SELECTOR, "main form button"))
        self.assertIn("Deze link werkt niet meer", b.find_element(By.TAG_NAME, "main").text)
        b.quit()

    def test_a_sign_in_link_goes_out_through_the_sandbox_channel(self):
        out = self.site.cli("principals", "sign-in-link", "vera", "--send-to", "tel:+31612349999")
        self.assertIn("sent through the sandbox channel sms to tel:+31612349999", out)
        link = re.search(r"/sign-in/link/\S+", out).group(0)
        self.assertIn(link, self.site.cli("sandbox", "list", "--as", "amira"))
        refused = self.site.cli("principals", "sign-in-link", "amira", check=False)
        self.assertIn("signs in with a password, not a link", refused)

    def test_sign_out_ends_the_session_and_the_language_switch_sticks(self):
        b = self.site.browser("desktop")
        self.site.sign_in(b, "vera")
        self.site.click_and_wait(b, b.find_element(By.CSS_SELECTOR, "a.lang-switch"))
        self.assertEqual(b.find_element(By.TAG_NAME, "h1").text, "My people")
        self.assertEqual(b.find_element(By.TAG_NAME, "html").get_attribute("lang"), "en")
        cookie = b.get_cookie("outreach_session")
        self.site.sign_out(b)
        self.assertIn("You are signed out.", b.find_element(By.TAG_NAME, "main").text)
        # The old cookie, presented again, is refused.
        status, headers, _ = self.site.http("GET", "/", headers={"Cookie": "outreach_session=" + cookie["value"]})
        self.assertEqual(status, 303)
        self.assertEqual(dict(headers)["Location"], "/sign-in")
        b.quit()


if __name__ == "__main__":
    main()
