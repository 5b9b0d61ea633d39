"""English UI: the catalog is complete and the portal switches language (header or language form).

The source strings are Italian; English comes from locale/en/LC_MESSAGES/django.po.
"""
import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests import builders

CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")

ITALIAN_UI = ["Vai al contenuto principale", "Menu principale", "Cerca nel portale", "Lingua"]
ENGLISH_UI = ["Skip to main content", "Main menu", "Search the portal", "Language"]


def _entries(path: Path) -> list[dict]:
    """The catalog as a list of {flags, msgid, msgid_plural, msgstr: [..]} (the header included)."""
    entries, current, field = [], None, None

    def close():
        if current and "msgid" in current:
            entries.append(current)

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            close()
            current = None
            continue
        if current is None:
            current = {"flags": set(), "msgstr": {}, "obsolete": False}
        if line.startswith("#~"):
            current["obsolete"] = True
        elif line.startswith("#,"):
            current["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            kind, index = field
            if kind == "msgstr":
                current["msgstr"][index] += ast.literal_eval(line)
            else:
                current[kind] += ast.literal_eval(line)
        else:
            keyword, value = line.split(" ", 1)
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if "[" in keyword else 0
                field = ("msgstr", index)
                current["msgstr"][index] = ast.literal_eval(value)
            else:
                field = (keyword, None)
                current[keyword] = ast.literal_eval(value)
    close()
    return entries


def test_english_catalog_is_complete_and_not_fuzzy():
    entries = _entries(CATALOG)
    messages = [e for e in entries if e["msgid"] and not e["obsolete"]]
    assert len(messages) > 500, "the catalog should hold the portal's UI strings"
    untranslated = [e["msgid"] for e in messages if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] or "(header)" for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [], f"{len(untranslated)} untranslated, run `make messages` and translate: {untranslated[:5]}"
    assert fuzzy == [], f"fuzzy entries to check: {fuzzy[:5]}"
    plurals = [e for e in messages if "msgid_plural" in e]
    assert plurals and all(sorted(e["msgstr"]) == [0, 1] for e in plurals)
    for e in messages:
        for text in e["msgstr"].values():
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(e["msgid"])), e["msgid"]


@pytest.fixture
def home(db):
    builders.tree()


def test_home_in_english_with_accept_language(client, home):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en"' in html
    for text in ENGLISH_UI:
        assert text in html
    for text in ITALIAN_UI[:3]:
        assert text not in html


def test_home_in_italian_without_header(client, home):
    html = client.get("/").content.decode()
    assert '<html lang="it"' in html
    for text in ITALIAN_UI:
        assert text in html
    assert "Skip to main content" not in html


def test_language_form_switches_to_english_and_back(client, home):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Skip to main content" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "it", "next": "/"})
    assert "Vai al contenuto principale" in client.get("/").content.decode()
