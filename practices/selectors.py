"""Read-side queries for the public pages.

Every function starts from `published()` and loads what its page shows in a fixed
number of queries, whatever the number of rows (view tests assert the budgets).
"""

import contextlib
import functools
import hashlib
import weakref
from collections import defaultdict
from typing import NamedTuple

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from redis.exceptions import RedisError
from taggit.models import Tag

from .cache import counts_generation
from .evidence import evidence_profile
from .links import slug_url
from .models import (
    TAG_LIST,
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
    Status,
    TaggedPractice,
    Theme,
)
from .versions import KINDS, version_count

PUBLISHED = Status.PUBLISHED
# How long counts over everything published stay cached. Any content change starts
# a new generation (practices/cache.py), so this only bounds the cache's memory.
WHOLE_SET_CACHE_SECONDS = 24 * 3600
RELATED_LIMIT = 6
RELATED_CACHE_SECONDS = 3600
# How many tags and countries a list page offers as facets before "All N tags".
FACET_LIMIT = 30


# Building blocks ----------------------------------------------------------------


def tags_listed():
    """Each record's tags as a plain list (models.TAG_LIST, read through
    `shown_tags()`), in one query for the page."""
    return Prefetch("tags", to_attr=TAG_LIST)


def _practice_citations():
    return Prefetch(
        "practicesource_set",
        queryset=PracticeSource.objects.filter(source__status=PUBLISHED).select_related(
            "source__reported_in"
        ),
        to_attr="citations",
    )


def _initiative_citations():
    return Prefetch(
        "initiativesource_set",
        queryset=InitiativeSource.objects.filter(
            source__status=PUBLISHED
        ).select_related("source__reported_in"),
        to_attr="citations",
    )


def _findings_with_figures(queryset=None):
    queryset = queryset if queryset is not None else Finding.objects.published()
    return queryset.select_related(
        "source__reported_in", "jurisdiction", "initiative"
    ).prefetch_related(
        Prefetch("figures", queryset=FindingFigure.objects.order_by("position", "id"))
    )


def _quotations(queryset=None):
    queryset = queryset if queryset is not None else Quotation.objects.published()
    return queryset.select_related("source__reported_in", "jurisdiction", "initiative")


def practices_for_list():
    return (
        BestPractice.objects.published()
        .select_related("jurisdiction")
        .prefetch_related(tags_listed(), _practice_citations())
        # Only search reads the stored vector, inside the database.
        .defer("search_vector")
    )


def initiatives_for_list():
    return (
        Initiative.objects.published()
        .select_related("jurisdiction")
        .prefetch_related(tags_listed(), _initiative_citations())
        .defer("search_vector")
    )


def within(jurisdiction, field="jurisdiction"):
    """Records in a jurisdiction or anywhere below it (a country takes in its
    states and cities) through the materialized path."""
    return Q(**{f"{field}__path__startswith": jurisdiction.path})


def findings_for_list():
    return _findings_with_figures().defer("search_vector")


def sources_for_list():
    return Source.objects.published().select_related("reported_in", "organization")


# Facets for the practice and initiative lists ----------------------------------------


@functools.cache
def _everything_sql(model):
    return str(model.objects.published().order_by().values("pk").query)


# A list page asks three times (its count, tag and country facets) about the same
# queryset; compiling its SQL each time cost a millisecond or two.
_everything_answers = weakref.WeakKeyDictionary()


def _is_everything_published(queryset):
    """Whether `queryset` selects every published record of its model (no filter)."""
    answer = _everything_answers.get(queryset)
    if answer is None:
        try:
            sql = str(queryset.order_by().values("pk").query)
            answer = sql == _everything_sql(queryset.model)
        except EmptyResultSet:  # queryset.none(), as for a search with no words
            answer = False
        _everything_answers[queryset] = answer
    return answer


def _whole_set_key(name, token=None):
    return f"kb:counts:{token or counts_generation()}:{name}"


def counts_cached(name, compute, seconds=WHOLE_SET_CACHE_SECONDS):
    """`compute()`, kept in the cache for the current counts generation (at most
    `seconds`).

    For counts over everything published, which every visitor of the home page and
    the unfiltered lists sees and which take hundreds of milliseconds at 100,000
    practices. Any change that may alter them starts a new counts generation
    (practices.cache; a record's text rewritten does not), so a count is never
    stale. What `compute()` returns may hold tags and jurisdictions, whole (any
    change to one counts), never a practice's, initiative's or finding's text
    (practices/signals_cache.py). Inside a
    transaction the data may not be committed (or may be rolled back, as in
    tests), so nothing is cached there.
    """
    if transaction.get_connection().in_atomic_block:
        return compute()
    # The generation is read before computing: if content changes meanwhile, the
    # result is stored under the old generation, which nobody reads any more.
    key = _whole_set_key(name)
    try:
        value = cache.get(key)
    except RedisError:  # Redis down: count from the database, as with a miss
        return compute()
    if value is None:
        value = compute()
        with contextlib.suppress(RedisError):  # Redis down: not kept, no harm
            cache.set(key, value, seconds)
    return value


def places_and_tags_named(tag_slugs=(), jurisdiction_slug=None):
    """The tags with these slugs, in no particular order, and the published
    jurisdiction with this slug (or None), kept with the counts: any change to a
    tag or a jurisdiction starts a new counts generation, so a filtered list, its
    export and its API page look them up without a query of their own."""

    def look_up():
        tags = list(Tag.objects.filter(slug__in=tag_slugs)) if tag_slugs else []
        place = (
            Jurisdiction.objects.published().filter(slug=jurisdiction_slug).first()
            if jurisdiction_slug
            else None
        )
        return tags, place

    # The slugs are the visitor's: hashed, so the key stays short whatever they are.
    asked = repr((sorted(tag_slugs), jurisdiction_slug)).encode()
    return counts_cached(f"named:{hashlib.sha256(asked).hexdigest()}", look_up)


class Facet(NamedTuple):
    """A tag or a country with how many records of a result it covers.

    A tuple, not the model instance: a list's facets are kept in the cache, and
    unpickling 350 tag instances took 1.4 ms of every list page at 100,000
    practices (bench/README.md, fifth round); as tuples, 0.04 ms."""

    pk: int
    slug: str
    name: str
    count: int
    # The route of the record's own page (countries: their jurisdiction page).
    route: str = ""

    @classmethod
    def of(cls, record, route=""):
        return cls(record.pk, record.slug, record.name, record.count, route)

    def get_absolute_url(self):
        return slug_url(self.route, self.slug)


def tag_facets(queryset):
    """Tags of the records in `queryset`, each with how many of them carry it
    (Facets)."""
    through = queryset.model.tags.through
    items = f"{through._meta.app_label}_{through._meta.model_name}_items"
    facets = (
        Tag.objects.filter(**{f"{items}__content_object__in": queryset.values("pk")})
        # A tag is on a record at most once (a unique constraint) and the filter is a
        # subquery, so each joined row is one record: no DISTINCT (and no sort).
        .annotate(count=Count(items))
        .order_by("-count", "name")
    )
    if _is_everything_published(queryset):
        return counts_cached(
            f"tags:{queryset.model._meta.label_lower}",
            lambda: [Facet.of(tag) for tag in facets],
        )
    return [Facet.of(tag) for tag in facets]


def whole_set_count(queryset):
    """How many records `queryset` holds, from the cache of counts over everything
    published when it selects all of them (an unfiltered list), else None.

    For the paginator of an unfiltered list, whose count of every published
    record was its costliest query; a filtered list counts its own result.
    """
    if not _is_everything_published(queryset):
        return None
    return counts_cached(
        f"count:{queryset.model._meta.label_lower}", queryset.order_by().count
    )


def top_facets(facets, keep=(), limit=FACET_LIMIT):
    """The `limit` facets with the most records, plus any whose id is in `keep`
    (a chosen filter stays visible), in the order `facets` came in.

    Rendering some 400 facet links was most of an unfiltered list page's time.
    """
    facets = list(facets)
    by_count = sorted(range(len(facets)), key=lambda i: -facets[i].count)
    chosen = set(by_count[:limit])
    chosen.update(i for i, facet in enumerate(facets) if facet.pk in set(keep))
    return [facet for i, facet in enumerate(facets) if i in chosen]


def country_facets(queryset):
    """Countries with how many records of `queryset` lie in them or below them
    (Facets).

    One grouped count per jurisdiction path, added up by country (the first id of
    the path) here, then the countries themselves: two queries, whatever the
    number of countries (a count per country cannot use the path index).
    """

    def compute():
        per_path = (
            queryset.model.objects.filter(pk__in=queryset.order_by().values("pk"))
            .order_by()
            .values_list("jurisdiction__path")
            .annotate(n=Count("pk"))
        )
        counts = defaultdict(int)
        for path, n in per_path:
            head = path.strip("/").split("/")[0]
            if head.isdigit():
                counts[int(head)] += n
        countries = list(
            Jurisdiction.objects.published()
            .filter(parent__isnull=True, pk__in=list(counts) or [0])
            .order_by("name")
        )
        for country in countries:
            country.count = counts[country.pk]
        return [Facet.of(c, "practices:jurisdiction-detail") for c in countries]

    if _is_everything_published(queryset):
        return counts_cached(f"countries:{queryset.model._meta.label_lower}", compute)
    return compute()


def finding_choice_facets(queryset):
    """How many findings of `queryset` count under each theme (the one rule, so a
    finding may count under several), each type of support and each kind, as
    {"theme": {value: n}, "basis": {…}, "kind": {…}}: one query."""

    def compute():
        # Each count is a filter over the same rows; the theme rule goes through a
        # subquery because it joins practices (a finding would count twice).
        counts = {
            **{
                f"theme:{value}": Count(
                    "pk",
                    filter=Q(pk__in=Finding.objects.in_theme(value).values("pk")),
                )
                for value in Theme.values
            },
            **{f"basis:{v}": Count("pk", filter=Q(basis=v)) for v in Basis.values},
            **{f"kind:{v}": Count("pk", filter=Q(kind=v)) for v in Finding.Kind.values},
        }
        totals = Finding.objects.filter(
            pk__in=queryset.order_by().values("pk")
        ).aggregate(**counts)
        facets = {"theme": {}, "basis": {}, "kind": {}}
        for key, n in totals.items():
            name, value = key.split(":", 1)
            facets[name][value] = n
        return facets

    if _is_everything_published(queryset):
        return counts_cached("choices:findings", compute)
    return compute()


def country_practice_counts():
    """(iso_code, name, slug, count) of each published country with an ISO code
    and at least one published practice in it or below it, for the world map.

    One query: a correlated count per country over the jurisdiction path (a
    country takes in its states and cities), cached for the counts generation.
    """

    def compute():
        in_country = (
            BestPractice.objects.published()
            .filter(jurisdiction__path__startswith=OuterRef("path"))
            .order_by()
            .annotate(n=Func(F("pk"), function="COUNT"))
            .values("n")
        )
        countries = (
            Jurisdiction.objects.published()
            .filter(parent__isnull=True)
            .exclude(iso_code="")
            .annotate(n=Subquery(in_country, output_field=IntegerField()))
            .order_by("name")
            .values_list("iso_code", "name", "slug", "n")
        )
        return [row for row in countries if row[3]]

    return counts_cached("map-countries", compute)


# Pages ------------------------------------------------------------------------


def home_context():
    practices = BestPractice.objects.published()

    def compute_totals():
        return {
            "practices": practices.count(),
            "initiatives": Initiative.objects.published().count(),
            "findings": Finding.objects.published().count(),
            "jurisdictions": jurisdictions_with_content().count(),
            "themes": dict(
                practices.order_by()
                .values_list("theme")
                .annotate(n=Count("pk"))
                .values_list("theme", "n")
            ),
        }

    totals = counts_cached("home-totals", compute_totals)
    theme_counts = totals["themes"]
    return {
        "counts": {name: n for name, n in totals.items() if name != "themes"},
        "countries": country_facets(practices),
        "themes": [
            {"value": value, "label": label, "count": theme_counts.get(value, 0)}
            for value, label in Theme.choices
        ],
        "tags": tag_facets(practices)[:20],
        "recent": practices.select_related("jurisdiction").order_by("-updated")[:6],
    }


def jurisdictions_with_content():
    """Published jurisdictions that published content comes from: a practice, an
    initiative, a finding or a quotation recorded there (a place listed only as
    the parent of another, or with drafts only, does not count)."""
    here = {"jurisdiction": OuterRef("pk")}
    return Jurisdiction.objects.published().filter(
        Exists(BestPractice.objects.published().filter(**here))
        | Exists(Initiative.objects.published().filter(**here))
        | Exists(Finding.objects.published().filter(**here))
        | Exists(Quotation.objects.published().filter(**here))
    )


def jurisdiction_tree():
    """All published jurisdictions as (jurisdiction, depth) in tree order, each with
    counts of practices and initiatives in it and below it."""
    jurisdictions = list(
        Jurisdiction.objects.published().annotate(
            own_practices=Count(
                "practices", filter=Q(practices__status=PUBLISHED), distinct=True
            ),
            own_initiatives=Count(
                "initiatives", filter=Q(initiatives__status=PUBLISHED), distinct=True
            ),
        )
    )
    ids = {j.pk for j in jurisdictions}
    children = defaultdict(list)
    for j in jurisdictions:
        parent = j.parent_id if j.parent_id in ids else None
        children[parent].append(j)
    for j in jurisdictions:
        below = [o for o in jurisdictions if o.path.startswith(j.path)]
        j.total_practices = sum(o.own_practices for o in below)
        j.total_initiatives = sum(o.own_initiatives for o in below)

    def walk(parent, depth):
        for j in sorted(children[parent], key=lambda j: j.name):
            j.depth = depth
            j.child_list = sorted(children[j.pk], key=lambda c: c.name)
            yield j
            yield from walk(j.pk, depth + 1)

    return [j for j in walk(None, 0) if j.depth == 0]


def _visible(model, preview):
    """Published records, or for a staff preview (practices.preview) any record:
    the page's relations still show only what is published. A citable record
    comes with its version number, which the cite panel shows (a subquery of the
    record's own query, not a query of its own)."""
    records = model.objects.all() if preview else model.objects.published()
    if any(kind.model is model for kind in KINDS.values()):
        records = records.annotate(version_number=version_count(model))
    return records


def practice_detail(slug, preview=False):
    practice = get_object_or_404(
        _visible(BestPractice, preview)
        .select_related("jurisdiction")
        .prefetch_related(tags_listed(), _practice_citations())
        # Whether any published initiative illustrates it: most practices have
        # none, and then their query is not run.
        .annotate(
            illustrated=Exists(
                Initiative.objects.published().filter(practices=OuterRef("pk"))
            )
        )
        # Only search reads the stored vectors, inside the database.
        .defer("search_vector"),
        slug=slug,
    )
    if not practice.illustrated:
        practice.published_initiatives = []
    else:
        prefetch_related_objects(
            [practice],
            Prefetch(
                "initiatives",
                queryset=Initiative.objects.published()
                .select_related("jurisdiction")
                .prefetch_related(tags_listed(), _initiative_citations())
                .defer("search_vector"),
                to_attr="published_initiatives",
            ),
        )
    # The published initiatives are already loaded: their ids, not a subquery
    # over the link table again (and not even a query built when there are none).
    illustrating = [initiative.pk for initiative in practice.published_initiatives]
    findings = (
        list(
            _findings_with_figures(
                Finding.objects.published().filter(initiative__in=illustrating)
            ).defer("search_vector")
        )
        if illustrating
        else []
    )
    return {
        "object": practice,
        "practice": practice,
        "examples": [i for i in practice.published_initiatives if i.role == "example"],
        "cautionary": [
            i for i in practice.published_initiatives if i.role == "cautionary"
        ],
        "findings": findings,
        "evidence": evidence_profile(findings),
        "related": related_practices(practice),
    }


def related_practices(practice, limit=RELATED_LIMIT):
    """The published practices sharing the most tags with `practice`; of those
    sharing as many, the most recently added. Shown most shared first, then by
    title.

    Which practices they are follows only publication and tags, never a text, so
    the choice is kept with the counts (`counts_cached`: one entry per practice
    visited, about a kilobyte, kept an hour so a crawl of every page does not
    fill the cache); a visit then reads the six as they are titled now in one
    plain query. When ties went by title, the choice followed every retitled
    practice sharing a tag and took a ranking query on each visit (bench/README.md,
    tenth round).
    """
    tag_ids = [tag.pk for tag in practice.shown_tags()]
    if not tag_ids:
        return []
    chosen = dict(
        counts_cached(
            f"related-choice:{practice.pk}:{limit}",
            lambda: related_choice(practice, tag_ids, limit),
            seconds=RELATED_CACHE_SECONDS,
        )
    )
    shown = list(
        BestPractice.objects.published()
        .filter(pk__in=chosen)
        .select_related("jurisdiction")
        # What the list shows, in every language (a tenth of the columns).
        .only("slug", "title", "jurisdiction__name")
        .order_by("title")
    )
    for other in shown:
        other.shared = chosen[other.pk]
    # Stable: the title order of equals stays.
    return sorted(shown, key=lambda other: -other.shared)


def related_choice(practice, tag_ids, limit=RELATED_LIMIT):
    """[(practice id, how many tags it shares), ...]: the `limit` published
    practices sharing the most of `tag_ids` (the tags of `practice`), the most
    recently added first among those sharing as many.

    A popular tag is on a quarter of all practices, so grouping every practice
    that shares any tag took 120 ms at 100,000 practices. The practices sharing
    two tags or more are grouped from the rarer tags' links (`shared_tag_levels`);
    only when fewer than `limit` share two are those sharing one looked for.
    """
    levels = shared_tag_levels(practice, tag_ids, limit)
    chosen = []
    for shared, pks in levels:
        room = limit - len(chosen)
        chosen += [(pk, shared) for pk in sorted(pks, reverse=True)[:room]]
    room = limit - len(chosen)
    if room > 0:
        # Every practice sharing two tags is in the levels (they stopped short of
        # the limit): the rest share one. Ordered by an expression, not the
        # column: PostgreSQL then reads the tags' links through their index and
        # sorts them, where it walked backwards through every link to find a
        # rare tag's (39 ms; bench/README.md, tenth round).
        sharing_one = (
            TaggedPractice.objects.filter(
                tag__in=tag_ids, content_object__status=PUBLISHED
            )
            .exclude(content_object=practice.pk)
            .exclude(content_object__in=[pk for _, pks in levels for pk in pks])
            .annotate(newest=F("content_object") + 0)
            .order_by("-newest")
            .values_list("content_object", flat=True)
            .distinct()[:room]
        )
        chosen += [(pk, 1) for pk in sharing_one]
    return chosen


def shared_tag_levels(practice, tag_ids, limit=RELATED_LIMIT):
    """[(how many tags shared, [practice ids]), ...], most shared first, of the
    published practices sharing two or more of `tag_ids` (the tags of
    `practice`), down to the level at which there are `limit` of them."""
    sizes = _cached_tag_sizes() if len(tag_ids) >= 2 else None
    if sizes:
        commonest = max(tag_ids, key=lambda pk: (sizes.get(pk, 0), pk))
        sharing_two = _sharing_two_tags(practice, tag_ids, commonest)
    else:
        sharing_two = (
            TaggedPractice.objects.filter(tag__in=tag_ids)
            .exclude(content_object=practice.pk)
            .values("content_object")
            .annotate(n=Count("*"))
            .filter(n__gte=2)
        )
    counted = sharing_two.filter(content_object__status=PUBLISHED).values_list(
        "content_object", "n"
    )
    by_level = defaultdict(list)
    for pk, shared in counted:
        by_level[shared].append(pk)
    levels, found = [], 0
    for shared in sorted(by_level, reverse=True):
        if found >= limit:
            break
        pks = sorted(by_level[shared])
        levels.append((shared, pks))
        found += len(pks)
    return levels


def _sharing_two_tags(practice, tag_ids, commonest):
    """The practices sharing two or more of `tag_ids` with `practice`, as rows of
    their id (`content_object`) and how many they share (`n`), given the commonest
    of those tags (any one of them gives the same answer).

    Each of them shares at least one tag other than the commonest, so only the
    links of the rarer tags are grouped (about a thousand rows, not the 28,000 of
    a popular tag), and the commonest counts through one index probe per group.
    """
    # A correlated count (0 or 1), probed per group; as EXISTS inside the OR,
    # PostgreSQL hashed every link of the commonest tag instead.
    has_commonest = (
        TaggedPractice.objects.filter(
            tag=commonest, content_object=OuterRef("content_object")
        )
        .order_by()
        .values("content_object")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        TaggedPractice.objects.filter(tag__in=[t for t in tag_ids if t != commonest])
        .exclude(content_object=practice.pk)
        .values("content_object")
        .annotate(
            n=Count("*")
            + Coalesce(Subquery(has_commonest, output_field=IntegerField()), 0)
        )
        .filter(n__gte=2)
    )


def _cached_tag_sizes():
    """Published practices per tag id if the home page or the list has counted
    them for the current counts generation, else None (counting them here would
    cost more than it saves)."""
    if transaction.get_connection().in_atomic_block:
        return None
    token = counts_generation()
    sizes_key = _whole_set_key("tag-sizes", token)
    facets_key = _whole_set_key(f"tags:{BestPractice._meta.label_lower}", token)
    try:
        # The sizes alone, once derived: reading the facets meant unpickling
        # every tag (a millisecond per practice page).
        found = cache.get_many([sizes_key, facets_key])
        if sizes_key in found:
            return found[sizes_key]
        facets = found.get(facets_key)
        if facets is None:
            return None
        sizes = {tag.pk: tag.count for tag in facets}
        cache.set(sizes_key, sizes, WHOLE_SET_CACHE_SECONDS)
        return sizes
    except RedisError:  # Redis down: as if nothing were counted yet
        return None


def initiative_detail(slug, preview=False):
    initiative = get_object_or_404(
        _visible(Initiative, preview)
        .select_related("jurisdiction")
        .prefetch_related(
            tags_listed(),
            _initiative_citations(),
            Prefetch(
                "lead_organizations",
                queryset=Organization.objects.published(),
                to_attr="published_leads",
            ),
            Prefetch(
                "findings",
                queryset=_findings_with_figures(),
                to_attr="published_findings",
            ),
            Prefetch(
                "quotations", queryset=_quotations(), to_attr="published_quotations"
            ),
            Prefetch(
                "practices",
                queryset=BestPractice.objects.published().select_related(
                    "jurisdiction"
                ),
                to_attr="published_practices",
            ),
            Prefetch(
                "parts",
                queryset=Initiative.objects.published(),
                to_attr="published_parts",
            ),
        ),
        slug=slug,
    )
    part_of = None
    if initiative.part_of_id:
        part_of = (
            Initiative.objects.published().filter(pk=initiative.part_of_id).first()
        )
    return {
        "object": initiative,
        "initiative": initiative,
        "part_of": part_of,
        "evidence": evidence_profile(initiative.published_findings),
    }


def jurisdiction_detail(slug, preview=False):
    jurisdiction = get_object_or_404(_visible(Jurisdiction, preview), slug=slug)
    ancestor_ids = [int(p) for p in jurisdiction.path.strip("/").split("/") if p]
    by_id = Jurisdiction.objects.published().in_bulk(ancestor_ids)
    ancestors = [by_id[i] for i in ancestor_ids if i in by_id and i != jurisdiction.pk]
    practices = practices_for_list().filter(within(jurisdiction))
    return {
        "object": jurisdiction,
        "jurisdiction": jurisdiction,
        "ancestors": ancestors,
        "children": Jurisdiction.objects.published().filter(parent=jurisdiction),
        "practices": practices,
        "tags": tag_facets(practices),
        "initiatives": initiatives_for_list().filter(within(jurisdiction)),
        "findings": _findings_with_figures().filter(
            pk__in=_findings_about(jurisdiction)
        ),
        "quotations": _quotations().filter(within(jurisdiction)),
    }


def _findings_about(jurisdiction):
    """The ids of the findings filed under `jurisdiction` or a place in it, and of
    those giving a figure for one: a finding filed under one place can give a
    number for another (Stockholm's estimate beside Oslo's), and that place's page
    lists it too. A union of two indexed lookups: as one filter with OR, across
    the finding's place and its figures, PostgreSQL read every finding
    (bench/README.md, seventh round)."""
    # Unordered: SQLite allows no ORDER BY in the parts of a UNION.
    return (
        Finding.objects.filter(within(jurisdiction))
        .order_by()
        .values("pk")
        .union(
            FindingFigure.objects.filter(within(jurisdiction))
            .order_by()
            .values("finding")
        )
    )


def finding_detail(slug, preview=False):
    finding = get_object_or_404(
        _findings_with_figures(_visible(Finding, preview)).select_related(
            "source__organization"
        ),
        slug=slug,
    )
    return {"object": finding, "finding": finding}


def source_detail(slug, preview=False):
    source = get_object_or_404(
        _visible(Source, preview).select_related("reported_in", "organization"),
        slug=slug,
    )
    return {
        "object": source,
        "source": source,
        "reported_sources": Source.objects.published().filter(reported_in=source),
        "initiative_citations": InitiativeSource.objects.filter(
            source=source, initiative__status=PUBLISHED
        ).select_related("initiative__jurisdiction"),
        "practice_citations": PracticeSource.objects.filter(
            source=source, practice__status=PUBLISHED
        ).select_related("practice__jurisdiction"),
        "findings": _findings_with_figures().filter(source=source),
        "quotations": _quotations().filter(source=source),
    }


def organization_detail(slug, preview=False):
    organization = get_object_or_404(
        _visible(Organization, preview).select_related("jurisdiction"), slug=slug
    )
    return {
        "object": organization,
        "organization": organization,
        "initiatives": initiatives_for_list().filter(lead_organizations=organization),
        "sources": Source.objects.published().filter(organization=organization),
    }


def tag_list():
    """Tags that published records carry, with counts of each kind."""
    # Two multi-valued joins multiply rows; distinct keeps each count honest.
    return (
        Tag.objects.annotate(
            practice_count=Count(
                "practices_taggedpractice_items",
                filter=Q(
                    practices_taggedpractice_items__content_object__status=PUBLISHED
                ),
                distinct=True,
            ),
            initiative_count=Count(
                "practices_taggedinitiative_items",
                filter=Q(
                    practices_taggedinitiative_items__content_object__status=PUBLISHED
                ),
                distinct=True,
            ),
        )
        .filter(Q(practice_count__gt=0) | Q(initiative_count__gt=0))
        .order_by("name")
    )


def tag_detail(slug):
    tag = get_object_or_404(Tag, slug=slug)
    practices = list(practices_for_list().filter(tags__slug=tag.slug))
    initiatives = list(initiatives_for_list().filter(tags__slug=tag.slug))
    return {
        "tag": tag,
        "practices": practices,
        "initiatives": initiatives,
        "is_empty": not practices and not initiatives,
    }
