"""Practice items kept rendered in each process's memory
(practices/templatetags/kb_fragments.py): a warm cache gives the page a cold one
gives, and any change to what an item shows shows at once, even one made without
a save (no signal, no invalidation: the key holds what the item shows). The page
cache is off here, so every request renders."""

import pytest
from django.core.cache import caches
from taggit.models import Tag

from practices.models import BestPractice, Jurisdiction, Status
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
