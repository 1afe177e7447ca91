"""The site in English (unprefixed), French (/fr/) and Spanish (/es/): which
language a visitor gets, the switcher, hreflang alternates and the page cache."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "fr", "es")


@pytest.fixture
def practice():
    sweden = f.make_jurisdiction("Sweden", slug="sweden")
    return f.make_practice("Malmö practice", jurisdiction=sweden, tags=["hotline"])


def html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def hreflangs(html):
    return dict(
        re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
    )


def test_english_stays_unprefixed_for_a_reader_without_a_preference(client, practice):
    response = client.get("/practices/")
    assert response.status_code == 200
    assert html_lang(response) == "en"


@pytest.mark.parametrize("code", ["fr", "es"])
def test_prefixed_pages_are_in_their_language(client, practice, code):
    response = client.get(f"/{code}/practices/{practice.slug}/")
    assert response.status_code == 200
    assert html_lang(response) == code
    assert response["Content-Language"] == code


def test_first_visit_follows_accept_language(client, practice):
    response = client.get(
        "/practices/?tag=hotline", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9"
    )
    assert response.status_code == 302
    assert response["Location"] == "/fr/practices/?tag=hotline"
    assert "Accept-Language" in response["Vary"]
    english = client.get("/practices/", HTTP_ACCEPT_LANGUAGE="en-GB,fr;q=0.5")
    assert english.status_code == 200 and html_lang(english) == "en"
    # A language the site does not have: English.
    german = client.get("/practices/", HTTP_ACCEPT_LANGUAGE="de")
    assert german.status_code == 200 and html_lang(german) == "en"


def test_a_cached_english_page_is_never_served_to_a_french_reader(
    client, practice, settings
):
    settings.KB_PAGE_CACHE_SECONDS = 60
    assert client.get("/practices/").status_code == 200
    assert client.get("/practices/")["X-KB-Cache"] == "hit"
    french = client.get("/practices/", HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 302
    page = client.get(french["Location"])
    assert html_lang(page) == "fr"
    assert page["X-KB-Cache"] == "miss"
    assert html_lang(client.get("/practices/")) == "en"


def test_files_feeds_and_the_api_are_never_redirected(client, practice):
    for url in [
        "/practices.csv",
        "/feeds/practices/",
        "/sitemap.xml",
        "/robots.txt",
        f"/practices/{practice.slug}/cite.bib",
        "/api/v1/practices/",
        "/healthz",
    ]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
        assert response.status_code == 200, url


def switcher(html):
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    return {
        code: url.replace("&amp;", "&")
        for url, code in re.findall(r'<a href="([^"]+)" lang="(\w+)"', nav)
    }


def test_the_switcher_keeps_the_page_and_its_filters_and_remembers_english(
    client, practice
):
    page = "/fr/practices/?tag=hotline&sort=title"
    links = switcher(client.get(page).content.decode())
    for code in LANGUAGES:
        assert parse_qs(urlsplit(links[code]).query)["next"] == [page]
    response = client.get(links["en"], HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    assert response["Location"] == "/practices/?tag=hotline&sort=title"
    # The choice sticks, over the browser's French.
    after = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="fr")
    assert after.status_code == 200 and html_lang(after) == "en"
    # From an English page: the same page under /es/; choosing Spanish forgets
    # the choice of English, and the browser's language counts again.
    response = client.get(switcher(after.content.decode())["es"])
    assert response["Location"] == "/es/practices/?tag=hotline&sort=title"
    assert html_lang(client.get(response["Location"])) == "es"
    again = client.get("/practices/", HTTP_ACCEPT_LANGUAGE="fr")
    assert again["Location"] == "/fr/practices/"


def test_the_switcher_on_a_missing_page_leads_home(client):
    links = switcher(client.get("/fr/no-such-page/").content.decode())
    assert client.get(links["es"])["Location"] == "/es/"
    assert client.get(links["en"])["Location"] == "/"


def test_the_switcher_refuses_other_sites_and_unknown_languages(client):
    assert client.get("/language/fr/?next=https://evil.example/").status_code == 400
    assert client.get("/language/fr/?next=//evil.example/").status_code == 400
    assert client.get("/language/de/?next=/").status_code == 404


def test_hreflang_alternates_are_reciprocal_in_the_head(client, practice):
    pages = {}
    for code in LANGUAGES:
        prefix = "" if code == "en" else f"/{code}"
        pages[code] = hreflangs(
            client.get(f"{prefix}/practices/{practice.slug}/").content.decode()
        )
    assert set(pages["en"]) == {"en", "fr", "es", "x-default"}
    assert pages["en"] == pages["fr"] == pages["es"]
    assert pages["en"]["x-default"] == pages["en"]["en"]
    for code in LANGUAGES:
        url = urlsplit(pages["en"][code])
        assert html_lang(client.get(url.path)) == code


def test_hreflang_alternates_are_reciprocal_in_the_sitemap(client, practice, settings):
    """Each page once, at its English address, listing every language version
    (itself included) and x-default; each of those pages lists the same set."""
    settings.SITE_URL = "https://kb.example.org"
    xml = client.get("/sitemap-practices.xml").content.decode()
    entry = re.search(r"<url>.*?</url>", xml, re.S).group(0)
    loc = re.search(r"<loc>([^<]+)</loc>", entry).group(1)
    alternates = dict(re.findall(r'hreflang="([^"]+)" href="([^"]+)"', entry))
    assert set(alternates) == {"en", "fr", "es", "x-default"}
    assert alternates["en"] == alternates["x-default"] == loc
    assert alternates["fr"] == f"https://kb.example.org/fr/practices/{practice.slug}/"
    for code in LANGUAGES:
        page = client.get(urlsplit(alternates[code]).path).content.decode()
        assert hreflangs(page) == alternates
    pages = client.get("/sitemap-pages.xml").content.decode()
    assert (
        '<xhtml:link rel="alternate" hreflang="es" href="https://kb.example.org/es/about/"/>'
        in pages
    )


def test_the_admin_follows_the_chosen_language(client, practice):
    f.make_curator()
    client.login(username="curator", password=f.CURATOR_PASSWORD)
    english = client.get("/admin/")
    assert html_lang(english).startswith("en")
    assert "Curator dashboard" in english.content.decode()
    french = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr")
    assert html_lang(french) == "fr"
    assert "Tableau de bord des curateurs" in french.content.decode()
    assert "Contenu, relecture et publication" in french.content.decode()
    form = client.get(
        f"/admin/practices/bestpractice/{practice.pk}/change/",
        HTTP_ACCEPT_LANGUAGE="es",
    ).content.decode()
    assert "Revisión y publicación" in form and "Estado: <strong>" in form


def test_a_curator_with_a_french_admin_reads_the_pending_change_message_in_french(
    client, practice
):
    f.make_curator()
    client.login(username="curator", password=f.CURATOR_PASSWORD)
    url = f"/admin/practices/bestpractice/{practice.pk}/change/"
    data = f.admin_form_data(client.get(url, HTTP_ACCEPT_LANGUAGE="fr")) | {
        "title": "Malmö practice, revised"
    }
    page = client.post(
        url, data, follow=True, HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert (
        "Votre modification de «\u00a0Malmö practice, revised\u00a0» est enregistrée "
        "comme modification en attente." in page
    )
    assert "saved as a pending change" not in page


@pytest.mark.parametrize(
    ("code", "heading"),
    [
        ("en", "Importing records from a spreadsheet"),
        ("fr", "Importer des fiches depuis un tableur"),
        ("es", "Importar fichas desde una hoja de cálculo"),
    ],
)
def test_the_import_guide_is_shown_in_the_admin_language(client, db, code, heading):
    f.make_curator()
    client.login(username="curator", password=f.CURATOR_PASSWORD)
    page = client.get(
        "/admin/practices/importrecord/help/", HTTP_ACCEPT_LANGUAGE=code
    ).content.decode()
    assert f"<h1>{heading}</h1>" in page
    # The file format itself stays in English, as the files are written.
    assert "label | value | unit" in page
