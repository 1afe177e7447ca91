"""What the performance work must not change: each page's query count whatever the
number of practices, the related practices (now picked from a bounded candidate
set), the counts over everything published (now cached per content generation), and
search over the stored vectors (PostgreSQL)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from practices import search, selectors
from practices.models import BestPractice, Finding, Initiative, Jurisdiction, Status
from tests import factories as f

pytestmark = pytest.mark.django_db

# Tags by popularity, as in real tagging: the first is on most practices.
TAGS = ["victim services", "task forces", "hotlines", "training", "shelters"]


def build(n):
    """n practices in the cities and states of two countries, each with two or three
    tags of uneven popularity, every tenth one a draft; n / 10 organizations."""
    countries = [
        f.make_jurisdiction("Atlantis", slug="atlantis"),
        f.make_jurisdiction("Lemuria", slug="lemuria"),
    ]
    places = []
    for country in countries:
        for s in range(2):
            state = f.make_jurisdiction(
                f"{country.name} state {s}", parent=country, kind="state"
            )
            places += [state, f.make_jurisdiction(f"{state.name} city", parent=state)]
    book = f.make_source("Book", slug="book")
    for i in range(n // 10):
        # Found by the search below, each naming its jurisdiction.
        f.make_organization(f"Practice network {i}", jurisdiction=places[i % 4])
    for i in range(n):
        tags = {TAGS[0], TAGS[1 + i % 2], TAGS[i % len(TAGS)]}
        f.make_practice(
            f"Practice {i:03d}",
            jurisdiction=places[i % len(places)],
            source=book,
            tags=sorted(tags),
            slug=f"practice-{i}",
            status=Status.DRAFT if i % 10 == 9 else Status.PUBLISHED,
        )


URLS = [
    "/",
    "/practices/",
    "/practices/?tag=victim-services&tag=task-forces&jurisdiction=atlantis",
    "/practices/?sort=title",
    "/practices/practice-4/",
    "/search/?q=practice",
    "/jurisdictions/atlantis/",
]


def query_counts(client, n):
    with transaction.atomic():
        build(n)
        counts = {}
        for url in URLS:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200, url
            counts[url] = len(ctx.captured_queries)
        transaction.set_rollback(True)
    return counts


def test_pages_run_the_same_queries_for_20_practices_as_for_200(client):
    assert query_counts(client, 200) == query_counts(client, 20)


def naive_related(practice):
    """The related practices by the plainest reading of their definition: count
    every shared tag of every practice; take the six sharing most, the most
    recently added of those sharing as many; show them most shared first, then by
    title."""
    tags = list(practice.tags.all())
    scored = []
    for other in BestPractice.objects.published().exclude(pk=practice.pk):
        shared = len({t.pk for t in other.tags.all()} & {t.pk for t in tags})
        if shared:
            scored.append((-shared, -other.pk, other.title))
    taken = sorted(scored)[:6]
    return [title for _, title in sorted((shared, title) for shared, _, title in taken)]


def related_titles(client, slug):
    response = client.get(f"/practices/{slug}/")
    return [p.title for p in response.context["related"]]


def test_related_practices_share_the_most_tags_then_the_newest_by_title(client):
    book = f.make_source("Book", slug="book")
    practice = f.make_practice("Subject", source=book, tags=["a", "b", "c"])
    f.make_practice("Zed shares three", source=book, tags=["a", "b", "c", "d"])
    f.make_practice("Yak shares two", source=book, tags=["a", "c"])
    f.make_practice("Emu shares two", source=book, tags=["b", "c"])
    f.make_practice(
        "Ant draft shares three", source=book, tags=["a", "b", "c"], status="draft"
    )
    for title in ["Owl", "Cat", "Bee", "Dog", "Fox"]:
        f.make_practice(f"{title} shares one", source=book, tags=["a", "x"])
    f.make_practice("Aardvark shares none", source=book, tags=["x"])

    titles = related_titles(client, practice.slug)
    assert titles == [
        "Zed shares three",
        "Emu shares two",
        "Yak shares two",
        # Five share one tag; the three added last, shown by title.
        "Bee shares one",
        "Dog shares one",
        "Fox shares one",
    ]
    assert titles == naive_related(practice)


def test_related_practices_leave_out_those_sharing_one_tag_when_six_share_more(
    client,
):
    book = f.make_source("Book", slug="book")
    practice = f.make_practice("Subject", source=book, tags=["a", "b"])
    for i in range(7):
        f.make_practice(f"Two {i}", source=book, tags=["a", "b"])
    f.make_practice("A single shared tag", source=book, tags=["a"])
    titles = related_titles(client, practice.slug)
    assert titles == [f"Two {i}" for i in range(1, 7)]
    assert titles == naive_related(practice)


def test_a_practice_without_tags_has_no_related_practices(client):
    practice = f.make_practice("Alone", tags=[])
    f.make_practice("Other", tags=["a"])
    assert related_titles(client, practice.slug) == []


@pytest.mark.django_db(transaction=True)
def test_counts_over_everything_published_are_cached_until_content_changes(
    django_assert_num_queries,
):
    country = f.make_jurisdiction("Atlantis", slug="atlantis")
    f.make_practice("One", jurisdiction=country, tags=["hotlines"])
    draft = f.make_practice(
        "Two", jurisdiction=country, tags=["hotlines"], status=Status.DRAFT
    )
    everything = selectors.practices_for_list()

    def counts():
        tags = {t.name: t.count for t in selectors.tag_facets(everything)}
        countries = {c.name: c.count for c in selectors.country_facets(everything)}
        return tags, countries

    assert counts() == ({"hotlines": 1}, {"Atlantis": 1})
    with django_assert_num_queries(0):
        assert counts() == ({"hotlines": 1}, {"Atlantis": 1})

    draft.status = Status.PUBLISHED
    draft.save()
    assert counts() == ({"hotlines": 2}, {"Atlantis": 2})

    draft.tags.add("shelters")
    assert counts()[0] == {"hotlines": 2, "shelters": 1}

    draft.delete()
    assert counts()[0] == {"hotlines": 1}

    Jurisdiction.objects.filter(pk=country.pk).update(status=Status.DRAFT)
    from practices.cache import content_changed  # update() sends no signal

    content_changed()
    assert counts()[1] == {}


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL=postgres://…)",
)
def test_search_finds_words_however_the_practice_was_written():
    saved = f.make_practice("Hotline for victims", recommendation="Answer calls.")
    BestPractice.objects.filter(pk=saved.pk).update(
        discussion="Run by volunteers in Uppsala."
    )
    [bulk] = BestPractice.objects.bulk_create(
        [
            BestPractice(
                title="Bulk loaded",
                slug="bulk-loaded",
                recommendation="Train labour inspectors.",
                theme="prevention",
                jurisdiction=saved.jurisdiction,
                status=Status.PUBLISHED,
            )
        ]
    )

    def found(q):
        return [h.record.title for g in search.search(q).groups for h in g["hits"]]

    assert found("uppsala") == ["Hotline for victims"]
    assert found("inspectors") == ["Bulk loaded"]
    saved.title = "Helpline for victims"
    saved.save()
    assert found("helpline") == ["Helpline for victims"]
    assert found("hotline") == []


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL=postgres://…)",
)
def test_synthetic_data_is_searchable_as_soon_as_it_is_generated():
    from django.core.management import call_command

    call_command("generate_synthetic", practices=40, jurisdictions=5, verbosity=0)
    for model in (BestPractice, Initiative, Finding):
        assert not model.objects.filter(search_vector__isnull=True).exists()
    found = search.search("synthetic").groups
    assert {g["label"] for g in found} >= {"Best practices", "Initiatives", "Findings"}


@pytest.mark.django_db(transaction=True)
def test_the_unfiltered_list_counts_from_the_cache_until_content_changes(
    client, django_assert_num_queries
):
    country = f.make_jurisdiction("Atlantis", slug="atlantis")
    for i in range(21):
        f.make_practice(f"Practice {i:02d}", jurisdiction=country)
    draft = f.make_practice("Draft", jurisdiction=country, status=Status.DRAFT)

    def shown(url):
        response = client.get(url)
        assert response.status_code == 200
        return response.context["paginator"].count

    assert shown("/practices/?page=2") == 21
    assert selectors.whole_set_count(selectors.practices_for_list()) == 21
    with django_assert_num_queries(0):
        assert selectors.whole_set_count(selectors.practices_for_list()) == 21
    # A filtered list counts its own result.
    assert (
        selectors.whole_set_count(
            selectors.practices_for_list().filter(title__startswith="Practice 0")
        )
        is None
    )

    draft.status = Status.PUBLISHED
    draft.save()
    assert shown("/practices/?page=2") == 22
    BestPractice.objects.filter(pk=draft.pk).delete()
    assert shown("/practices/?page=2") == 21


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL=postgres://…)",
)
def test_connections_plan_for_data_read_from_memory():
    # kb/settings.py: with the defaults, a page's citations were joined by hashing
    # every source, and short queries were JIT-compiled.
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
