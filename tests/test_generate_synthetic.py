"""generate_synthetic: counts, marking, jurisdiction paths, and a --clear that spares
real content."""

import pytest
from django.core.management import CommandError, call_command
from taggit.models import Tag

from practices.management.commands import generate_synthetic
from practices.models import (
    BestPractice,
    Finding,
    FindingFigure,
    Initiative,
    Jurisdiction,
    Organization,
    PracticeSource,
    Source,
    Status,
)

from .factories import make_jurisdiction, make_practice

pytestmark = pytest.mark.django_db

SYNTHETIC_MODELS = [
    Jurisdiction,
    Organization,
    Source,
    Initiative,
    BestPractice,
    Finding,
]


def generate(practices=60, jurisdictions=40, **kw):
    call_command(
        "generate_synthetic",
        practices=practices,
        jurisdictions=jurisdictions,
        seed=3,
        batch_size=25,
        verbosity=0,
        **kw,
    )


def test_generate_creates_the_requested_number_of_practices_and_jurisdictions():
    generate()
    assert BestPractice.objects.count() == 60
    assert Jurisdiction.objects.count() == 40
    kinds = set(Jurisdiction.objects.values_list("kind", flat=True))
    assert kinds == {"country", "state", "city"}
    assert Initiative.objects.exists()
    assert FindingFigure.objects.filter(finding__in=Finding.objects.all()).exists()


def test_every_synthetic_record_is_marked_and_cites_the_synthetic_source():
    generate()
    for model in SYNTHETIC_MODELS:
        slugs = model.objects.values_list("slug", flat=True)
        assert all(s.startswith("synthetic-") for s in slugs), model
    titles = BestPractice.objects.values_list("title", flat=True)
    assert all(t.startswith("[Synthetic]") for t in titles)
    source = Source.objects.get(title="Synthetic data — not real")
    assert not BestPractice.objects.exclude(sources=source).exists()
    assert not Initiative.objects.exclude(sources=source).exists()
    assert not Finding.objects.exclude(source=source).exists()
    assert not Source.objects.exclude(pk=source.pk).exclude(reported_in=source).exists()


def test_each_practice_has_two_to_five_tags_from_a_shared_vocabulary():
    generate()
    for practice in BestPractice.objects.prefetch_related("tags"):
        tags = list(practice.tags.all())
        assert 2 <= len(tags) <= 5
        assert all(t.slug.startswith("synthetic-") for t in tags)
    assert Tag.objects.count() >= 200


def test_a_share_of_practices_are_drafts_hidden_from_published():
    generate(practices=100)
    drafts = BestPractice.objects.filter(status=Status.DRAFT).count()
    assert 0 < drafts < 10
    assert BestPractice.objects.published().count() == 100 - drafts
    assert not BestPractice.objects.published().filter(published_at=None).exists()


def test_jurisdiction_paths_let_a_citys_practices_roll_up_to_its_country():
    generate()
    for j in Jurisdiction.objects.select_related("parent"):
        assert j.path == j.compute_path()
    city = Jurisdiction.objects.filter(kind="city", practices__isnull=False).first()
    country = city.country
    assert country.kind == "country"
    assert city.parent.parent == country
    in_country = BestPractice.objects.filter(
        jurisdiction__in=country.descendants_and_self()
    )
    assert set(city.practices.all()) <= set(in_country)


def test_clear_removes_only_synthetic_records_and_leaves_real_content_untouched():
    sweden = make_jurisdiction("Sweden")
    real = make_practice("Criminalize the purchase of sex", jurisdiction=sweden)
    real.tags.add("demand reduction")
    generate()
    assert BestPractice.objects.count() == 61

    call_command("generate_synthetic", clear=True, verbosity=0)

    for model in SYNTHETIC_MODELS:
        assert not model.objects.filter(slug__startswith="synthetic-").exists()
    assert not Tag.objects.filter(slug__startswith="synthetic-").exists()
    assert list(BestPractice.objects.all()) == [real]
    real.refresh_from_db()
    assert real.title == "Criminalize the purchase of sex"
    assert [t.name for t in real.tags.all()] == ["demand reduction"]
    assert PracticeSource.objects.filter(practice=real).count() == 1
    assert list(Jurisdiction.objects.all()) == [sweden]


def test_generate_refuses_to_run_twice_without_clear():
    generate(practices=10, jurisdictions=5)
    with pytest.raises(CommandError, match="--clear"):
        generate(practices=10, jurisdictions=5)


def test_generate_refuses_a_database_with_unapplied_migrations(monkeypatch):
    # An empty database has every migration unapplied; stand in for one here.
    monkeypatch.setattr(
        generate_synthetic, "unapplied_migrations", lambda connection: ["0001"]
    )
    with pytest.raises(CommandError, match="migrate"):
        generate(practices=10, jurisdictions=5)
    assert not BestPractice.objects.exists()
