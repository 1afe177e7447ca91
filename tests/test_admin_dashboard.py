"""The curators' dashboard on the admin home: counts that link to filtered lists,
in a number of queries that does not grow with the content."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practices.models import Status, Suggestion

from .factories import CURATOR_PASSWORD, make_curator, make_practice


@pytest.fixture
def curator_client(client, db):
    make_curator("curator")
    assert client.login(username="curator", password=CURATOR_PASSWORD)
    return client


def _queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_dashboard_counts_link_to_filtered_lists(curator_client):
    make_practice(status=Status.DRAFT)
    make_practice(status=Status.DRAFT)
    make_practice(status=Status.REVIEW)
    Suggestion.objects.create(kind="new-practice", text="t", source="s")
    _, page = _queries(curator_client)
    changelist = reverse("admin:practices_bestpractice_changelist")
    assert (
        f'href="{changelist}?status__exact=draft" aria-label="Best practices: 2 drafts"'
        in page
    )
    assert (
        f'href="{changelist}?status__exact=review" '
        'aria-label="Best practices: 1 in review"' in page
    )
    assert f"{changelist}?review_due=yes" in page
    assert "New suggestions from readers: 1" in page
    # The link shows exactly those records.
    drafts = curator_client.get(f"{changelist}?status__exact=draft")
    assert drafts.context["cl"].result_count == 2


def test_dashboard_queries_do_not_grow_with_content(curator_client):
    make_practice()
    few, _ = _queries(curator_client)
    for _ in range(5):
        make_practice(status=Status.DRAFT)
        Suggestion.objects.create(kind="new-practice", text="t", source="s")
    many, _ = _queries(curator_client)
    assert many == few


def test_dashboard_lists_the_last_imports_linking_to_the_import_log(curator_client):
    from django.contrib.contenttypes.models import ContentType

    from practices.models import BestPractice, ImportRecord

    content_type = ContentType.objects.get_for_model(BestPractice)
    ImportRecord.objects.create(
        file_name="practices.csv", content_type=content_type, new=3, updated=1
    )
    _, page = _queries(curator_client)
    log = reverse("admin:practices_importrecord_changelist")
    link = f"{log}?content_type__id__exact={content_type.pk}"
    assert (
        f'<a href="{link}">practices.csv</a>: best practice, 3 new, 1 updated' in page
    )
    listed = curator_client.get(link)
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 1
