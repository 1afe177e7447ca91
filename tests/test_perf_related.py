"""Related practices once the tag counts are cached: the practices sharing two tags
are grouped from the rarer tags' links only, the choice is kept with the counts,
and the page still shows exactly the naive ranking."""

import pytest
from django.core.cache import cache

from practices import selectors
from practices.models import BestPractice
from tests import factories as f
from tests.test_perf_scale import naive_related


def build():
    book = f.make_source("Book", slug="book")
    subject = f.make_practice("Subject", source=book, tags=["a", "b", "c"])
    f.make_practice("Zed shares three", source=book, tags=["a", "b", "c", "d"])
    f.make_practice("Yak shares a and c", source=book, tags=["a", "c"])
    f.make_practice("Emu shares b and c", source=book, tags=["b", "c"])
    f.make_practice("Gnu shares a and b", source=book, tags=["a", "b", "x"])
    f.make_practice("Ant draft", source=book, tags=["a", "b", "c"], status="draft")
    for title in ["Owl", "Cat", "Bee", "Dog", "Fox", "Hen", "Elk"]:
        f.make_practice(f"{title} shares a", source=book, tags=["a", "x"])
    return subject


def naive_sharing_two(practice):
    mine = {t.pk for t in practice.tags.all()}
    return {
        other.pk
        for other in BestPractice.objects.exclude(pk=practice.pk)
        if len(mine & {t.pk for t in other.tags.all()}) >= 2
    }


@pytest.mark.django_db
def test_any_tag_taken_as_the_commonest_finds_the_same_practices_sharing_two():
    subject = build()
    tag_ids = [t.pk for t in subject.tags.all()]
    for commonest in tag_ids:
        found = selectors._sharing_two_tags(subject, tag_ids, commonest)
        assert set(found.values_list("content_object", flat=True)) == (
            naive_sharing_two(subject)
        ), commonest


@pytest.mark.django_db(transaction=True)
def test_detail_page_after_the_list_has_counted_tags_shows_the_naive_ranking(client):
    cache.clear()
    subject = build()
    client.get("/practices/")  # counts the tags, cached outside a transaction
    assert selectors._cached_tag_sizes() is not None
    response = client.get(subject.get_absolute_url())
    titles = [p.title for p in response.context["related"]]
    assert titles == naive_related(subject)
    assert titles[:4] == [
        "Zed shares three",
        "Emu shares b and c",
        "Gnu shares a and b",
        "Yak shares a and c",
    ]


@pytest.mark.django_db(transaction=True)
def test_related_practices_kept_with_the_counts_follow_every_change(
    client, django_assert_max_num_queries
):
    """The practices sharing two tags are kept with the counts after the first
    visit; each change below shows on the next visit, as the naive ranking."""
    cache.clear()
    subject = build()
    client.get("/practices/")  # the tag sizes, as a busy site has them

    def related():
        # The selector, not the page: the page cache would answer a second visit.
        return [p.title for p in selectors.practice_detail(subject.slug)["related"]]

    expected = naive_related(subject)
    # The practice (with whether initiatives illustrate it: none), its tags and
    # sources, then three for the related practices: the levels of shared tags,
    # those sharing one (only two share more), and the six.
    with django_assert_max_num_queries(6):
        assert related() == expected
    # Kept: the next visit ranks nothing, it fetches the six.
    with django_assert_max_num_queries(4):
        assert related() == expected

    owl = BestPractice.objects.get(title="Owl shares a")
    owl.tags.add("b", "c")  # now shares three: first
    assert related()[0] == "Owl shares a"
    assert related() == naive_related(subject)

    BestPractice.objects.filter(title="Zed shares three").update(status="draft")
    # A bulk update sends no signal; the services that publish and unpublish
    # start a new counts generation, as this does.
    from practices.cache import content_changed

    content_changed()
    assert "Zed shares three" not in related()
    assert related() == naive_related(subject)

    # A title is text (no new counts generation): the same six, shown in the
    # new title order.
    emu = BestPractice.objects.get(title="Emu shares b and c")
    emu.title = "Aardvark shares b and c"
    emu.save()
    assert related() == naive_related(subject)
    assert related().index("Aardvark shares b and c") < related().index(
        "Gnu shares a and b"
    )

    BestPractice.objects.get(title="Owl shares a").delete()
    assert related() == naive_related(subject)

    subject.tags.remove("a")
    assert related() == naive_related(subject)
