"""One search over the public records.

PostgreSQL: full-text search ranked with the title weighted (A) over the body (B),
served by the GIN indexes of migrations 0003 and 0004. Best practices, initiatives
and findings (the big tables) keep that vector in a stored `search_vector` column
(migration 0004's triggers fill it), which the filter and the ranking read instead
of recomputing each match's vector. Only when full-text search finds fewer than a
page of results in all does the search page try trigram similarity on the titles
("did you mean"), so a small misspelling still finds a record, and the page says
so. Other databases (SQLite in development and tests): every word must appear,
case-insensitively, in the title or the body.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import (
    BestPractice,
    Finding,
    Initiative,
    Jurisdiction,
    Organization,
    Source,
)

CONFIG = "english"
# Below this trigram similarity a title is not taken for a misspelling of the query.
TRIGRAM_THRESHOLD = 0.3
RESULTS_PER_KIND = 20


@dataclass(frozen=True)
class Spec:
    model: type
    label: str
    title: str
    body: tuple


# The order results are shown in. Migration 0003 indexes exactly these vectors:
# change one and change it there too (test_search_postgres checks the plan).
SPECS = [
    Spec(BestPractice, "Best practices", "title", ("recommendation", "discussion")),
    Spec(Initiative, "Initiatives", "title", ("summary", "description")),
    Spec(Finding, "Findings", "title", ("statement", "claimant")),
    Spec(Jurisdiction, "Jurisdictions", "name", ("description",)),
    Spec(Organization, "Organizations", "name", ("description",)),
    Spec(Source, "Sources", "title", ("authors", "description")),
]
SPEC_BY_MODEL = {spec.model: spec for spec in SPECS}


def is_postgres():
    return connection.vendor == "postgresql"


def vector(spec):
    return SearchVector(spec.title, weight="A", config=CONFIG) + SearchVector(
        *spec.body, weight="B", config=CONFIG
    )


def has_stored_vector(model):
    try:
        model._meta.get_field("search_vector")
    except FieldDoesNotExist:
        return False
    return True


def stored_or_computed_vector(spec):
    """The stored column where the model has one (the same value), else the
    expression that 0003's index covers."""
    return F("search_vector") if has_stored_vector(spec.model) else vector(spec)


def terms(q):
    """The words of a query, for the fallback and for highlighting."""
    return [w for w in re.findall(r"\w[\w'’-]*", q or "") if len(w) > 1][:10]


def _query(q):
    return SearchQuery(q, search_type="websearch", config=CONFIG)


def ranked(queryset, q):
    """`queryset` ordered best match first (PostgreSQL), without narrowing it."""
    spec = SPEC_BY_MODEL[queryset.model]
    vector_or_column = stored_or_computed_vector(spec)
    # alias, not annotate: the vector is only compared and ranked, never sent
    # back, so PostgreSQL neither computes nor sorts it for every match.
    return queryset.alias(
        search=vector_or_column,
        rank=SearchRank(vector_or_column, _query(q)),
        similarity=TrigramSimilarity(spec.title, q),
    ).order_by((F("rank") + F("similarity")).desc(), spec.title)


def matching(queryset, q):
    """`queryset` narrowed to records matching `q`, best matches first on
    PostgreSQL (callers that sort by something else order afterwards): the list
    pages' word filter, where exact and similar titles count alike."""
    spec = SPEC_BY_MODEL[queryset.model]
    if is_postgres():
        return ranked(queryset, q).filter(
            Q(search=_query(q)) | Q(**{f"{spec.title}__trigram_similar": q})
        )
    words = terms(q)
    if not words:
        return queryset.none()
    for word in words:
        condition = Q(**{f"{spec.title}__icontains": word})
        for field in spec.body:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    title_hits = Case(
        When(Q(**{f"{spec.title}__icontains": words[0]}), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return queryset.annotate(title_hit=title_hits).order_by("-title_hit", spec.title)


def exact_matches(queryset, q):
    """`queryset` narrowed to full-text matches of `q`, best first (PostgreSQL).

    Ranked over the stored vector alone (no trigram similarity to compute for
    every match): "forced labour" matches some 12,000 practices at 100,000.
    """
    spec = SPEC_BY_MODEL[queryset.model]
    vector_or_column = stored_or_computed_vector(spec)
    query = _query(q)
    return (
        queryset.alias(
            search=vector_or_column, rank=SearchRank(vector_or_column, query)
        )
        .filter(search=query)
        .order_by(F("rank").desc(), spec.title)
    )


def similar_matches(queryset, q):
    """`queryset` narrowed to records whose title looks like a misspelling of `q`,
    most similar first (PostgreSQL, through the trigram indexes)."""
    spec = SPEC_BY_MODEL[queryset.model]
    return (
        queryset.alias(similarity=TrigramSimilarity(spec.title, q))
        .filter(**{f"{spec.title}__trigram_similar": q})
        .order_by(F("similarity").desc(), spec.title)
    )


def _searchable(spec):
    queryset = spec.model.objects.published()
    if spec.model in (BestPractice, Initiative, Finding, Organization):
        # Each hit names its jurisdiction (an organization's was one query per
        # hit, up to 20 more queries per search).
        queryset = queryset.select_related("jurisdiction")
    if has_stored_vector(spec.model):
        queryset = queryset.defer("search_vector")
    return queryset


def search(q):
    """Results grouped by kind: [{"label", "kind", "hits", "similar"}, ...], kinds
    with none left out, at most RESULTS_PER_KIND hits each.

    One query per kind, whatever the number of matches. When the exact matches of
    every kind add up to fewer than a page (RESULTS_PER_KIND), a second pass, one
    more query per kind, adds records whose titles are similar to the query (a
    misspelling): those hits are marked `similar` and come after the exact ones.
    The second pass is not run for a query that already found plenty: it rechecks
    every title sharing a few letters with the query (16,000 for "forced labour"
    at 100,000 practices), the slower half of a search.
    """
    q = (q or "").strip()
    if not q:
        return []
    words = terms(q)
    found = []
    for spec in SPECS:
        queryset = _searchable(spec)
        if is_postgres():
            records = list(exact_matches(queryset, q)[:RESULTS_PER_KIND])
        else:
            records = list(matching(queryset, q)[:RESULTS_PER_KIND])
        found.append((spec, records, []))
    if is_postgres() and sum(len(r) for _, r, _ in found) < RESULTS_PER_KIND:
        for spec, records, similar in found:
            similar.extend(
                similar_matches(_searchable(spec), q).exclude(
                    pk__in=[r.pk for r in records]
                )[: RESULTS_PER_KIND - len(records)]
            )
    groups = []
    for spec, records, similar in found:
        hits = [_hit(spec, record, words) for record in records] + [
            _hit(spec, record, words, similar=True) for record in similar
        ]
        if hits:
            groups.append(
                {
                    "label": spec.label,
                    "hits": hits,
                    "kind": spec.model,
                    "similar": bool(similar),
                }
            )
    return groups


@dataclass
class Hit:
    record: object
    title: str
    excerpt: str
    context: str
    # Found by the misspelling pass, not by the words themselves.
    similar: bool = False


def _hit(spec, record, words, similar=False):
    body = " ".join(str(getattr(record, field) or "") for field in spec.body).strip()
    jurisdiction = getattr(record, "jurisdiction", None)
    return Hit(
        record=record,
        title=highlight(getattr(record, spec.title), words),
        excerpt=highlight(excerpt(body, words), words),
        context=str(jurisdiction) if jurisdiction else "",
        similar=similar,
    )


def excerpt(text, words, length=240):
    """About `length` characters of `text` around the first matched word."""
    text = re.sub(r"\s+", " ", re.sub(r"[*_#>`]", "", text or "")).strip()
    if len(text) <= length:
        return text
    lowered = text.lower()
    positions = [lowered.find(w.lower()) for w in words]
    positions = [p for p in positions if p >= 0]
    start = max(0, min(positions) - length // 3) if positions else 0
    snippet = text[start : start + length]
    return (
        ("…" if start else "") + snippet + ("…" if start + length < len(text) else "")
    )


def highlight(text, words):
    """Escape `text`, then wrap each matched word in <mark>. Escaping first means
    nothing in the record can become markup."""
    escaped = escape(text or "")
    words = [escape(w) for w in words if w]
    if not words:
        return mark_safe(escaped)  # escaped just above
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    # Entities the escaping made (&amp;) are matched first and kept whole.
    pattern = re.compile(rf"(&#?\w+;)|({alternatives})", re.IGNORECASE)

    def wrap(match):
        return match.group(1) or f"<mark>{match.group(2)}</mark>"

    return mark_safe(pattern.sub(wrap, escaped))  # only <mark> added to escaped text
