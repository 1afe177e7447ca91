"""Related practices once the tag counts are cached: the practices sharing two tags
are grouped from the rarer tags' links only, and the page still shows exactly the
naive ranking."""

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
