#!/usr/bin/env python3
"""Writes the synthetic sample data in config/data/ (deterministic: same output every run).

Only synthetic people: example.org addresses and +3161234xxxx numbers, as DOMAIN.md asks."""
import csv, random, pathlib

root = pathlib.Path(__file__).resolve().parent.parent / "config" / "data"
root.mkdir(parents=True, exist_ok=True)
rnd = random.Random(20261102)

municipalities = [
    ("GM0363", "Amsterdam", ""), ("GM0599", "Rotterdam", "rijnmond"), ("GM0518", "'s-Gravenhage", ""),
    ("GM0344", "Utrecht", ""), ("GM0034", "Almere", ""), ("GM0014", "Groningen", ""),
    ("GM0772", "Eindhoven", ""), ("GM0202", "Arnhem", ""), ("GM0268", "Nijmegen", ""), ("GM0392", "Haarlem", ""),
    ("GM0489", "Barendrecht", "rijnmond"), ("GM0502", "Capelle aan den IJssel", "rijnmond"),
    ("GM0542", "Krimpen aan den IJssel", "rijnmond"), ("GM0556", "Maassluis", "rijnmond"),
    ("GM0597", "Ridderkerk", "rijnmond"), ("GM0606", "Schiedam", "rijnmond"), ("GM0613", "Albrandswaard", "rijnmond"),
    ("GM0622", "Vlaardingen", "rijnmond"), ("GM1621", "Lansingerland", "rijnmond"), ("GM1930", "Nissewaard", "rijnmond"),
]
with open(root / "regions.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["code", "name", "hub"])
    w.writerow(["rijnmond", "Rijnmond", "GM0599"])
with open(root / "municipalities.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["code", "name", "region", "valid_from", "valid_to", "successor"])
    for code, name, region in municipalities:
        w.writerow([code, name, region, "1900-01-01", "", ""])
    w.writerow(["GM1992", "Voorne aan Zee", "rijnmond", "2023-01-01", "", ""])
    for code, name in [("GM0501", "Brielle"), ("GM0530", "Hellevoetsluis"), ("GM0614", "Westvoorne")]:
        w.writerow([code, name, "rijnmond", "1900-01-01", "2022-12-31", "GM1992"])

first = {
    "nl": ["Sanne", "Marieke", "Kevin", "Priscilla", "Dewi", "Jeroen", "Naima", "Esther", "Roel", "Ilse"],
    "en": ["Grace", "Daniel", "Olivia", "Samuel", "Joy"],
    "tr": ["Ayşe", "Mehmet", "Elif", "Emre", "Zeynep"],
    "ar": ["Fatima", "Youssef", "Khadija", "Omar", "Salma"],
    "pap": ["Shurandy", "Jurgen", "Giselle", "Rignald", "Sharina"],
    "pl": ["Agnieszka", "Piotr", "Katarzyna", "Tomasz", "Magda"],
}
last = ["de Vries", "Jansen", "Bakker", "Yılmaz", "El Amrani", "Martina", "Kowalski", "Pinas", "Öztürk", "Visser",
        "Mohamed", "Rosaria", "Nowak", "de Graaf", "Kaya", "Bouzid", "Statia", "Smit", "Doğan", "Wiśniewska"]
rijnmond = [m[0] for m in municipalities if m[2] == "rijnmond"]
weights = {"GM0599": 8}
pool = [code for code in rijnmond for _ in range(weights.get(code, 1))] + ["GM1992"]
langs = ["nl"] * 10 + ["en"] * 2 + ["tr"] * 3 + ["ar"] * 3 + ["pap"] * 2 + ["pl"] * 2

rows = []
for i in range(1, 321):
    lang = rnd.choice(langs)
    name = f"{rnd.choice(first[lang])} {rnd.choice(last)}"
    municipality = rnd.choice(pool) if i % 16 else rnd.choice(["GM0363", "GM0344"])  # a few outside the region
    phone = f"06-1234{i:04d}" if rnd.random() < 0.85 else ""
    local = name.lower().replace(" ", ".").replace("'", "")
    local = "".join(ch for ch in local if ch.isascii() and (ch.isalnum() or ch == "."))
    email = f"{local}.{i}@example.org" if (not phone or rnd.random() < 0.6) else ""
    whatsapp = f"+31 6 1234 {i:04d}" if phone and rnd.random() < 0.5 else ""
    consent = []
    r = rnd.random()
    if r < 0.88:  # registered for the recovery operation and opted in to being contacted
        if phone: consent.append("outreach@sms")
        if email: consent.append("outreach@email")
        if whatsapp: consent.append("outreach@whatsapp")
    if rnd.random() < 0.5:
        consent.append("peer-contact")
    tags = "herstel" if i % 23 else "herstel;curacao"
    rows.append([name, phone, email, whatsapp, lang, municipality, tags, ";".join(consent)])

# Two rows that are wrong on purpose: the import report shows what a real file's mistakes look like.
rows.insert(40, ["Test Persoon", "06-12", "", "", "nl", "GM0599", "herstel", "outreach@sms"])
rows.insert(90, ["Onbekende Gemeente", "06-12349999", "", "", "nl", "GM9999", "herstel", "outreach@sms"])

with open(root / "contacts.csv", "w", newline="", encoding="utf-8") as f:
    f.write("\ufeff")  # Excel writes a BOM; the importer accepts it
    w = csv.writer(f, delimiter=";")
    w.writerow(["name", "phone", "email", "whatsapp", "language", "municipality", "tags", "consent"])
    w.writerows(rows)
print(f"wrote {len(rows)} contacts")
