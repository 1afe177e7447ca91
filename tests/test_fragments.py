"""Practice items, list facets and reference lists kept rendered in each process's
memory (practices/templatetags/kb_fragments.py): a warm cache gives the page a cold one
gives, and any change to what an item shows shows at once, even one made without
a save (no signal, no invalidation: the key holds what the item shows). The page
cache is off here, so every request renders."""

import pytest
from django.core.cache import caches
from taggit.models import Tag

from practices.models import BestPractice, Jurisdiction, Source, Status
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rendered_every_time(settings):
    settings.KB_PAGE_CACHE_SECONDS = 0


def page(client, url="/practices/"):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_items_from_memory_make_the_page_a_fresh_render_makes(client):
    book = f.make_source("Sex Trafficking")
    for n in range(3):
        f.make_practice(f"Exit programmes {n}", source=book, tags=["exit", "funding"])
    caches["fragments"].clear()
    cold = page(client)
    warm = page(client)
    # The numbered markers too: the attribution between the two kept parts is
    # rendered each time, in the page's order.
    assert warm == cold
    assert warm.count('class="item practice-item"') == 3
    assert "[1]" in warm


def test_every_change_an_item_shows_shows_at_once(client):
    place = f.make_jurisdiction("Sweden", slug="sweden")
    practice = f.make_practice(
        "Exit programmes",
        jurisdiction=place,
        tags=["exit"],
        recommendation="Fund exit programmes.",
    )
    assert "Exit programmes" in page(client)
    # Written without a save: no signal tells anything it changed.
    BestPractice.objects.filter(pk=practice.pk).update(
        title="Exit routes", recommendation="Fund exit routes."
    )
    html = page(client)
    assert "Exit routes" in html
    assert "Fund exit routes." in html
    Tag.objects.filter(slug="exit").update(name="leaving prostitution")
    assert "leaving prostitution" in page(client)
    assert 'href="/jurisdictions/sweden/"' in page(client)
    Jurisdiction.objects.filter(pk=place.pk).update(status=Status.DRAFT)
    html = page(client)
    assert 'href="/jurisdictions/sweden/"' not in html
    assert "Sweden" in html


def test_each_language_keeps_its_own_items(client):
    f.make_practice("Exit programmes", title_fr="Programmes de sortie")
    assert "Exit programmes" in page(client)
    french = page(client, "/fr/practices/")
    assert "Programmes de sortie" in french
    assert 'href="/fr/practices/' in french
    assert "Exit programmes" not in french


def facets_section(html):
    start = html.index('<section class="facets"')
    return html[start : html.index("</section>", start)]


def test_facets_from_memory_make_the_section_a_fresh_render_makes(client):
    f.make_practice("Exit", jurisdiction=f.make_jurisdiction("Sweden"), tags=["exit"])
    f.make_practice("Hotline", jurisdiction=f.make_jurisdiction("Norway"), tags=["hot"])
    for url in ("/practices/", "/practices/?tag=exit", "/practices/?theme=prevention"):
        caches["fragments"].clear()
        cold = page(client, url)
        assert page(client, url) == cold, url


def test_facets_follow_the_address_and_every_change_they_show(client):
    f.make_practice("Exit", jurisdiction=f.make_jurisdiction("Sweden"), tags=["exit"])
    f.make_practice("Hotline", jurisdiction=f.make_jurisdiction("Norway"), tags=["hot"])
    plain = facets_section(page(client, "/practices/"))
    assert 'href="?tag=exit"' in plain
    # The same facets under another address: links keep that address's filters.
    themed = facets_section(page(client, "/practices/?theme=prevention"))
    assert 'href="?theme=prevention&amp;tag=exit"' in themed
    # Chosen: shown as current, not as a link.
    chosen = facets_section(page(client, "/practices/?tag=exit"))
    assert '<span aria-current="true">exit (1)</span>' in chosen
    # A tag renamed (its facet's name) and a third practice (its counts).
    Tag.objects.filter(slug="exit").update(name="leaving prostitution")
    exit_tag = Tag.objects.get(slug="exit")
    f.make_practice(
        "Exit 2", jurisdiction=f.make_jurisdiction("Chile"), tags=[exit_tag]
    )
    html = facets_section(page(client, "/practices/"))
    assert ">leaving prostitution</a> (2)" in html
    assert ">Chile</a> (1)" in html
    # Each language its own.
    assert "Affiner la liste" in facets_section(page(client, "/fr/practices/"))


def references_section(html):
    start = html.index('<ol class="reference-list">')
    return html[start : html.index("</ol>", start)]


def test_references_from_memory_make_the_list_a_fresh_render_makes(client):
    book = f.make_source("Sex Trafficking", authors="Perrin, Benjamin", year=2010)
    study = f.make_source("A study", reported_in=book, year=1999, authors="Doe, J")
    practice = f.make_practice("Exit", source=book)
    initiative = f.make_initiative("Shelter", source=study)
    practice.initiatives.add(initiative)
    for url in ("/practices/", practice.get_absolute_url()):
        caches["fragments"].clear()
        cold = page(client, url)
        assert page(client, url) == cold, url


def test_references_show_every_change_at_once(client):
    book = f.make_source("Sex Trafficking: Canada", authors="Perrin, Benjamin")
    study = f.make_source("A study", reported_in=book, year=1999)
    f.make_practice("Exit", source=study)
    html = references_section(page(client))
    assert "Sex Trafficking</a></cite>" in html  # the reporting book, short
    # Written without a save: no signal tells anything it changed.
    Source.objects.filter(pk=study.pk).update(title="A survey", year=2001)
    html = references_section(page(client))
    assert ">A survey</a>" in html
    Source.objects.filter(pk=book.pk).update(status=Status.DRAFT)
    html = references_section(page(client))
    assert "as reported in" not in html
    # A second citation of the same source gives lettered backlinks.
    f.make_practice("Hotline", source=study)
    html = references_section(page(client))
    assert 'href="#cite-1-2"' in html
