"""Security of the pages against a real serve, over plain HTTP (what a browser cannot be made to
skip): no page or action without a session, CSRF-less posts refused, a volunteer cannot open a
person not assigned to them by changing the URL, the session cookie's flags (Secure behind an https
public URL), the CSP header on every page, sign-in throttling, TOTP required for coordinators and
approvers (and a code works once), one-time links, sign-out revokes."""
import re
import unittest
import urllib.parse

from fixture import PASSWORD, Site, SiteTest, cookie_from, main, set_cookie_header

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Security(SiteTest):
    def signed_in(self, name):
        status, cookie, page = self.site.http_sign_in(name)
        self.assertEqual(status, 303, page)
        return cookie

    def post(self, path, fields, cookie=None):
        headers = dict(FORM)
        if cookie:
            headers["Cookie"] = cookie
        return self.site.http("POST", path, urllib.parse.urlencode(fields), headers)

    def held_by(self, name, count=1):
        status, body = self.site.api("POST", "/v1/assignments", name, {"count": count})
        self.assertEqual(status, 201, body)
        return body["assigned"]

    def test_no_page_or_action_without_a_session(self):
        for path in ("/", "/people/request", "/people/1", "/logs"):
            status, headers, body = self.site.http("GET", path)
            self.assertEqual(status, 303, path)
            self.assertTrue(dict(headers)["Location"].startswith("/sign-in"), path)
        for path in ("/people/request", "/people/1/log", "/people/1/release", "/sign-out"):
            status, headers, _ = self.post(path, {"count": "3", "outcome": "not_reached"})
            self.assertIn(status, (303, 403), path)
            if status == 303:
                self.assertTrue(dict(headers)["Location"].startswith("/sign-in"), path)
        status, _, _ = self.site.http("GET", "/v1/assignments")
        self.assertEqual(status, 401, "the API wants its bearer token")

    def test_posts_without_a_valid_csrf_token_are_refused(self):
        cookie = self.signed_in("vera")
        other = self.signed_in("vera")
        token_of_other = self.site.csrf_for(other)
        for fields in ({"count": "2"}, {"count": "2", "_csrf": "0" * 64}, {"count": "2", "_csrf": token_of_other}):
            status, _, body = self.post("/people/request", fields, cookie)
            self.assertEqual(status, 403, fields)
            self.assertIn("formulier is verlopen", body)
        status, _, _ = self.post("/people/request", {"count": "1", "_csrf": self.site.csrf_for(cookie)}, cookie)
        self.assertEqual(status, 303, "the same post with the session's token goes through")

    def test_a_volunteer_cannot_open_a_person_of_someone_else(self):
        theirs = self.held_by("victor")[0]
        cookie = self.signed_in("vera")
        csrf = self.site.csrf_for(cookie)
        for path in ("/people/%d" % theirs["contact_id"], "/people/999999", "/people/abc"):
            status, _, body = self.site.http("GET", path, headers={"Cookie": cookie})
            self.assertEqual(status, 404, path)
            self.assertNotIn(theirs["name"], body)
        status, _, body = self.post("/people/%d/log" % theirs["contact_id"],
                                    {"_csrf": csrf, "_key": "k" * 22, "outcome": "not_reached", "mode": "phone"}, cookie)
        self.assertEqual(status, 404)
        self.assertNotIn(theirs["name"], body)
        status, _, _ = self.post("/people/%d/release" % theirs["contact_id"], {"_csrf": csrf}, cookie)
        self.assertEqual(status, 404)
        # victor still holds them: nothing was released or logged by vera.
        status, body = self.site.api("GET", "/v1/assignments", "victor")
        self.assertIn(theirs["contact_id"], [p["contact_id"] for p in body["assigned"]])
        # A clerk (another kind) gets 403 on the volunteer's pages.
        clerk = self.signed_in("rotterdam")
        status, _, _ = self.site.http("GET", "/people/request", headers={"Cookie": clerk})
        self.assertEqual(status, 403)

    def test_the_session_cookie_is_httponly_strict_and_not_secure_over_http(self):
        status, headers, _ = self.site.http("GET", "/sign-in")
        self.assertNotIn("Secure", set_cookie_header(headers, "outreach_pre"))
        status, cookie, _ = self.site.http_sign_in("vera")
        self.assertTrue(cookie)

    def test_every_page_carries_the_csp_and_no_store(self):
        cookie = self.signed_in("vera")
        self.held_by("vera")
        _, _, home = self.site.http("GET", "/", headers={"Cookie": cookie})
        person = re.search(r'href="(/people/\d+)"', home).group(1)
        for path, c in (("/sign-in", None), ("/", cookie), ("/people/request", cookie), (person, cookie),
                        ("/logs", cookie), ("/no-such-page", cookie), ("/static/site.css", None)):
            status, headers, _ = self.site.http("GET", path, headers={"Cookie": c} if c else {})
            h = dict(headers)
            self.assertEqual(h.get("Content-Security-Policy"), CSP, path)
            self.assertEqual(h.get("X-Content-Type-Options"), "nosniff", path)
            self.assertEqual(h.get("Referrer-Policy"), "no-referrer", path)
            if not path.startswith("/static/"):
                self.assertEqual(h.get("Cache-Control"), "no-store", path)
        self.assertNotRegex(home, r"<script>|<style>|style=\"|onclick=", "no inline script or style")

    def test_sign_in_is_throttled_after_five_failures(self):
        for i in range(5):
            status, cookie, _ = self.site.http_sign_in("victor", password="fout-%d-wachtwoord" % i)
            self.assertEqual((status, cookie), (401, None))
        status, cookie, page = self.site.http_sign_in("victor")
        self.assertEqual(status, 429)
        self.assertIsNone(cookie)
        self.assertIn("Te veel mislukte pogingen", page)

    def test_coordinators_and_approvers_need_a_totp_code_that_works_once(self):
        for name in ("amira", "joost"):
            status, cookie, _ = self.site.http_sign_in(name, code="")
            self.assertEqual((status, cookie), (401, None), name)
            status, cookie, _ = self.site.http_sign_in(name, code="000000" if self.site.totp(name) != "000000" else "111111")
            self.assertEqual((status, cookie), (401, None), name)
        code = self.site.totp("amira")
        status, cookie, _ = self.site.http_sign_in("amira", code=code)
        self.assertEqual(status, 303)
        status, cookie, _ = self.site.http_sign_in("amira", code=code)
        self.assertEqual((status, cookie), (401, None), "the same code again")

    def test_a_sign_in_link_works_once(self):
        path = self.site.sign_in_link("vera")
        status, headers, page = self.site.http("GET", path)
        self.assertEqual(status, 200, "GET changes nothing (mail scanners prefetch links)")
        pre = cookie_from(headers, "outreach_pre")
        csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        headers = dict(FORM, Cookie="outreach_pre=" + pre)
        status, h, _ = self.site.http("POST", path, "_csrf=" + csrf, headers)
        self.assertEqual(status, 303)
        self.assertTrue(cookie_from(h, "outreach_session"))
        status, h, page = self.site.http("POST", path, "_csrf=" + csrf, headers)
        self.assertEqual(status, 401)
        self.assertIsNone(cookie_from(h, "outreach_session"))

    def test_sign_out_revokes_the_session(self):
        cookie = self.signed_in("vera")
        status, _, _ = self.post("/sign-out", {"_csrf": self.site.csrf_for(cookie)}, cookie)
        self.assertEqual(status, 303)
        status, headers, _ = self.site.http("GET", "/", headers={"Cookie": cookie})
        self.assertEqual((status, dict(headers)["Location"]), (303, "/sign-in"))

    def test_a_new_password_signs_every_session_out(self):
        cookie = self.signed_in("schiedam")
        self.site.cli("principals", "set-password", "schiedam", stdin=PASSWORD + "\n")
        status, _, _ = self.site.http("GET", "/", headers={"Cookie": cookie})
        self.assertEqual(status, 303)


class SecureCookies(unittest.TestCase):
    def test_behind_an_https_public_url_the_cookies_are_secure(self):
        with Site(base_url_scheme="https") as site:
            _, headers, page = site.http("GET", "/sign-in")
            pre = cookie_from(headers, "outreach_pre")
            csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
            body = urllib.parse.urlencode({"_csrf": csrf, "name": "vera", "password": PASSWORD})
            status, headers, _ = site.http("POST", "/sign-in", body, dict(FORM, Cookie="outreach_pre=" + pre))
            self.assertEqual(status, 303)
            flags = set_cookie_header(headers, "outreach_session").split("; ")[1:]
            self.assertEqual(sorted(flags), sorted(["Path=/", "HttpOnly", "SameSite=Strict", "Secure"]))


if __name__ == "__main__":
    main()
