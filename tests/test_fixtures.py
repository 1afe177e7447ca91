"""The fixtures in fixtures/*.json: they load, reload without change, and say what the
seed text says (numbers, lists, quotations, attribution) in clean Unicode."""

import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import serializers
from django.core.management import call_command
from taggit.models import Tag

from practices.models import (
    Basis,
    BestPractice,
    Finding,
    FindingFigure,
    Initiative,
    InitiativeSource,
    Jurisdiction,
    Organization,
    PracticeSource,
    Quotation,
    Source,
    TaggedInitiative,
    TaggedPractice,
    Theme,
)

from .conftest import FIXTURES_DIR

# ../shared/seed/ of the repo; KB_SEED_DIR points elsewhere (a git worktree's
# checkout sits one level deeper, so the default misses it there).
SEED_DIR = Path(
    os.environ.get("KB_SEED_DIR")
    or Path(__file__).resolve().parent.parent.parent / "shared" / "seed"
)
SEED_FILE = SEED_DIR / "000_6d63e2b6976943c9.txt"

# The seed's section headings, in order: the only locators a citation may use.
HEADINGS = [
    "U.S. Human Trafficking Task Forces",
    "Proactive initiatives on the front lines",
    "Best practices from the United States",
    "Sweden: It's more than Ikea",
    "Comprehensive national action plans",
    "Best practices from Sweden",
    "Sweden's approach versus legalizing prostitution",
]
BOOK_SLUG = "perrin-2010-invisible-chains"
PUBLISHABLE = [
    Jurisdiction,
    Organization,
    Source,
    Initiative,
    BestPractice,
    Finding,
    Quotation,
]
# Everything the fixtures hold, for before/after comparisons.
ALL_MODELS = [
    *PUBLISHABLE,
    Tag,
    InitiativeSource,
    PracticeSource,
    TaggedInitiative,
    TaggedPractice,
    FindingFigure,
]

# The seed went through a wrong encoding once (see its README).
BULLET = "â¢Â \xa0"


def repair_seed(raw):
    """The seed as its author wrote it: bullets as '• ', em dashes, ellipses, Malmö.

    The damaged ellipsis swallowed the space after it ('prostitution⦠[W]omen')."""
    text = re.sub(r"⦠ ?", "… ", raw.replace(BULLET, "• "))
    text = re.sub(r"\s*â\s*", "—", text)
    return re.sub(r"\bMalmo\b", "Malmö", text)


def squash(text):
    """One space for every run of whitespace: the seed breaks lines mid-sentence."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def seed():
    if not SEED_FILE.exists():
        pytest.skip(
            f"the seed text is not at {SEED_FILE} (../shared/seed/ of the repo)"
        )
    return repair_seed(SEED_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_flat(seed):
    return squash(seed)


def section_bullets(seed, heading):
    """The list items ('• …' lines) under one of the seed's headings."""
    lines = seed.splitlines()
    start = lines.index(heading) + 1
    items = []
    for line in lines[start:]:
        if line.strip() in HEADINGS:
            break
        if line.startswith("• "):
            items.append(line[2:].strip())
    return items


def snapshot():
    return {
        model._meta.label: serializers.serialize(
            "json", model._default_manager.order_by("pk")
        )
        for model in ALL_MODELS
    }


# --- loading -----------------------------------------------------------------------


def test_fixtures_load_every_kind_of_record_published(content):
    for model in PUBLISHABLE:
        assert model.objects.exists(), model._meta.label
        assert model.objects.published().count() == model.objects.count()
        assert not model.objects.filter(published_at__isnull=True).exists()
    assert FindingFigure.objects.exists()
    assert Tag.objects.count() >= 20


def test_loading_the_fixtures_twice_changes_nothing(content):
    before = snapshot()
    boston = Jurisdiction.objects.get(slug="boston")
    call_command("loaddata", *sorted(str(p) for p in FIXTURES_DIR.glob("*.json")))
    assert snapshot() == before
    boston.refresh_from_db()
    assert boston.path == "/1/2/3/"
    assert Initiative.objects.get(slug="innocence-lost-initiative").start_year == 2003


def test_every_initiative_and_practice_is_tagged_from_a_lower_case_vocabulary(content):
    for name in Tag.objects.values_list("name", flat=True):
        assert name == name.lower().strip(), name
    for initiative in Initiative.objects.all():
        assert initiative.tags.exists(), initiative.slug
    for practice in BestPractice.objects.all():
        assert practice.tags.exists(), practice.slug
    boston = Initiative.objects.get(slug="boston-police-youth-at-risk-process")
    assert "victim identification" in boston.tags.names()


def test_slugs_are_lower_case_ascii_kebab_case(content):
    kebab = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    for model in [*PUBLISHABLE, Tag]:
        for slug in model.objects.values_list("slug", flat=True):
            assert kebab.match(slug), (model._meta.label, slug)


# --- the best-practice lists ---------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "heading", "expected"),
    [
        ("united-states", "Best practices from the United States", 8),
        ("sweden", "Best practices from Sweden", 5),
    ],
)
def test_recommendations_are_the_texts_list_in_its_order(
    content, seed, country, heading, expected
):
    practices = BestPractice.objects.filter(jurisdiction__slug=country).order_by(
        "position"
    )
    bullets = section_bullets(seed, heading)
    assert len(bullets) == expected
    assert [p.recommendation for p in practices] == bullets
    assert [p.position for p in practices] == list(range(1, expected + 1))
    for practice in practices:
        assert practice.practicesource_set.filter(
            source__slug=BOOK_SLUG, locator=heading
        ).exists(), practice.slug


def test_each_recommendation_appears_verbatim_in_the_text(content, seed_flat):
    for practice in BestPractice.objects.all():
        assert practice.recommendation in seed_flat, practice.slug


# --- figures and wording ---------------------------------------------------------


# (finding slug, figure label, qualifier, value, value_max, unit, words in the text)
FIGURES = [
    (
        "stockholm-street-prostitution-1998-1999",
        "Stockholm, 1998",
        "",
        "280",
        None,
        "women in street prostitution",
        "decreased from 280 to 170 in Stockholm",
    ),
    (
        "stockholm-street-prostitution-1998-1999",
        "Stockholm, 1999",
        "",
        "170",
        None,
        "women in street prostitution",
        "decreased from 280 to 170 in Stockholm",
    ),
    (
        "malmo-street-prostitution-1998-1999",
        "Malmö, 1999",
        "",
        "80",
        None,
        "women in street prostitution",
        "from 160 to 80 in Malmö",
    ),
    (
        "sweden-action-plan-213-million-krona",
        "Allocation to the national action plan",
        "",
        "213",
        None,
        "million Krona",
        "213 million Krona (Cdn$32.2 million)",
    ),
    (
        "sweden-action-plan-213-million-krona",
        "Allocation to the national action plan, in the book's conversion",
        "",
        "32.2",
        None,
        "million Canadian dollars (Cdn$)",
        "213 million Krona (Cdn$32.2 million)",
    ),
    (
        "sweden-2002-poll-80-percent",
        "Population supporting the law and its principles",
        "",
        "80",
        None,
        "percent",
        "80 percent of the population supported the law",
    ),
    (
        "october-2008-operation-results",
        "Police officers involved",
        "",
        "630",
        None,
        "police officers",
        "an operation involving 630 police officers",
    ),
    (
        "october-2008-operation-results",
        "Ages of the rescued children",
        "",
        "13",
        "17",
        "years of age",
        "between thirteen and seventeen years of age",
    ),
    (
        "stockholm-oslo-2007-estimates",
        "Stockholm, by 2007",
        "",
        "105",
        "130",
        "women estimated to be prostituted",
        "between 105 and 130 women were estimated",
    ),
    (
        "stockholm-oslo-2007-estimates",
        "Oslo, by 2007",
        "",
        "5000",
        None,
        "women estimated to be prostituted",
        "Oslo, the estimate was 5000",
    ),
    (
        "farley-85-to-95-percent-want-to-escape",
        "People being sold for sex who want to escape it but have no other options",
        "",
        "85",
        "95",
        "percent",
        "85 to 95 percent of people being sold for sex",
    ),
    (
        "innocence-lost-over-350-convictions",
        "Traffickers and associates convicted",
        "over",
        "350",
        None,
        "traffickers and associates",
        "convictions against over 350 traffickers and associates",
    ),
    (
        "boston-girls-identified-and-rescued",
        "Girls identified",
        "",
        "150",
        None,
        "girls",
        "one hundred and fifty girls were identified",
    ),
    (
        "nhtrc-hotline-four-hundred-calls-per-month",
        "Hotline calls, monthly average (plus email inquiries)",
        "",
        "400",
        None,
        "calls per month",
        "The hotline averages four hundred calls per month",
    ),
    (
        "sweden-40-percent-drop-1999-2003",
        "Drop in the overall number of women being sold for sex in Sweden",
        "",
        "40",
        None,
        "percent",
        "dropped by 40 percent between 1999 and 2003",
    ),
]


@pytest.mark.parametrize(
    ("slug", "label", "qualifier", "value", "value_max", "unit", "words"), FIGURES
)
def test_figures_match_the_text(
    content, seed_flat, slug, label, qualifier, value, value_max, unit, words
):
    assert words in seed_flat
    figure = FindingFigure.objects.get(finding__slug=slug, label=label)
    assert figure.value == Decimal(value)
    assert figure.value_max == (Decimal(value_max) if value_max else None)
    assert figure.qualifier == qualifier
    assert figure.unit == unit


@pytest.mark.parametrize(
    ("slug", "words"),
    [
        ("boston-girls-identified-and-rescued", "one hundred and fifty girls"),
        ("nhtrc-hotline-four-hundred-calls-per-month", "four hundred calls per month"),
        ("httf-forty-two-jurisdictions", "forty-two jurisdictions"),
        ("innocence-lost-twenty-eight-task-forces", "twenty-eight dedicated task"),
        ("farley-85-to-95-percent-want-to-escape", "in nine counties"),
    ],
)
def test_statements_write_numbers_as_the_text_does(content, seed_flat, slug, words):
    assert words in seed_flat
    assert words in Finding.objects.get(slug=slug).statement


def test_before_and_after_findings_give_both_years_for_each_city(content):
    changes = Finding.objects.filter(kind=Finding.Kind.CHANGE)
    assert {f.jurisdiction.slug for f in changes} == {"stockholm", "goteborg", "malmo"}
    for finding in changes:
        years = [f.year for f in finding.figures.all()]
        assert years == [1998, 1999], finding.slug
        assert {f.jurisdiction_id for f in finding.figures.all()} == {
            finding.jurisdiction_id
        }


# --- attribution --------------------------------------------------------------------


ATTRIBUTION = re.compile(r"Perrin|the book|according to|as reported", re.IGNORECASE)


def test_reported_claims_are_attributed_never_in_the_sites_own_voice(content):
    for initiative in Initiative.objects.all():
        assert ATTRIBUTION.search(initiative.summary), initiative.slug
        assert ATTRIBUTION.search(initiative.description), initiative.slug
    for practice in BestPractice.objects.all():
        assert ATTRIBUTION.search(practice.discussion), practice.slug
    for finding in Finding.objects.all():
        assert ATTRIBUTION.search(finding.statement), finding.slug


def test_titles_of_claims_and_judgements_say_whose_they_are(content):
    # Titles are listed without their statements, so they must carry attribution.
    whose = re.compile(
        r"^(Perrin|Northeastern study|Inspector General|European Parliament study|"
        r"Farley|Swedish National Police|Head of Sweden's trafficking unit|"
        r"Stockholm police officer|"
        r"\d{4} poll)(?: \([^)]+\))?:"
    )
    judged = Finding.objects.exclude(kind__in=[Finding.Kind.COUNT, Finding.Kind.CHANGE])
    assert judged.count() >= 15
    for finding in judged:
        assert whose.match(finding.title), finding.title


@pytest.mark.parametrize(
    ("slug", "claimant"),
    [
        (
            "sweden-40-percent-drop-1999-2003",
            "the head of Sweden's national human trafficking unit",
        ),
        (
            "stockholm-oslo-2007-estimates",
            "one Stockholm police officer assigned to the sex trade",
        ),
        # The book names no one ("reportedly"), and the statement says so.
        ("stockholm-street-prostitution-1998-1999", ""),
        ("goteborg-street-prostitution-1998-1999", ""),
        ("malmo-street-prostitution-1998-1999", ""),
        ("perrin-swedish-model-successes", ""),
    ],
)
def test_findings_name_whose_claim_they_are(content, slug, claimant):
    assert Finding.objects.get(slug=slug).claimant == claimant


def quoted_runs(seed_flat):
    """Every quotation in quotation marks, with the runs that the book's narration
    splits (“…,” she says, “…”) joined back: the speaker's words, nothing left out."""
    spans = re.findall(r"“([^”]*)”", seed_flat)
    return set(spans) | {f"{a} {b}" for a, b in zip(spans, spans[1:], strict=False)}


def test_quotations_are_the_texts_words(content, seed_flat):
    runs = quoted_runs(seed_flat)
    for quotation in Quotation.objects.all():
        text = squash(quotation.text)
        # A block quotation (Winberg's) stands in the text without quotation marks.
        # Either way no ellipsis of our own can pass: the book's words are joined
        # where its narration splits them, since nothing was left out there.
        assert text in runs or text in seed_flat, quotation.slug
    winberg = Quotation.objects.get(speaker_name="Margareta Winberg")
    assert winberg.speaker_description == "deputy prime minister of Sweden"
    assert winberg.text.startswith("I argue that any society")
    assert winberg.text.endswith("developed during the last fifty years.")


def test_the_book_is_cited_with_no_invented_bibliographic_fields(content):
    book = Source.objects.get(slug=BOOK_SLUG)
    assert book.title == (
        "Invisible Chains: Canada's Underground World of Human Trafficking"
    )
    assert (book.authors, book.year, book.isbn) == (
        "Perrin, Benjamin",
        2010,
        "0143178970",
    )
    assert book.publisher == ""
    assert book.reported_in is None
    for source in Source.objects.exclude(pk=book.pk):
        assert source.reported_in_id == book.pk, source.slug
        assert source.locator in HEADINGS, source.slug
        assert source.publisher == "", source.slug


# --- integrity -------------------------------------------------------------------


def test_every_initiative_has_a_jurisdiction_and_a_cited_section(content):
    for initiative in Initiative.objects.all():
        assert initiative.jurisdiction_id
        citations = initiative.initiativesource_set.all()
        assert citations, initiative.slug
        assert {c.locator for c in citations} <= set(HEADINGS), initiative.slug


def test_every_practice_finding_and_quotation_has_a_source(content):
    for practice in BestPractice.objects.all():
        assert practice.sources.exists(), practice.slug
    for finding in Finding.objects.all():
        assert finding.source_id and finding.locator in HEADINGS, finding.slug
    for quotation in Quotation.objects.all():
        assert quotation.source_id and quotation.locator in HEADINGS, quotation.slug


# The initiatives the text gives as illustrations; the other practices have none.
ILLUSTRATIONS = {
    "us-legislation-higher-penalties-child-trafficking": set(),
    "us-multi-agency-task-forces": {"us-human-trafficking-task-forces"},
    "us-proactive-local-police-initiatives": {
        "boston-police-youth-at-risk-process",
        "dallas-police-specialized-detectives",
    },
    "us-specialized-prosecutors-asset-seizure": set(),
    "us-services-for-foreign-victims": set(),
    "us-case-management": set(),
    "us-public-awareness-campaigns-and-hotline": {
        "rescue-and-restore-campaign",
        "national-human-trafficking-resource-center-hotline",
    },
    "us-witness-protection": set(),
    "se-recognize-purchasers-fuel-trafficking": {"sweden-1999-sex-purchase-law"},
    "se-criminalize-purchasers-not-those-sold": {"sweden-1999-sex-purchase-law"},
    "se-equality-and-exit-programs": {
        "sweden-national-action-plan",
        "sweden-plan-victim-support-rehabilitation",
    },
    "se-prevention-services-substance-abuse": {
        "sweden-plan-addiction-care",
        "sweden-plan-at-risk-programs",
    },
    "se-shift-attitudes-reduce-demand": {
        "sweden-1999-sex-purchase-law",
        "sweden-kast-groups",
    },
}


def test_practices_are_illustrated_by_the_initiatives_the_text_gives(content):
    actual = {
        p.slug: {i.slug for i in p.initiatives.all()}
        for p in BestPractice.objects.prefetch_related("initiatives")
    }
    assert actual == ILLUSTRATIONS


def test_cautionary_examples_never_illustrate_a_practice(content):
    cautionary = Initiative.objects.filter(role=Initiative.Role.CAUTIONARY)
    assert list(cautionary.values_list("slug", flat=True)) == [
        "victoria-legal-prostitution-regime"
    ]
    assert not BestPractice.objects.filter(initiatives__in=cautionary).exists()
    assert cautionary.get().jurisdiction.iso_code == "AU-VIC"


def test_national_action_plan_lists_its_five_initiatives(content, seed):
    plan = Initiative.objects.get(slug="sweden-national-action-plan")
    parts = plan.parts.order_by("pk")
    bullets = section_bullets(seed, "Comprehensive national action plans")
    assert len(bullets) == parts.count() == 5
    for part, words in zip(parts, bullets, strict=True):
        assert words in part.summary
    compensation = parts.get(slug="sweden-plan-compensation-evaluation")
    assert [o.name for o in compensation.lead_organizations.all()] == [
        "Crime Victim Compensation and Support Authority"
    ]


def test_boston_initiative_rolls_up_into_the_united_states(content):
    us = Jurisdiction.objects.get(iso_code="US")
    boston = Initiative.objects.get(slug="boston-police-youth-at-risk-process")
    assert boston.jurisdiction.path.startswith(us.path)
    in_us = Initiative.objects.filter(jurisdiction__in=us.descendants_and_self())
    assert boston in in_us
    assert not in_us.filter(jurisdiction__iso_code="SE").exists()
    assert [j.name for j in boston.jurisdiction.ancestors()] == [
        "United States",
        "Massachusetts",
    ]


def test_norway_and_canada_appear_with_the_findings_about_them(content):
    oslo = FindingFigure.objects.get(jurisdiction__slug="oslo")
    assert oslo.value == Decimal("5000")
    assert oslo.jurisdiction.parent.iso_code == "NO"
    assert Finding.objects.filter(jurisdiction__iso_code="CA").exists()


# --- clean Unicode ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", sorted(FIXTURES_DIR.glob("*.json")), ids=lambda p: p.name
)
def test_fixture_files_have_no_damaged_characters(path):
    text = path.read_text(encoding="utf-8")
    json.loads(text)
    for damaged in ("â", "Â", "⦠", "\xa0", "\ufffd"):
        assert damaged not in text, f"{damaged!r} in {path.name}"
    # The slug "malmo" is fine; the name is Malmö.
    assert not re.search(r"Malmo(?!ö)", text), path.name


def test_city_names_keep_their_letters(content):
    names = set(Jurisdiction.objects.values_list("name", flat=True))
    assert {"Malmö", "Göteborg"} <= names
    kast = Initiative.objects.get(slug="sweden-kast-groups")
    assert "Köpare Av Sexuella Tjänster" in kast.title


# --- type of support (basis) and theme ------------------------------------------


def test_every_finding_has_a_type_of_support_from_the_vocabulary(content):
    for finding in Finding.objects.all():
        assert finding.basis in Basis.values, finding.slug


# Who measured or judged what, as the text says: the works it reports keep their own
# kind; figures about an initiative's own size or results are the programme's;
# police and officials' estimates and criminal-justice counts are official; what
# the book says on its own authority (including figures it gives as "reportedly",
# naming no one) is the author's.
BASES = {
    "oig-2008-httfs-not-all-performing": Basis.AUDIT,
    "northeastern-2008-task-forces-double-cases": Basis.RESEARCH,
    "northeastern-2008-federal-charges-twice-as-likely": Basis.RESEARCH,
    "european-parliament-2005-traffickers-problems-sweden": Basis.RESEARCH,
    "farley-85-to-95-percent-want-to-escape": Basis.RESEARCH,
    "sweden-2002-poll-80-percent": Basis.POLL,
    "innocence-lost-twenty-eight-task-forces": Basis.PROGRAMME,
    "innocence-lost-over-350-convictions": Basis.PROGRAMME,
    "october-2008-operation-results": Basis.PROGRAMME,
    "nhtrc-hotline-four-hundred-calls-per-month": Basis.PROGRAMME,
    "sweden-40-percent-drop-1999-2003": Basis.OFFICIAL,
    "stockholm-oslo-2007-estimates": Basis.OFFICIAL,
    "swedish-national-police-law-a-barrier": Basis.OFFICIAL,
    "sweden-over-500-men-charged-by-2008": Basis.OFFICIAL,
    "stockholm-street-prostitution-1998-1999": Basis.AUTHOR,
    "perrin-swedish-model-successes": Basis.AUTHOR,
    "perrin-swedens-approach-more-compelling": Basis.AUTHOR,
}


@pytest.mark.parametrize(("slug", "basis"), BASES.items())
def test_type_of_support_follows_who_measured_or_judged(content, slug, basis):
    assert Finding.objects.get(slug=slug).basis == basis


def test_no_evaluation_of_outcomes_is_claimed_for_the_loaded_content(content):
    # The text reports audits, studies, polls and figures, but no evaluation of any
    # initiative's outcomes; the evidence profiles must be able to say so.
    assert not Finding.objects.filter(basis=Basis.EVALUATION).exists()


def test_judgements_in_the_books_voice_are_the_authors(content):
    for finding in Finding.objects.filter(title__startswith="Perrin:"):
        assert finding.basis == Basis.AUTHOR, finding.slug


def test_every_published_finding_counts_under_a_theme(content):
    themed = set()
    for theme in Theme.values:
        themed |= set(
            Finding.objects.published().in_theme(theme).values_list("pk", flat=True)
        )
    missing = Finding.objects.published().exclude(pk__in=themed)
    assert not missing.exists(), list(missing.values_list("slug", flat=True))


def test_every_published_finding_is_in_the_compare_matrix_and_the_gap_map(
    content, client
):
    """What a researcher sees: each finding of the fixtures is listed in a theme
    row of the compare page of its country, and the gap map's theme rows count it."""
    findings = Finding.objects.published().select_related("jurisdiction")
    by_country = {}
    for finding in findings:
        by_country.setdefault(finding.jurisdiction.country, []).append(finding)
    countries = list(by_country)
    gaps = client.get("/gaps/").context
    for country, found in by_country.items():
        other = next(c for c in countries if c != country)
        response = client.get(f"/compare/?j={country.slug}&j={other.slug}")
        listed = set()
        for row in response.context["rows"]:
            cell = row["cells"][0]
            listed |= {f.pk for f in cell["findings"]}
        missing = [f.slug for f in found if f.pk not in listed]
        assert not missing, (country.slug, missing)
        column = [c.pk for c in gaps["countries"]].index(country.pk)
        counted = sum(row["cells"][column].findings for row in gaps["theme_rows"])
        assert counted >= len(found), country.slug


def test_only_initiatives_that_illustrate_no_practice_carry_a_theme(content):
    for initiative in Initiative.objects.prefetch_related("practices"):
        illustrates = initiative.practices.exists()
        assert bool(initiative.theme) != illustrates, initiative.slug


@pytest.mark.parametrize(
    ("slug", "theme"),
    [
        # Issue 18: "over 350 traffickers … convicted" belongs in prosecution.
        ("innocence-lost-over-350-convictions", Theme.PROSECUTION),
        ("october-2008-operation-results", Theme.PROTECTION),
        ("victoria-illegal-brothels", Theme.PROTECTION),
        ("northeastern-2008-federal-charges-twice-as-likely", Theme.PARTNERSHIP),
    ],
)
def test_findings_count_under_the_theme_of_what_they_are_about(content, slug, theme):
    assert Finding.objects.in_theme(theme).filter(slug=slug).exists()


# --- corrections from reading the fixtures against the text (issue 11) -----------


def statement(slug):
    return Finding.objects.get(slug=slug).statement


def test_the_oig_finding_leaves_out_the_books_framing(content, seed_flat):
    oig = "found in July 2008 that not all HTTFs were performing acceptably"
    book = f"In spite of the many successes, the Office of the Inspector General {oig}"
    assert book in seed_flat
    text = statement("oig-2008-httfs-not-all-performing")
    assert f"the Office of the Inspector General {oig}." in text
    # The framing is kept, as the book's own words, outside the OIG's claim.
    assert "its own words, “In spite of the many successes”" in text


def test_no_finding_names_an_unnamed_claimant(content):
    assert not Finding.objects.filter(claimant__icontains="unnamed").exists()
    for city in ["stockholm", "goteborg", "malmo"]:
        finding = Finding.objects.get(slug=f"{city}-street-prostitution-1998-1999")
        assert "reportedly" in finding.statement
        assert "does not say who reported" in finding.statement


def test_words_the_book_did_not_write_stay_outside_quotation_marks(content, seed_flat):
    for slug in [
        "us-initiatives-increasing-public-awareness",
        "perrin-swedens-approach-more-compelling",
    ]:
        for quoted in re.findall(r"“([^”]*)”", statement(slug)):
            # Quoted words are the text's, and no wider claim hides behind them.
            assert squash(quoted) in seed_flat, (slug, quoted)
    awareness = statement("us-initiatives-increasing-public-awareness")
    assert "“All of these initiatives contribute" in awareness
    assert "U.S. initiatives he describes" not in awareness
    compelling = statement("perrin-swedens-approach-more-compelling")
    assert "more compelling on both of these fronts.”" in compelling
    assert "than legalizing prostitution" not in compelling


def test_totals_by_a_year_are_not_shown_as_that_years_figures(content):
    charged = Finding.objects.get(slug="sweden-over-500-men-charged-by-2008")
    assert charged.period_text == "By 2008"
    assert (charged.period_start, charged.period_end) == (None, 2008)
    assert "a total up to 2008, not a count for that year" in charged.statement
    figure = charged.figures.get()
    assert figure.year is None
    assert figure.label.endswith("in total by 2008")
    estimates = Finding.objects.get(slug="stockholm-oslo-2007-estimates")
    assert estimates.period_text == "By 2007"
    assert [(f.label, f.year) for f in estimates.figures.all()] == [
        ("Stockholm, by 2007", None),
        ("Oslo, by 2007", None),
    ]


@pytest.mark.parametrize(
    ("slug", "text", "narration"),
    [
        (
            "swedish-police-officer-traffickers-keep-moving",
            "They can only run two or three women at a time, and they have to keep "
            "moving around because neighbours complain to us.",
            "one Swedish police officer notes with some satisfaction",
        ),
        (
            "farley-trauma-precedes-prostitution",
            "Prolonged and repeated trauma precedes entry into prostitution, with "
            "most women beginning prostitution as sexually abused adolescents. "
            "Homelessness is frequently a precipitating event to prostitution… "
            "[W]omen in prostitution are frequently raped and physically assaulted.",
            "Dr. Farley points out",
        ),
    ],
)
def test_quotations_split_by_narration_are_joined_without_an_ellipsis(
    content, seed_flat, slug, text, narration
):
    quotation = Quotation.objects.get(slug=slug)
    assert quotation.text == text
    # The narration that splits it is in the text, and the context says where.
    assert f"” {narration}, “" in seed_flat
    assert narration in quotation.context
    assert "nothing of the quotation is left out" in quotation.context.lower()


def test_farley_concurs_and_is_then_quoted(content, seed_flat):
    assert "concurs. “Prolonged and repeated trauma" in seed_flat
    context = Quotation.objects.get(slug="farley-trauma-precedes-prostitution").context
    assert "says that Dr. Farley “concurs”, and then quotes her" in context
    assert "quotes her as concurring" not in context


def test_polaris_operates_the_centre_which_runs_the_hotline(content, seed_flat):
    assert "it is operated by the Polaris Project, an NGO" in seed_flat
    polaris = Organization.objects.get(slug="polaris-project")
    assert "operates the National Human Trafficking Resource Center, which runs" in (
        polaris.description
    )
    hotline = Initiative.objects.get(
        slug="national-human-trafficking-resource-center-hotline"
    )
    assert "the centre is operated by the Polaris Project" in hotline.summary
    assert "hotline, run by the Polaris Project" not in hotline.summary


def test_practice_titles_keep_the_books_words(content):
    practice = BestPractice.objects.get(slug="se-equality-and-exit-programs")
    assert "public awareness about women's equality" in practice.title
    assert "public awareness about women's equality" in practice.recommendation


# (slug, words of the text it quotes, initiative, jurisdiction, section)
ADDED_CLAIMS = [
    (
        "perrin-october-2008-rescued-chance-to-rebuild",
        "now have the chance to rebuild their lives thanks to this highly focused "
        "and coordinated effort.",
        "innocence-lost-october-2008-operation",
        "united-states",
        "Proactive initiatives on the front lines",
    ),
    (
        "perrin-purchasers-do-not-know-or-care",
        "either do not know, or do not care, whether the women or underage girls "
        "they are purchasing have been trafficked",
        "sweden-1999-sex-purchase-law",
        "international",
        "Sweden: It's more than Ikea",
    ),
    (
        "perrin-purchasers-principal-cause",
        "the principal cause of human trafficking for sexual exploitation of women "
        "and children",
        "sweden-1999-sex-purchase-law",
        "international",
        "Sweden's approach versus legalizing prostitution",
    ),
]


@pytest.mark.parametrize(
    ("slug", "words", "initiative", "jurisdiction", "locator"), ADDED_CLAIMS
)
def test_claims_the_text_makes_are_recorded_as_perrins(
    content, seed_flat, slug, words, initiative, jurisdiction, locator
):
    assert words in seed_flat
    finding = Finding.objects.get(slug=slug)
    assert finding.statement.startswith("According to Perrin, ")
    assert f"“{words}" in finding.statement
    assert (finding.kind, finding.basis, finding.claimant) == (
        Finding.Kind.ASSESSMENT,
        Basis.AUTHOR,
        "",
    )
    assert finding.title.startswith("Perrin: ")
    assert finding.source.slug == BOOK_SLUG
    assert finding.initiative.slug == initiative
    assert finding.jurisdiction.slug == jurisdiction
    # The locator is the heading of the section the words stand in.
    start = seed_flat.index(locator)
    rest = HEADINGS[HEADINGS.index(locator) + 1 :]
    end = seed_flat.index(rest[0], start) if rest else len(seed_flat)
    assert words in seed_flat[start:end]
    assert finding.locator == locator


def test_kast_groups_are_reported_by_their_aim_not_as_a_result(content, seed_flat):
    words = (
        "convicted of soliciting sex are assigned to KAST groups (Köpare Av Sexuella "
        "Tjänster, or Purchasers of Sexual Services) to encourage them to change"
    )
    assert words in seed_flat
    practice = BestPractice.objects.get(slug="se-shift-attitudes-reduce-demand")
    assert "are assigned to KAST groups to encourage them" in practice.discussion
    assert "KAST groups encourage men" not in practice.discussion
