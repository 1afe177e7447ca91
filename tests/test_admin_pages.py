"""Every content admin opens for a curator, with its list, filters, forms and
"view on site" link to the record's public address."""

import pytest
from django.urls import reverse

from .factories import (
    CURATOR_PASSWORD,
    make_curator,
    make_finding,
    make_initiative,
    make_jurisdiction,
    make_organization,
    make_practice,
    make_quotation,
    make_source,
)

CASES = [
    (make_jurisdiction, "/jurisdictions/{slug}/"),
    (make_organization, "/organizations/{slug}/"),
    (make_source, "/sources/{slug}/"),
    (make_initiative, "/initiatives/{slug}/"),
    (make_practice, "/practices/{slug}/"),
    (make_finding, "/findings/{slug}/"),
]


@pytest.fixture
def curator(client, db):
    make_curator("curator")
    assert client.login(username="curator", password=CURATOR_PASSWORD)
    return client


def admin_url(obj, view, *args):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.mark.parametrize(("factory", "public_path"), CASES)
def test_curator_opens_list_add_change_and_history_pages(curator, factory, public_path):
    obj = factory()
    for url in (
        admin_url(obj, "changelist"),
        admin_url(obj, "changelist") + "?review_due=yes&status__exact=published",
        admin_url(obj, "add"),
        admin_url(obj, "change", obj.pk),
        admin_url(obj, "history", obj.pk),
    ):
        assert curator.get(url).status_code == 200, url
    change_page = curator.get(admin_url(obj, "change", obj.pk)).content.decode()
    assert f'href="{public_path.format(slug=obj.slug)}"' in change_page


def test_quotation_view_on_site_points_into_its_initiative_page(curator):
    initiative = make_initiative(slug="hotline")
    quotation = make_quotation(slug="officer-says", initiative=initiative)
    page = curator.get(admin_url(quotation, "change", quotation.pk)).content.decode()
    assert 'href="/initiatives/hotline/#quote-officer-says"' in page
    assert curator.get(admin_url(quotation, "changelist")).status_code == 200


def test_curator_can_use_autocomplete_for_jurisdictions(curator):
    make_jurisdiction("Sweden")
    make_jurisdiction("Norway")
    response = curator.get(
        reverse("admin:autocomplete"),
        {
            "term": "swe",
            "app_label": "practices",
            "model_name": "bestpractice",
            "field_name": "jurisdiction",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Sweden"]


def test_practice_list_filters_by_tag(curator):
    hotels = make_practice(title="Tagged hotels", tags=["hotels"])
    make_practice(title="Tagged police", tags=["police"])
    url = reverse("admin:practices_bestpractice_changelist")
    page = curator.get(url).content.decode()
    tag = hotels.tags.get()
    assert f"?tags__id__exact={tag.pk}" in page  # offered in the sidebar
    page = curator.get(url, {"tags__id__exact": tag.pk}).content.decode()
    assert "Tagged hotels" in page and "Tagged police" not in page
