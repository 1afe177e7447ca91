"""The interface in French and Spanish: the catalogues are complete, `makemessages`
finds nothing new, and every public page type, rendered with the real content,
shows no English interface string of the catalogue outside the records' own text
(quoted words, titles, statements) and the citations (whose format is English by
design)."""

import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models, transaction
from django.template import loader
from django.test import Client
from django.utils import translation
from taggit.models import Tag

from tests.conftest import FIXTURES_DIR

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("fr", "es")


def catalogue(code, root=ROOT):
    """{(context, msgid): [msgstr, …]} and the flags of each entry, read from the
    committed .po file."""
    text = (root / "locale" / code / "LC_MESSAGES" / "django.po").read_text()
    entries = {}
    for block in text.strip().split("\n\n")[1:]:
        fields, flags, places, current = {}, [], [], None
        for line in block.splitlines():
            if line.startswith("#:"):
                places += line[2:].split()
                continue
            if line.startswith("#,"):
                flags += [flag.strip() for flag in line[2:].split(",")]
                continue
            if line.startswith("#"):
                continue
            match = re.match(
                r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line
            )
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            else:
                fields[current] += line.strip()[1:-1]
        unquote = {
            k: v.encode().decode("unicode_escape").encode("latin-1").decode()
            for k, v in fields.items()
        }
        key = (unquote.get("msgctxt"), unquote["msgid"])
        entries[key] = {
            "plural": unquote.get("msgid_plural"),
            "strings": [v for k, v in unquote.items() if k.startswith("msgstr")],
            "flags": flags,
            "places": places,
        }
    return entries


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_msgid_is_translated_and_none_is_fuzzy(code):
    entries = catalogue(code)
    assert len(entries) > 400
    untranslated = [key for key, e in entries.items() if not all(e["strings"])]
    fuzzy = [key for key, e in entries.items() if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_both_languages_translate_the_same_msgids():
    assert set(catalogue("fr")) == set(catalogue("es"))


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext not installed")
def test_makemessages_on_the_tree_adds_no_msgid(tmp_path):
    """Run on a copy, so the committed files are untouched."""
    for name in ("kb", "practices", "templates", "locale"):
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.mo")
        )
    shutil.copy(ROOT / "manage.py", tmp_path)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "fr",
            "--locale",
            "es",
            "--no-obsolete",
            "--add-location",
            "file",
        ],
        cwd=tmp_path,
        env={"DJANGO_DEBUG": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
        check=True,
        capture_output=True,
    )
    for code in LANGUAGES:
        assert set(catalogue(code, tmp_path)) == set(catalogue(code))


# --- Every public page type, in French and in Spanish -----------------------------


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The real content (first versions recorded), one record edited to have a
    second version, and the pages rendered once in each language."""
    if not list(FIXTURES_DIR.glob("*.json")):
        pytest.skip("the content fixtures are not there")
    from practices.models import BestPractice, Initiative

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_content", verbosity=0)
        practice = BestPractice.objects.published().order_by("pk").first()
        practice.recommendation += " Second version."
        practice.save()
        cautionary = Initiative.objects.published().filter(role="cautionary").first()
        urls = pages_to_render(practice, cautionary)
        client = Client()
        rendered = {}
        for code in ("en", *LANGUAGES):
            for name, path in urls.items():
                prefixed = path if code == "en" else f"/{code}{path}"
                response = client.get(prefixed)
                rendered[code, name] = (response.status_code, response.content.decode())
            rendered[code, "500"] = (500, standalone_page("500.html", code))
            rendered[code, "503"] = (503, standalone_page("503.html", code))
        content = record_texts()
        transaction.set_rollback(True)
    return rendered, content


def pages_to_render(practice, cautionary):
    from practices.models import (
        Finding,
        Jurisdiction,
        Organization,
        Source,
    )

    finding = Finding.objects.published().filter(figures__isnull=False).first()
    source = Source.objects.published().get(slug="perrin-2010-invisible-chains")
    country = Jurisdiction.objects.published().get(slug="united-states")
    organization = Organization.objects.published().first()
    tag = practice.tags.order_by("slug").first()
    return {
        "home": "/",
        "practices": "/practices/",
        "practices filtered": f"/practices/?theme=prevention&tag={tag.slug}&sort=title",
        "practices empty": "/practices/?q=zzzzqqq&theme=protection",
        "initiatives": "/initiatives/",
        "findings": "/findings/?basis=official",
        "sources": "/sources/",
        "jurisdictions": "/jurisdictions/",
        "tags": "/tags/",
        "practice": practice.get_absolute_url(),
        "initiative": cautionary.get_absolute_url(),
        "jurisdiction": country.get_absolute_url(),
        "finding": finding.get_absolute_url(),
        "source": source.get_absolute_url(),
        "organization": organization.get_absolute_url(),
        "tag": f"/tags/{tag.slug}/",
        "history": f"{practice.get_absolute_url()}history/",
        "version": f"{practice.get_absolute_url()}v/1/",
        "version changes": f"{practice.get_absolute_url()}v/2/changes/",
        "compare": f"/compare/?j={country.slug}&j=sweden",
        "compare too few": "/compare/",
        "search": "/search/?q=task+force",
        "search none": "/search/?q=zzzzqqq",
        "about": "/about/",
        "about basis": "/about/basis/",
        "about data": "/about/data/",
        "data": "/data/",
        "gaps": "/gaps/",
        "suggest": "/suggest/",
        "suggest thanks": "/suggest/thanks/",
        "404": "/no-such-page/",
        "feed": "/feeds/practices/",
    }


def standalone_page(template, code):
    with translation.override(code):
        return loader.get_template(template).render({"SITE_NAME": settings.SITE_NAME})


def record_texts():
    """Every text the records hold (and tag names): what a page shows of its
    content, whole and by sentence, longest first."""
    texts = set()
    for model in apps.get_app_config("practices").get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        for row in model.objects.values_list(*fields):
            for value in row:
                if isinstance(value, str) and value:
                    # Markdown as the page shows it: link text without its target.
                    shown = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", value)
                    shown = re.sub(r"[*_#>`]", "", shown)
                    for text in {value, shown}:
                        texts.add(text)
                        texts.update(re.split(r"(?<=[.;:!?])\s+|\n+", text))
    texts.update(Tag.objects.values_list("name", flat=True))
    texts.add(settings.SITE_NAME)
    return sorted(
        (t.strip() for t in texts if len(t.strip()) > 2), key=len, reverse=True
    )


# What is English on a French page by design: the citations (their formats are
# the styles' own), structured data and the switcher's language names.
ENGLISH_BY_DESIGN = [
    r'<p class="citation-text".*?</p>',
    r'<p class="citation-in-text".*?</p>',
    r'<script type="application/ld\+json">.*?</script>',
    r'<nav class="language-switcher".*?</nav>',
]
# Not translated yet (README, "Languages"): the data dictionary's descriptions of
# each column, which are also the data package's.
NOT_YET_TRANSLATED = [
    r'<table class="data-dictionary">.*?</table>',
    r'<p class="table-description">.*?</p>',
    r'<p class="licence">.*?</p>',
]
# Inline elements join their words (a search highlight inside a word).
INLINE = re.compile(
    r"</?(?:mark|em|strong|cite|a|span|code|time|del|ins|small)\b[^>]*>"
)
ATTRIBUTES = re.compile(r'(?:aria-label|title|placeholder|alt)="([^"]*)"')


def interface_text(html, content):
    """The page's words with the records' own text and citations taken out."""
    for pattern in ENGLISH_BY_DESIGN + NOT_YET_TRANSLATED:
        html = re.sub(pattern, " ", html, flags=re.S)
    attributes = " ".join(ATTRIBUTES.findall(html))
    text = unescape(re.sub(r"<[^>]+>", " ", INLINE.sub("", html)) + " " + attributes)
    text = re.sub(r"\s+", " ", text)
    # Names of files and keys in quotes (“sources” in knowledge-base.json).
    text = re.sub(r"[«“]\s?[a-z_]+\s?[»”]", " ", text)
    for value in content:
        value = re.sub(r"\s+", " ", value)
        if value in text:
            text = text.replace(value, " ")
    return text


ADMIN_PLACES = ("templates/admin/", "practices/admin/")


def english_strings(code):
    """The catalogue's English strings worth looking for on a page in `code`:
    without placeholders (their text is split), as plain text, and not the same
    in the translation or inside one (Initiatives, Protection, ISBN…)."""
    entries = catalogue(code)
    translations = " ".join(s for e in entries.values() for s in e["strings"])
    found = []
    for (_context, msgid), entry in entries.items():
        if all(place.startswith(ADMIN_PLACES) for place in entry["places"]):
            continue  # the admin's own words (a column named "about")
        for english in filter(None, [msgid, entry["plural"]]):
            plain = unescape(re.sub(r"<[^>]+>", "", english)).strip()
            if "%(" in plain or "{" in plain or len(plain) < 4:
                continue
            if re.search(rf"(?<!\w){re.escape(plain)}(?!\w)", translations):
                continue
            found.append(plain)
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_every_public_page_type_shows_no_english_interface_string(site, code):
    rendered, content = site
    strings = english_strings(code)
    names = sorted({name for lang, name in rendered if lang == code})
    assert len(names) >= 30
    leftovers = {}
    for name in names:
        status, html = rendered[code, name]
        assert status == {"404": 404, "500": 500, "503": 503}.get(name, 200), name
        if name != "feed":
            assert re.search(rf'<html lang="{code}">', html), name
        text = interface_text(html, content)
        # Not inside a file name (sources.csv, /feeds/tags/).
        left = [
            s
            for s in strings
            if re.search(rf"(?<![\w/.-]){re.escape(s)}(?![\w-]|\.\w)", text)
        ]
        if left:
            leftovers[name] = left
    assert leftovers == {}


@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_the_check_would_see_an_english_page(site, code):
    """The same check finds the English strings on the English pages: it does
    not pass because it looks at nothing."""
    rendered, content = site
    strings = english_strings(code)
    text = interface_text(rendered["en", "practice"][1], content)
    assert [s for s in strings if s in text]


@pytest.mark.django_db
def test_pages_say_the_same_in_each_language_structure(site):
    """Translation changes words, not what a page holds: the same links to
    records and the same headings count."""
    rendered, _content = site
    for name in ("practice", "jurisdiction", "home", "search"):
        counts = {
            code: len(re.findall(r"<h[1-3]", rendered[code, name][1]))
            for code in ("en", *LANGUAGES)
        }
        assert counts["en"] == counts["fr"] == counts["es"], name


@pytest.mark.django_db
def test_french_dates_and_numbers_are_localized(site):
    rendered, _content = site
    english = rendered["en", "practice"][1]
    french = rendered["fr", "practice"][1]
    spanish = rendered["es", "practice"][1]
    assert re.search(r"<time datetime=\"[^\"]+\">\d+ [A-Z][a-z]+ \d{4}</time>", english)
    months_fr = "|".join(
        "janvier février mars avril mai juin juillet août septembre octobre "
        "novembre décembre".split()
    )
    months_es = "|".join(
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre "
        "noviembre diciembre".split()
    )
    assert re.search(
        rf"<time datetime=\"[^\"]+\">\d+ ({months_fr}) \d{{4}}</time>", french
    )
    assert re.search(
        rf"<time datetime=\"[^\"]+\">\d+ ({months_es}) \d{{4}}</time>", spanish
    )


@pytest.mark.django_db
def test_the_feed_is_in_the_language_of_its_address(site):
    rendered, _content = site
    assert "New and updated best practices" in rendered["en", "feed"][1]
    assert "Bonnes pratiques nouvelles et mises à jour" in rendered["fr", "feed"][1]
    assert "Buenas prácticas nuevas y actualizadas" in rendered["es", "feed"][1]
