#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/ (run from anywhere; existing seeds with the
same name are overwritten, others are left alone, so crash inputs added by hand stay). The bodies are
the providers' documented webhook and answer shapes (as in tests/unit/channels and the specs in
../shared/specs); signatures are computed with the secrets the fuzz targets configure, so a seed
passes verification and the fuzzer starts past it."""
import base64, hashlib, hmac, json, os, pathlib, urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent
CORPUS = ROOT / "corpus"
REPO = ROOT.parent
NOW = 1795000000  # the fuzz clock: 2026-11-17
BASE = "https://outreach.example.org"


def put(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def msg(first, second, headers, body):
    head = f"{first} {second}\n" + "".join(f"{k}: {v}\n" for k, v in headers)
    return head.encode() + b"\n" + (body.encode() if isinstance(body, str) else body)


def hub(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()


def outreach_sig(secret, body, ts=NOW):
    return [("X-Outreach-Timestamp", str(ts)),
            ("X-Outreach-Signature", "v1=" + hmac.new(secret.encode(), f"{ts}.{body}".encode(), hashlib.sha256).hexdigest())]


# --- twilio ---------------------------------------------------------------------------------------
def twilio_sig(url, fields):
    data = url + "".join(k + v for k, v in sorted(fields))
    return base64.b64encode(hmac.new(b"twilio-test-auth-token", data.encode(), hashlib.sha1).digest()).decode()


def twilio_post(name, path, fields):
    body = urllib.parse.urlencode(fields)
    put("twilio", name, msg("POST", path, [("Content-Type", "application/x-www-form-urlencoded"),
                                          ("X-Twilio-Signature", twilio_sig(BASE + path, fields))], body))


twilio_post("inbound-sms", "/v1/webhooks/sms", [
    ("ToCountry", "NL"), ("SmsMessageSid", "SM11"), ("NumMedia", "0"), ("SmsStatus", "received"),
    ("Body", "Ja graag, bel me"), ("FromCountry", "NL"), ("To", "+3197010000000"), ("MessagingServiceSid", "MG1"),
    ("NumSegments", "1"), ("MessageSid", "SM11"), ("AccountSid", "AC1"), ("From", "+31612345678"), ("ApiVersion", "2010-04-01")])
twilio_post("status-delivered", "/v1/webhooks/sms/status", [
    ("MessageSid", "SM0123456789abcdef0123456789abcdef"), ("MessageStatus", "delivered"), ("AccountSid", "AC123"),
    ("From", "+3197010203040"), ("To", "+31612345678"), ("ApiVersion", "2010-04-01")])
twilio_post("status-undelivered", "/v1/webhooks/sms/status?ref=c1-s1-k7", [
    ("MessageSid", "SM1"), ("MessageStatus", "undelivered"), ("ErrorCode", "30003"), ("ErrorMessage", "Unreachable destination handset"),
    ("AccountSid", "AC123"), ("To", "+31612345678")])
twilio_post("stop", "/v1/webhooks/sms", [("MessageSid", "SM12"), ("From", "+31612345678"), ("Body", "STOP"), ("OptOutType", "STOP")])
put("twilio", "send-201", msg("201", "-", [("Content-Type", "application/json")],
                              '{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued","error_code":null}'))
put("twilio", "send-21610", msg("400", "-", [], '{"code":21610,"message":"Attempt to send to unsubscribed recipient","more_info":"https://www.twilio.com/docs/errors/21610","status":400}'))
put("twilio", "send-429", msg("429", "-", [("Retry-After", "7")], '{"code":20429,"message":"Too Many Requests","status":429}'))

# --- whatsapp -------------------------------------------------------------------------------------
WA_TEXT = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "419561257915477", "changes": [{"value": {
    "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
    "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234"}],
    "messages": [{"from": "16505551234", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
                  "timestamp": "1749416383", "type": "text", "text": {"body": "Ja, bel me maar"}}]}, "field": "messages"}]}]})
WA_STATUS = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
    "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
    "statuses": [
        {"id": "wamid.A", "status": "sent", "timestamp": "1750000000", "recipient_id": "31612345678", "biz_opaque_callback_data": "c1-s1-k1"},
        {"id": "wamid.A", "status": "delivered", "timestamp": "1750000001", "recipient_id": "31612345678"},
        {"id": "wamid.A", "status": "read", "timestamp": "1750000002", "recipient_id": "31612345678"},
        {"id": "wamid.B", "status": "failed", "timestamp": "1750000003", "recipient_id": "31612345678",
         "errors": [{"code": 131047, "title": "Re-engagement message", "message": "Re-engagement message",
                     "error_data": {"details": "More than 24 hours have passed since the customer last replied."}}]}]}}]}]})
WA_BUTTON = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
    "messaging_product": "whatsapp", "metadata": {"phone_number_id": "1234"},
    "messages": [{"from": "31612345678", "id": "wamid.C", "timestamp": "1750000009", "type": "button",
                  "button": {"text": "STOP", "payload": "STOP"}, "context": {"from": "15550783881", "id": "wamid.A"}}]}}]}]})
for name, body in [("text-message", WA_TEXT), ("statuses", WA_STATUS), ("button-reply", WA_BUTTON)]:
    put("whatsapp", name, msg("POST", "/v1/webhooks/whatsapp", [("Content-Type", "application/json"),
                                                               ("X-Hub-Signature-256", hub("wa-app-secret", body))], body))
put("whatsapp", "handshake", msg("GET", "/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wa-verify&hub.challenge=1158201444", [], ""))
put("whatsapp", "send-200", msg("200", "-", [], '{"contacts":[{"input":"+16505551234","wa_id":"16505551234"}],"messages":[{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA"}],"messaging_product":"whatsapp"}'))
put("whatsapp", "send-80007", msg("400", "-", [], '{"error":{"message":"Business request limit reached","type":"OAuthException","code":80007,"error_subcode":2446079,"fbtrace_id":"AXsgnV2Cm3ZMGF3dF_cfYIn","is_transient":true}}'))
put("whatsapp", "send-131026", msg("400", "-", [], '{"error":{"message":"Message undeliverable","type":"OAuthException","code":131026,"error_data":{"messaging_product":"whatsapp","details":"Receiver is incapable of receiving this message"}}}'))

# --- telegram -------------------------------------------------------------------------------------
TG = json.dumps({"update_id": 10000, "message": {"date": 1441645532,
    "chat": {"last_name": "Test Lastname", "id": 1111111, "type": "private", "first_name": "Test Firstname", "username": "Testusername"},
    "message_id": 1365, "from": {"last_name": "Test Lastname", "id": 1111111, "is_bot": False, "first_name": "Test Firstname"},
    "text": "JA"}})
put("telegram", "message", msg("POST", "/v1/webhooks/telegram", [("Content-Type", "application/json"),
                                                                ("X-Telegram-Bot-Api-Secret-Token", "tg-secret-token")], TG))
put("telegram", "poll", msg("POST", "/v1/webhooks/telegram", [("X-Telegram-Bot-Api-Secret-Token", "tg-secret-token")], '{"update_id":1,"poll":{"id":"1"}}'))
put("telegram", "send-ok", msg("200", "-", [], '{"ok":true,"result":{"message_id":42,"from":{"id":123456,"is_bot":true,"first_name":"Bot"},"chat":{"id":987654321,"type":"private"},"date":1763800000,"text":"Hallo"}}'))
put("telegram", "send-blocked", msg("403", "-", [], '{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}'))
put("telegram", "send-429", msg("429", "-", [], '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 17","parameters":{"retry_after":17}}'))


# --- messagebird ----------------------------------------------------------------------------------
def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def mb_jwt(url, body):
    claims = {"iss": "MessageBird", "jti": "2a8e8a7f-3c1c-4b9a-9d31-6d1a6a1f9c1e", "nbf": NOW - 10, "exp": NOW + 300,
              "url_hash": hashlib.sha256(url.encode()).hexdigest()}
    if body:
        claims["payload_hash"] = hashlib.sha256(body.encode()).hexdigest()
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b64url(json.dumps(claims).encode())
    return head + "." + b64url(hmac.new(b"mb-signing-key", head.encode(), hashlib.sha256).digest())


def mb(name, method, path, body="", ctype=None):
    headers = [("MessageBird-Signature-JWT", mb_jwt(BASE + path, body))]
    if ctype:
        headers.append(("Content-Type", ctype))
    put("messagebird", name, msg(method, path, headers, body))


mb("dlr-failed", "GET", "/v1/webhooks/sms/status?id=e8077d803532c0b5937c639b60216938&reference=c1-s1-k1&recipient=31612345678"
   "&status=delivery_failed&statusDatetime=2026-11-22T10:00:00Z&statusErrorCode=104")
mb("dlr-delivered", "GET", "/v1/webhooks/sms/status?id=m1&reference=r&status=delivered&statusDatetime=2026-11-22T10:00:00%2B01:00")
mb("inbound-form", "POST", "/v1/webhooks/sms", "id=f1&originator=31612345678&recipient=3197010203040&body=Ja+graag&createdDatetime=2026-11-22T10:00:00Z",
   "application/x-www-form-urlencoded")
put("messagebird", "send-201", msg("201", "-", [], '{"id":"e8077d803532c0b5937c639b60216938","href":"https://rest.messagebird.com/messages/e8077d803532c0b5937c639b60216938","direction":"mt","reference":"c1-s1-k1","recipients":{"totalCount":1,"totalSentCount":1,"items":[{"recipient":31612345678,"status":"sent"}]}}'))
put("messagebird", "send-422", msg("422", "-", [], '{"errors":[{"code":9,"description":"no (correct) recipients found","parameter":"recipient"}]}'))
put("messagebird", "send-429", msg("429", "-", [("Retry-After", "3")], '{"errors":[{"code":429,"description":"Too many requests"}]}'))

# --- cm -------------------------------------------------------------------------------------------
put("cm", "dlr-query", msg("GET", "/v1/webhooks/sms/status?token=cm-webhook-token&REFERENCE=c1-s1-k1&STATUS=2&GSM=0031612345678&STATUSISSUCCESS=1&CREATED_S=2026-11-22T10:00:00", [], ""))
put("cm", "dlr-form", msg("POST", "/v1/webhooks/sms/status?token=cm-webhook-token", [("Content-Type", "application/x-www-form-urlencoded")],
                          "reference=c1-s1-k1&status=3&statusdescription=5&standarderrortext=Expired"))
put("cm", "dlr-json", msg("POST", "/v1/webhooks/sms/status?token=cm-webhook-token", [("Content-Type", "application/json")], json.dumps(
    {"messages": {"msg": {"received": "2026-11-02T09:00:05", "to": "0031612345678", "reference": "c1-s0-k7",
                          "status": {"code": "3", "errorCode": "5", "errorDescription": "Message expired"}, "operator": "20416"}}})))
put("cm", "inbound", msg("GET", "/v1/webhooks/sms?token=cm-webhook-token&from=0031612345678&to=3197010203040&message=STOP&reference=MO-1&receivedAt=2026-11-22T10:00:00", [], ""))
put("cm", "send-200", msg("200", "-", [], '{"details":"Created 1 message(s)","errorCode":0,"messages":[{"to":"0031612345678","status":"Accepted","reference":"c1-s1-k1","parts":1,"messageDetails":null,"messageErrorCode":0}]}'))
put("cm", "send-101", msg("400", "-", [], '{"details":"No account found for the given authentication","errorCode":101,"messages":[]}'))

# --- messenger and facebook_page ------------------------------------------------------------------
FB = json.dumps({"object": "page", "entry": [{"id": "PAGE_ID", "time": 1458692752478, "messaging": [
    {"sender": {"id": "1254459154682919"}, "recipient": {"id": "PAGE_ID"}, "timestamp": 1458692752478,
     "message": {"mid": "mid.1457764197618:41d102a3e1ae206a38", "text": "hello, world!"}},
    {"sender": {"id": "PAGE_ID"}, "recipient": {"id": "1254459154682919"}, "timestamp": 1458692752479,
     "message": {"mid": "mid.echo", "text": "our own", "is_echo": True}},
    {"sender": {"id": "1254459154682919"}, "recipient": {"id": "PAGE_ID"},
     "delivery": {"mids": ["mid.1458668856218:ed81099e15d3f4f233"], "watermark": 1458668856253}},
    {"sender": {"id": "1254459154682919"}, "recipient": {"id": "PAGE_ID"}, "timestamp": 1458668856463,
     "read": {"watermark": 1458668856253}}]}]})
put("messenger", "events", msg("POST", "/v1/webhooks/messenger", [("Content-Type", "application/json"),
                                                                  ("X-Hub-Signature-256", hub("fb-app-secret", FB))], FB))
put("messenger", "handshake", msg("GET", "/v1/webhooks/messenger?hub.mode=subscribe&hub.verify_token=fb-verify&hub.challenge=CHALLENGE_ACCEPTED", [], ""))
put("messenger", "send-200", msg("200", "-", [], '{"recipient_id":"1254459154682919","message_id":"m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P"}'))
put("messenger", "send-window", msg("400", "-", [], '{"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2018278}}'))
put("messenger", "post-200", msg("200", "-", [], '{"id":"104523456789012_987654321098765"}'))
put("messenger", "post-limit", msg("400", "-", [], '{"error":{"message":"(#32) Page request limit reached","code":32}}'))

# --- webhook and intermediary reports -------------------------------------------------------------
CALLBACK = json.dumps({"event": "case.acknowledged", "delivery_id": "d-1", "data": {"case": 7, "by": "GM0599"}})
put("webhook", "callback", msg("POST", "/v1/webhooks/gm0599", [("Content-Type", "application/json")] +
                               outreach_sig("webhook-secret-0123456789", CALLBACK), CALLBACK))
put("webhook", "stale", msg("POST", "/v1/webhooks/gm0599", outreach_sig("webhook-secret-0123456789", CALLBACK, NOW - 600), CALLBACK))
put("webhook", "answer-503", msg("503", "-", [("Retry-After", "30")], "busy"))
put("webhook", "answer-204", msg("204", "-", [], ""))
REPORT = json.dumps({"batch_id": "b-2026-11-22-1", "reports": [
    {"ref": "p1", "outcome": "reached_wants_help", "mode": "phone", "consent": {"purposes": ["share:GM0599", "peer-contact"],
     "text_id": "consent-share", "text_version": 3, "language": "tr"}, "note": "belt terug na 18u"},
    {"ref": "p2", "outcome": "wrong_number"}, {"ref": "p3", "outcome": "asked_no_contact", "mode": "visit"}]}, ensure_ascii=False)
put("intermediary_report", "report", msg("POST", "/v1/intermediaries/buurthuis/reports", [("Content-Type", "application/json")] +
                                         outreach_sig("intermediary-secret-0123", REPORT), REPORT))
put("intermediary_report", "report-not-reached", msg("POST", "/v1/intermediaries/buurthuis/reports", outreach_sig("intermediary-secret-0123", '{"batch_id":"b-1","reports":[{"ref":"p9","outcome":"not_reached","note":"niet thuis"}]}'),
                                                     '{"batch_id":"b-1","reports":[{"ref":"p9","outcome":"not_reached","note":"niet thuis"}]}'))
put("intermediary_report", "answer-202", msg("202", "-", [], '{"accepted":true}'))

# --- csv_import -----------------------------------------------------------------------------------
put("csv_import", "example-semicolon-bom", (REPO / "config/data/contacts.csv").read_bytes()[:4000])
put("csv_import", "comma", "name,phone,email,municipality\nAnna,06 1234 5678,,GM0599\nBram,0687654321,bram@example.org,GM0599\nCor,,cor@example.org,GM0599\nDirk,06-12,,GM0599\n")
put("csv_import", "windows-1252-semicolon",
    "naam;phone;email\r\n".replace("naam", "name").encode() +
    "Jos\xe9 M\xfcller;06-12345679;jose@example.org\r\n\"Ren\xe9e \u201cde\u201d Vries \u20ac\";+31 6 1234 5680;\r\nZo\xeb;;zoe@example.org\r\n".encode("cp1252"))
put("csv_import", "utf16le-bom", b"\xff\xfe" + "name,phone,language\nFatma Yılmaz,0612345601,tr\n".encode("utf-16-le"))
put("csv_import", "quotes-and-consent", 'name,phone,email,whatsapp,language,municipality,tags,consent\n"Jansen, Piet",06-12340010,,"+31 6 1234 0010",nl,GM0363,"herstel;buurt","outreach@sms;share:GM0363"\n"Line\nbreak",,x@example.org,,en,,,outreach\n"unterminated,1\n')
put("csv_import", "errors", "name;phone;language;municipality\n;0612345678;nl;GM0599\nEen;0612345678;NL;GM9999\nTwee;abc;xx1;\nDrie;+31612345678;nl;GM0599;extra\n")
put("csv_import", "bad-byte", b"name,phone\nA\x81,0612345678\n")

# --- campaign -------------------------------------------------------------------------------------
for p in sorted((REPO / "config/campaigns").glob("*.yaml")) + sorted((REPO / "tests/data/campaigns").glob("*.yaml")):
    put("campaign", p.stem, p.read_bytes())

# --- keywords -------------------------------------------------------------------------------------
# The input is both a reply's text and a keywords file: the shipped file, a small one, and replies
# people send (accents, capitals, Arabic harakat and tatweel, Turkish dotless i, full-width letters).
put("keywords", "shipped", (REPO / "config/keywords.yaml").read_bytes())
put("keywords", "small", "languages:\n  nl:\n    stop: [STOP, \"Afmelden!\"]\n    yes: [JA]\n    replies:\n"
    "      {stop: \"Afgemeld.\", start: Weer aan, yes: \"Dank u, {{municipality}}.\", help: Bel ons, error: Gemeld}\n"
    "  tr:\n    yes: [EVET, \"hayır\"]\n")
for name, reply in [("stop", "STOP"), ("stop-punct", " Stóp!! "), ("evet", "EVET."), ("hayir", "HAYIR"),
                    ("arabic", "نَعَم"), ("tatweel", "تـوقـف"), ("fullwidth", "ＳＴＯＰ"), ("sentence", "please stop calling me"),
                    ("digits", "٣ ۴ 5"), ("ligature", "ﬁn"), ("dotted-i", "İptal"), ("sharp-s", "Straße")]:
    put("keywords", name, reply)

# --- template -------------------------------------------------------------------------------------
put("template", "footer", "Nieuws van {{campaign_name}}\nBeste {{name}},\n\nU kunt hulp krijgen. {{> footer}}\n=== footer\nStop? Antwoord STOP naar {{reply_number}}. {{sender}}\n=== footer.en\nReply STOP to {{reply_number}}.\n")
put("template", "sections", "Hoi {{first_name}}\n{{#municipality_name}}Uw gemeente {{municipality_name}} helpt.{{/municipality_name}}{{^unsubscribe_url}}geen link{{/unsubscribe_url}} {{! comment }}{{{name}}} {{&name}}\n")
put("template", "nested", "{{> a}}\n=== a\nA{{> b}}{{> b}}\n=== b\nB{{> c}}{{> c}}\n=== c\nC {{name}}\n")
put("template", "cycle", "{{> a}}\n=== a\n{{> b}}\n=== b\n{{> a}}\n")
put("template", "unclosed", "Beste {{name}, {{#x}}\n")

# --- mime and imap --------------------------------------------------------------------------------
REPLY = ("Return-Path: <piet@example.nl>\r\nFrom: =?utf-8?q?Piet_de_Vri=C3=ABs?= <piet@example.nl>\r\n"
         "To: reply+c1-s1-k42@outreach.example.org\r\nSubject: Re: =?iso-8859-1?q?Hulp_voor_ouders_=E9?=\r\n"
         "Date: Tue, 17 Nov 2026 10:00:00 +0100\r\nMessage-ID: <CAF=abc@mail.example.nl>\r\n"
         "In-Reply-To: <c1-s1-k42.5f3a@outreach.example.org>\r\nReferences: <c1-s1-k42.5f3a@outreach.example.org>\r\n"
         "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
         "--b1\r\nContent-Type: text/plain; charset=\"iso-8859-1\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
         "Ja, graag. Bel me na 18u. Groet, Pi=EBt\r\n\r\nOp 16 nov. 2026 schreef Herstelteam:\r\n> Wilt u hulp?\r\n"
         "--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
         + base64.encodebytes("<p>Ja, graag. Bel me na 18u.</p>".encode()).decode().replace("\n", "\r\n") + "--b1--\r\n")
DSN = ("From: Mail Delivery System <MAILER-DAEMON@mx.example.nl>\r\nTo: bounces@outreach.example.org\r\n"
       "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn1@mx.example.nl>\r\nMIME-Version: 1.0\r\n"
       "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"rep\"\r\n\r\n"
       "--rep\r\nContent-Type: text/plain\r\n\r\nThis is the mail system.\r\n"
       "--rep\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.nl\r\n\r\n"
       "Final-Recipient: rfc822; onbekend@example.nl\r\nAction: failed\r\nStatus: 5.1.1\r\n"
       "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
       "--rep\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <c1-s2-k9.77aa@outreach.example.org>\r\nTo: onbekend@example.nl\r\n"
       "--rep--\r\n")
AUTO = ("From: Jan <jan@example.nl>\r\nTo: reply+c1-s1-k3@outreach.example.org\r\nSubject: Automatisch antwoord: afwezig\r\n"
        "Auto-Submitted: auto-replied\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\n\xf0\xd2\xc9\xd7\xc5\xd4\r\n")
UNSUB = ("From: anna@example.nl\nTo: unsubscribe@outreach.example.org\nSubject: unsubscribe\nMessage-ID: <u1@example.nl>\n\n"
         "Please remove me.\n")
for name, text in [("reply-qp-base64", REPLY), ("dsn", DSN), ("auto-reply-koi8r", AUTO), ("unsubscribe-lf", UNSUB)]:
    data = text.encode("latin-1")
    put("mime", name, data)
    put("imap", name, data)
put("imap", "search", b"* SEARCH 3 4 7\r\nA0003 OK SEARCH completed\r\n")
put("imap", "search-empty", b"* SEARCH\r\n")
put("imap", "search-big", b"* SEARCH 4294967295 1 2\r\n")

# --- api and http ---------------------------------------------------------------------------------
API = [
    ("healthz", "GET", "/healthz", [], ""),
    ("metrics", "GET", "/metrics", [("Authorization", "Bearer ops")], ""),
    ("cases", "GET", "/v1/cases?status=open&limit=10", [("Authorization", "Bearer gm0599")], ""),
    ("responses-csv", "GET", "/v1/municipalities/GM0599/responses?format=csv&since=2026-11-01", [("Authorization", "Bearer gm0599")], ""),
    ("case-ack", "POST", "/v1/cases/1/acknowledge", [("Authorization", "Bearer gm0599"), ("Content-Type", "application/json")], '{"note":"opgepakt"}'),
    ("assignment", "POST", "/v1/assignments", [("Authorization", "Bearer vol1"), ("Content-Type", "application/json")], '{"contact_id":1}'),
    ("contact-log", "POST", "/v1/contact-logs", [("Authorization", "Bearer vol1"), ("Content-Type", "application/json")],
     '{"contact_id":1,"outcome":"reached_wants_help","mode":"phone","consent":{"purposes":["share:GM0599"],"text_id":"consent-share","text_version":"3","language":"nl"},"note":"belt terug"}'),
    ("campaign-save", "POST", "/v1/campaigns", [("Authorization", "Bearer coord"), ("Content-Type", "application/yaml")],
     (REPO / "config/campaigns/herstel-rijnmond.yaml").read_text()),
    ("campaign-submit", "POST", "/v1/campaigns/herstel-rijnmond/submit", [("Authorization", "Bearer coord")], ""),
    ("erase", "DELETE", "/v1/contacts/2", [("Authorization", "Bearer coord")], ""),
    ("unsubscribe", "POST", "/u/abc.def", [("Content-Type", "application/x-www-form-urlencoded")], "List-Unsubscribe=One-Click"),
]
twilio_fields = [("MessageSid", "SM11"), ("From", "+31612340001"), ("To", "+3197010203040"), ("Body", "JA")]
API.append(("webhook-sms", "POST", "/v1/webhooks/sms", [("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Twilio-Signature", twilio_sig(BASE + "/v1/webhooks/sms", twilio_fields))], urllib.parse.urlencode(twilio_fields)))
API.append(("webhook-whatsapp", "POST", "/v1/webhooks/whatsapp", [("Content-Type", "application/json"),
            ("X-Hub-Signature-256", hub("wa-app-secret", WA_TEXT))], WA_TEXT))
API.append(("intermediary-report", "POST", "/v1/intermediaries/buurthuis/reports", [("Content-Type", "application/json")] +
            outreach_sig("intermediary-secret-0123", REPORT), REPORT))
for name, method, target, headers, body in API:
    put("api", name, msg(method, target, headers, body))
    raw = (f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) +
           (f"Content-Length: {len(body.encode())}\r\n" if body else "") + "\r\n").encode() + body.encode()
    put("http", name, raw)
put("http", "chunked", b"POST /v1/contact-logs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer vol1\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\n{\"con\r\n12\r\ntact_id\":1,\"x\":2}\r\n0\r\n\r\n")
put("http", "http10-query", b"GET /v1/cases?limit=%zz&after=3 HTTP/1.0\r\nAuthorization: Bearer gm0599\r\n\r\n")
put("http", "expect-continue", b"POST /v1/assignments HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 15\r\n\r\n{\"contact_id\":1}")
