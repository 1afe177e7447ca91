"""List facets at scale: the most common tags and countries of the current result,
with their counts, and a link to all of them (rendering some 400 facet links was
most of an unfiltered list page's time at 100,000 practices)."""

import pytest

from practices.selectors import FACET_LIMIT
from tests import factories as f

pytestmark = pytest.mark.django_db

EXTRA = 5  # tags and countries beyond the limit


@pytest.fixture
def many():
    """FACET_LIMIT + EXTRA countries, each with one practice more than the last,
    each practice tagged with its country's own tag and with "common"."""
    for i in range(FACET_LIMIT + EXTRA):
        country = f.make_jurisdiction(f"Country {i:02d}", slug=f"country-{i:02d}")
        for _ in range(i + 1):
            f.make_practice(jurisdiction=country, tags=[f"tag {i:02d}", "common"])


def test_lists_offer_the_most_common_tags_and_countries_with_a_link_to_all(
    client, many
):
    response = client.get("/practices/")
    tags = {t.slug: t.count for t in response.context["tag_facets"]}
    assert len(tags) == FACET_LIMIT
    # The most common first: "common" is on every practice, then the biggest
    # countries' tags; the five smallest are left for "All … tags".
    assert tags["common"] == sum(range(1, FACET_LIMIT + EXTRA + 1))
    assert "tag-00" not in tags and tags[f"tag-{FACET_LIMIT + EXTRA - 1}"] == 35
    countries = {c.slug: c.count for c in response.context["country_facets"]}
    assert len(countries) == FACET_LIMIT
    assert "country-00" not in countries and countries["country-34"] == 35
    html = response.content.decode()
    assert f"All {FACET_LIMIT + EXTRA + 1} tags</a>" in html
    assert f"All {FACET_LIMIT + EXTRA} countries</a>" in html
    assert 'href="?facets=all"' in html


def test_all_facets_on_request_with_their_counts(client, many):
    response = client.get("/practices/?facets=all")
    tags = {t.slug: t.count for t in response.context["tag_facets"]}
    assert len(tags) == FACET_LIMIT + EXTRA + 1 and tags["tag-00"] == 1
    countries = {c.slug: c.count for c in response.context["country_facets"]}
    assert len(countries) == FACET_LIMIT + EXTRA and countries["country-00"] == 1
    html = response.content.decode()
    assert "All 36 tags" not in html
    assert "Show only the most common tags and countries" in html


def test_a_chosen_filter_stays_visible_and_facets_count_the_filtered_result(
    client, many
):
    response = client.get("/practices/?tag=tag-00&jurisdiction=country-00")
    assert [(t.slug, t.count) for t in response.context["tag_facets"]] == [
        ("common", 1),
        ("tag-00", 1),
    ]
    assert [(c.slug, c.count) for c in response.context["country_facets"]] == [
        ("country-00", 1)
    ]
    html = response.content.decode()
    assert "All 36 tags" not in html and "countries</a>" not in html
    assert '<span aria-current="true">tag 00 (1)</span>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # "common" is on every practice: 1 + 2 + … + 35.
        ("tag=common", (FACET_LIMIT + EXTRA) * (FACET_LIMIT + EXTRA + 1) // 2),
        ("tag=common&tag=tag-34", FACET_LIMIT + EXTRA),
        ("tag=common&jurisdiction=country-21", 22),
        ("tag=common&tag=tag-33&facets=all", FACET_LIMIT + EXTRA - 1),
        ("tag=tag-01&tag=tag-02", 0),  # no practice carries both
        ("tag=tag-01&tag=no-such-tag", 2),  # the unknown tag is left out
    ],
)
def test_a_tag_filtered_list_counts_its_result_from_the_chosen_tag_facet(
    client, many, query, expected
):
    response = client.get(f"/practices/?{query}")
    assert response.context["paginator"].count == expected
    assert response.context["paginator"].count == len(
        response.context["view"].get_queryset()
    )
