"""One search over the public records, with the same quality on both databases.

Accents are ignored, word forms match (stemming), and a record is found by its
title, its tags, the names (and alternate names) of its place and the places above
it, and its body; records titled or tagged with the words come first. When nothing
matches, "did you mean" offers the closest known words and shows what they find.

PostgreSQL: full-text search in the `kb_english` configuration (unaccent, then
English stemming; migration 0009), ranked with the title and tags (A) over places
(B) over the body (C). Best practices, initiatives and findings keep that vector in
a stored `search_vector` column that triggers fill (migrations 0004 and 0009); the
other kinds are served by expression indexes (0003, 0009). When full-text search
finds fewer than a page of results in all, trigram similarity on the titles adds
records whose title looks like the query. SQLite: one FTS5 table per kind (porter
stemmer over unicode61 without diacritics, migration 0009) with the same columns
and triggers, ranked by matches in the title or tags first, then bm25.
"""

import difflib
import functools
import operator
import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramSimilarity,
)
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, router, transaction
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression, RawSQL
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from taggit.models import Tag

from .languages import content_language, is_translated, language_of
from .models import (
    BestPractice,
    Finding,
    Initiative,
    Jurisdiction,
    Organization,
    Source,
    Status,
    TaggedInitiative,
    TaggedPractice,
)
from .translation import TRANSLATED_FIELDS

CONFIG = "kb_english"
# A French or Spanish page also searches the translations, in their language's
# configuration (unaccent, then its stemmer; migration 0013).
TRANSLATION_CONFIGS = {"fr": "kb_french", "es": "kb_spanish"}
# ts_rank's weights for D, C, B, A: a match in the title or a tag (A) outweighs any
# number of matches in the place names (B) or the body (C).
RANK_WEIGHTS = [0.02, 0.05, 0.2, 1.0]
# bm25's weights for the FTS5 columns title, tags, places, body (SQLite).
BM25_WEIGHTS = "10.0, 10.0, 3.0, 1.0"
# Below this trigram similarity a title is not taken for a misspelling of the query.
TRIGRAM_THRESHOLD = 0.3
# Below this likeness (difflib's ratio) a known word is not offered for a query word.
SUGGESTION_CUTOFF = 0.75
# pg_trgm's word similarity above which a title's word is considered (PostgreSQL).
WORD_SIMILARITY = 0.5
RESULTS_PER_KIND = 20
# Left out of excerpts: Markdown's emphasis, headings, quotes and code.
MARKUP_CHARACTERS = str.maketrans("", "", "*_#>`")
# How many records of each part of the window are ranked (PostgreSQL, stored-vector
# kinds): ranking every match of a common word read tens of thousands of rows at
# 100,000 practices (bench/README.md, "Uncached search").
RANK_WINDOW = 200

# Too common to narrow a search: dropped from queries on both databases (PostgreSQL
# would drop them anyway, FTS5 would require them).
STOP_WORDS = frozenset(
    "a an and are as at be by for from in into is it its of on or that the their "
    "this to was were with".split()
)
# Plurals that neither stemmer brings back to the singular ("children" stays
# "children"): a search for one form also looks for the other.
IRREGULAR_PLURALS = {
    "children": "child",
    "women": "woman",
    "men": "man",
    "people": "person",
}
OTHER_FORM = IRREGULAR_PLURALS | {v: k for k, v in IRREGULAR_PLURALS.items()}


@dataclass(frozen=True)
class Spec:
    model: type
    label: str
    title: str
    body: tuple
    # Searched as strongly as the title (computed-vector kinds only; the stored
    # vectors and FTS rows take tags from the tag tables).
    strong: tuple = ()


# The order results are shown in. Migration 0009 indexes exactly these vectors and
# fills the FTS5 tables with these columns: change one and change it there too
# (test_search_postgres checks the plan).
SPECS = [
    Spec(
        BestPractice,
        gettext_lazy("Best practices"),
        "title",
        ("recommendation", "discussion"),
    ),
    Spec(Initiative, gettext_lazy("Initiatives"), "title", ("summary", "description")),
    Spec(Finding, gettext_lazy("Findings"), "title", ("statement", "claimant")),
    Spec(
        Jurisdiction,
        gettext_lazy("Jurisdictions"),
        "name",
        ("description",),
        strong=("alternate_names",),
    ),
    Spec(Organization, gettext_lazy("Organizations"), "name", ("description",)),
    Spec(Source, gettext_lazy("Sources"), "title", ("authors", "description")),
]
SPEC_BY_MODEL = {spec.model: spec for spec in SPECS}


def is_postgres():
    return connection.vendor == "postgresql"


def vector(spec):
    return SearchVector(spec.title, *spec.strong, weight="A", config=CONFIG) + (
        SearchVector(*spec.body, weight="C", config=CONFIG)
    )


def language_search(spec):
    """(config, vector) of the translations of `spec`'s records in the page's
    language, or None on an English page. The vector covers the translated title
    (A) and body (C) columns, exactly as migration 0013 indexes it."""
    language = content_language()
    config = TRANSLATION_CONFIGS.get(language)
    if config is None:
        return None
    translated = TRANSLATED_FIELDS.get(spec.model, ())

    def columns(names):
        return [f"{name}_{language}" for name in names if name in translated]

    parts = [
        SearchVector(*names, weight=weight, config=config)
        for names, weight in ((columns([spec.title]), "A"), (columns(spec.body), "C"))
        if names
    ]
    return config, reduce(operator.add, parts)


def originals(queryset):
    """`queryset` comparing and ordering by the original (English) columns: by
    default modeltranslation reads `title` as the page language's `title_en` or
    `title_fr`, which the trigram indexes (on `title`) do not cover."""
    return queryset.rewrite(False)


def has_stored_vector(model):
    try:
        model._meta.get_field("search_vector")
    except FieldDoesNotExist:
        return False
    return True


def stored_or_computed_vector(spec):
    """The stored column where the model has one, else the expression that 0009's
    index covers; on a French or Spanish page joined with the vector of the
    translations (0013 indexes the pair), so a record is found by its English
    words and by those of its translation."""
    english = F("search_vector") if has_stored_vector(spec.model) else vector(spec)
    translations = language_search(spec)
    if translations is None:
        return english
    return CombinedExpression(
        english, "||", translations[1], output_field=SearchVectorField()
    )


def terms(q):
    """The words of a query, for the fallback and for highlighting."""
    return [w for w in re.findall(r"\w[\w'’-]*", q or "") if len(w) > 1][:10]


def fold(word):
    """Lower case without accents, as both databases compare words."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def query_words(q):
    """The query as the databases run it: for each word that counts, the forms to
    look for (any one will do); every word must match."""
    groups = []
    for word in terms(q):
        lowered = word.lower()
        if lowered in STOP_WORDS:
            continue
        forms = (lowered, OTHER_FORM[lowered]) if lowered in OTHER_FORM else (lowered,)
        groups.append(forms)
    return groups


def _query(q):
    """The PostgreSQL query for `q`, or None when no word counts."""
    return tsquery(query_words(q))


def tsquery(groups):
    """The PostgreSQL query for word groups (`query_words`), or None when there
    are none."""
    if not groups:
        return None

    configs = [CONFIG]
    if content_language() in TRANSLATION_CONFIGS:
        configs.append(TRANSLATION_CONFIGS[content_language()])

    def search_query(word):
        # The word stemmed as English or as the page's language: either matches.
        return reduce(
            operator.or_,
            (SearchQuery(word, search_type="plain", config=c) for c in configs),
        )

    return reduce(
        operator.and_,
        (reduce(operator.or_, map(search_query, forms)) for forms in groups),
    )


def _fts_expression(q):
    """The FTS5 MATCH expression for `q`: every word quoted (so nothing the user
    types is read as FTS5 syntax), or "" when no word counts."""

    def quoted(word):
        return '"' + word.replace('"', '""') + '"'

    return " AND ".join(
        "(" + " OR ".join(map(quoted, forms)) + ")" for forms in query_words(q)
    )


def fts_table(model):
    return f"{model._meta.db_table}_fts"


def _fts_matching(queryset, q):
    """SQLite: `queryset` narrowed to FTS5 matches, those matching in the title or
    a tag first, then by bm25."""
    spec = SPEC_BY_MODEL[queryset.model]
    queryset = originals(queryset)
    expression = _fts_expression(q)
    if not expression:
        return queryset.none()
    fts = fts_table(queryset.model)
    matches = f'SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s'
    # A scalar subquery per match, correlated by rowid: only ever used to order.
    bm25 = RawSQL(
        f'SELECT bm25("{fts}", {BM25_WEIGHTS}) FROM "{fts}" WHERE "{fts}" MATCH %s '
        f'AND "{fts}".rowid = "{queryset.model._meta.db_table}"."id"',
        [expression],
    )
    strong = Case(
        When(
            pk__in=RawSQL(matches, [f"{{title tags}} : ({expression})"]),
            then=Value(1),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        queryset.filter(pk__in=RawSQL(matches, [expression]))
        .alias(strong=strong, bm25=bm25)
        .order_by("-strong", "bm25", spec.title)
    )


def ranked(queryset, q):
    """`queryset` ordered best match first (PostgreSQL), without narrowing it."""
    spec = SPEC_BY_MODEL[queryset.model]
    queryset = originals(queryset)
    vector_or_column = stored_or_computed_vector(spec)
    # alias, not annotate: the vector is only compared and ranked, never sent
    # back, so PostgreSQL neither computes nor sorts it for every match.
    return queryset.alias(
        search=vector_or_column,
        rank=SearchRank(vector_or_column, _query(q), weights=RANK_WEIGHTS),
        similarity=TrigramSimilarity(spec.title, q),
    ).order_by((F("rank") + F("similarity")).desc(), spec.title)


def matching(queryset, q):
    """`queryset` narrowed to records matching `q`, best matches first (callers
    that sort by something else order afterwards): the list pages' word filter.
    On PostgreSQL exact and similar titles count alike."""
    if not is_postgres():
        return _fts_matching(queryset, q)
    spec = SPEC_BY_MODEL[queryset.model]
    if _query(q) is None:
        return queryset.none()
    # ranked() reads the original columns (`originals`).
    return ranked(queryset, q).filter(
        Q(search=_query(q)) | Q(**{f"{spec.title}__trigram_similar": q})
    )


def exact_matches(queryset, q):
    """`queryset` narrowed to full-text matches of `q`, best first.

    On PostgreSQL ranked over the stored vector alone (no trigram similarity to
    compute for every match): "forced labour" matches some 12,000 practices at
    100,000.
    """
    if not is_postgres():
        return _fts_matching(queryset, q)
    query = _query(q)
    if query is None:
        return queryset.none()
    return _exact_matches_postgres(queryset, query)


def _exact_matches_postgres(queryset, query):
    spec = SPEC_BY_MODEL[queryset.model]
    vector_or_column = stored_or_computed_vector(spec)
    if has_stored_vector(spec.model):
        queryset = rank_window(queryset, query)
    return (
        originals(queryset)
        .alias(
            search=vector_or_column,
            rank=SearchRank(vector_or_column, query, weights=RANK_WEIGHTS),
        )
        .filter(search=query)
        .order_by(F("rank").desc(), spec.title)
    )


def rank_window(queryset, query):
    """`queryset` narrowed to the candidates worth ranking for `query` (PostgreSQL,
    stored-vector kinds): up to RANK_WINDOW records matching it in the title, as
    many carrying a matching tag, and as many matching anywhere, each part read
    through its own index and capped. Title and tag matches rank first, so the best
    results are among them whenever there are any; when one part holds more than
    the window, which of them are ranked follows the index's order."""
    spec = SPEC_BY_MODEL[queryset.model]
    # The original columns: migration 0012 indexes the English title itself.
    unordered = originals(queryset).order_by()
    parts = [
        unordered.alias(title_vector=SearchVector(spec.title, config=CONFIG)).filter(
            title_vector=query
        ),
        # Anywhere, in English or in the page's language (0004 and 0013's indexes).
        unordered.alias(any_vector=stored_or_computed_vector(spec)).filter(
            any_vector=query
        ),
    ]
    if hasattr(spec.model, "tags"):
        tags = Tag.objects.alias(name_vector=SearchVector("name", config=CONFIG))
        parts.append(unordered.filter(tags__in=tags.filter(name_vector=query)))
    first, *rest = (part.values("pk")[:RANK_WINDOW] for part in parts)
    return queryset.filter(pk__in=first.union(*rest, all=True))


def similar_matches(queryset, q):
    """`queryset` narrowed to records whose title looks like a misspelling of `q`,
    most similar first (PostgreSQL, through the trigram indexes)."""
    spec = SPEC_BY_MODEL[queryset.model]
    return (
        originals(queryset)
        .alias(similarity=TrigramSimilarity(spec.title, q))
        .filter(**{f"{spec.title}__trigram_similar": q})
        .order_by(F("similarity").desc(), spec.title)
    )


# The kinds whose hits name their jurisdiction.
PLACED = (BestPractice, Initiative, Finding, Organization)


def _searchable(spec):
    queryset = originals(spec.model.objects.published())
    if spec.model in PLACED:
        # Each hit names its jurisdiction (an organization's was one query per
        # hit, up to 20 more queries per search): a column of the search's query.
        # A subquery, not a join: PostgreSQL reads it for the page of hits only,
        # after ranking, not for every candidate.
        place = Jurisdiction.objects.filter(pk=OuterRef("jurisdiction_id"))
        queryset = queryset.annotate(place=Subquery(place.order_by().values("name")))
    if has_stored_vector(spec.model):
        queryset = queryset.defer("search_vector")
    return queryset


def best_matches(specs, q):
    """For each of `specs`, its best RESULTS_PER_KIND public records matching
    `q` (the order of `exact_matches`).

    On PostgreSQL each kind's query is compiled once per language and shape of
    query (how many words, how many forms of each) and then run with the words
    as parameters: building the ORM query took 14 ms a search, more than a third
    of it (bench/README.md, "Search's compiled queries").
    """
    if not is_postgres():
        return [
            list(exact_matches(_searchable(spec), q)[:RESULTS_PER_KIND])
            for spec in specs
        ]
    groups = query_words(q)
    if not groups:
        return [[] for _ in specs]
    words = [form for forms in groups for form in forms]
    shape = tuple(len(forms) for forms in groups)
    found = []
    for spec in specs:
        alias = router.db_for_read(spec.model)
        sql, slots = _compiled_best_matches(
            alias, spec.model, content_language(), shape
        )
        params = [words[value] if is_word else value for is_word, value in slots]
        found.append(list(spec.model.objects.db_manager(alias).raw(sql, params)))
    return found


# Stand-ins for the query's words while its SQL is compiled (`best_matches`):
# found again among the compiled query's parameters, where the words go.
SENTINEL = "kbsearchword{}"


@functools.lru_cache(maxsize=512)
def _compiled_best_matches(alias, model, language, shape):
    """(SQL, parameter slots) of `model`'s best matches for a query of `shape`:
    each slot is (True, index of the word) or (False, the parameter itself).
    `language` is part of the key: French and Spanish pages search their
    translations too."""
    spec = SPEC_BY_MODEL[model]
    sentinels = {SENTINEL.format(index): index for index in range(sum(shape))}
    stand_ins = iter(sentinels)
    groups = [[next(stand_ins) for _ in range(size)] for size in shape]
    with translation.override(language):
        queryset = _exact_matches_postgres(
            _searchable(spec).using(alias), tsquery(groups)
        )[:RESULTS_PER_KIND]
        sql, params = queryset.query.sql_with_params()
    slots = tuple(
        (True, sentinels[p]) if isinstance(p, str) and p in sentinels else (False, p)
        for p in params
    )
    if {value for is_word, value in slots if is_word} != set(sentinels.values()):
        raise ValueError(f"A word of the query is not a parameter of {model}'s search")
    return sql, slots


def _postgres_words_like(word):
    """Words of the public titles, alternate names and tags that look like `word`
    (trigram indexes), in one query."""
    published = Status.PUBLISHED
    # Any ten records each: every one holds a word like `word`. Unordered, so a
    # common word's thousands of matches are neither sorted nor all read.
    parts = [
        originals(spec.model.objects.published())
        .filter(**{f"{column}__trigram_word_similar": word})
        .order_by()
        .values_list(column)[:10]
        for spec in SPECS
        for column in (spec.title, *spec.strong)
    ]
    # On some published record: asked of the few tags that look like the word
    # (EXISTS), not joined with every tag link (a quarter of a second at 100,000
    # practices).
    on_published = [
        Exists(
            through.objects.filter(tag=OuterRef("pk"), content_object__status=published)
        )
        for through in (TaggedPractice, TaggedInitiative)
    ]
    tags = (
        Tag.objects.filter(name__trigram_word_similar=word)
        .filter(reduce(operator.or_, on_published))
        .order_by()
        .values_list("name")[:10]
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # A misspelling shares fewer trigrams with the word than pg_trgm's default
        # asks (0.6): "Stokholm" and "Stockholm" share 0.58. LOCAL: for this
        # transaction only.
        cursor.execute(
            f"SET LOCAL pg_trgm.word_similarity_threshold = {WORD_SIMILARITY}"
        )
        texts = [text for (text,) in tags.union(*parts, all=True)]
    return re.findall(r"\w+", " ".join(texts))


def _sqlite_words_like(word):
    """Words of the public records holding the indexed stems most like `word`: the
    FTS5 vocabularies hold stems ("prostitut"), the records the words themselves."""
    folded = fold(word)
    if not folded:
        return []
    tables = [fts_table(spec.model) for spec in SPECS]
    with connection.cursor() as cursor:
        # Misspellings rarely change the first letter: that bounds the vocabulary
        # read.
        cursor.execute(
            " UNION ".join(
                f'SELECT term FROM "{table}_vocab" WHERE term >= %s AND term < %s'
                for table in tables
            ),
            [folded[0], chr(ord(folded[0]) + 1)] * len(tables),
        )
        stems = [term for (term,) in cursor.fetchall()]
        close = difflib.get_close_matches(folded, stems, n=3, cutoff=0.7)
        if not close:
            return []
        match = " OR ".join('"' + stem.replace('"', '""') + '"' for stem in close)
        cursor.execute(
            " UNION ALL ".join(
                "SELECT * FROM (SELECT title || ' ' || tags || ' ' || places || ' ' "
                f'|| body FROM "{table}" WHERE "{table}" MATCH %s LIMIT 5)'
                for table in tables
            ),
            [match] * len(tables),
        )
        return re.findall(r"\w+", " ".join(text for (text,) in cursor.fetchall()))


def _is_known(word):
    return any(exact_matches(_searchable(spec), word).exists() for spec in SPECS)


def did_you_mean(q):
    """`q` with each word that matches nothing replaced by the most alike public
    word, or "" when no word could be bettered. Asked only when `q` matched
    nothing."""
    words = terms(q)
    suggested, changed = [], False
    for word in words:
        # A query of one word that matched nothing: the word is unknown.
        if word.lower() in STOP_WORDS or (len(words) > 1 and _is_known(word)):
            suggested.append(word)
            continue
        folded = fold(word)
        like = _postgres_words_like if is_postgres() else _sqlite_words_like
        candidates = {fold(w) for w in like(word) if len(w) > 1}
        best = difflib.get_close_matches(
            folded, candidates - {folded}, n=1, cutoff=SUGGESTION_CUTOFF
        )
        if best:
            suggested.append(best[0])
            changed = True
        else:
            suggested.append(word)
    return " ".join(suggested) if changed else ""


@dataclass
class Results:
    """Hits grouped by kind ([{"label", "kind", "hits", "similar"}, ...], kinds with
    none left out), and the query offered instead when nothing matched."""

    groups: list = field(default_factory=list)
    suggestion: str = ""


def search(q):
    """Search every kind of public record, at most RESULTS_PER_KIND hits each.

    One query per kind, whatever the number of matches. When nothing matches, "did
    you mean" looks for a better spelling of each word that matches nothing, and
    the hits for it follow, marked `similar`. On PostgreSQL, when that finds
    nothing either, one more query per kind adds records whose titles are similar
    to the query (also `similar`). That pass runs only then: it rechecks every
    title sharing a few letters with the query (25,000 titles and about a second
    for "victim services" at 100,000 practices, bench/README.md).
    """
    q = (q or "").strip()
    if not q:
        return Results()
    found = [
        (spec, records, [])
        for spec, records in zip(SPECS, best_matches(SPECS, q), strict=True)
    ]
    suggestion = ""
    if not any(records for _, records, _ in found):
        suggestion = did_you_mean(q)
        if suggestion:
            for (_, _, similar), records in zip(
                found, best_matches(SPECS, suggestion), strict=True
            ):
                similar.extend(records)
    # A suggestion that found something is the better help: no trigram pass then.
    if is_postgres() and not any(records or similar for _, records, similar in found):
        for spec, _, similar in found:
            similar.extend(similar_matches(_searchable(spec), q)[:RESULTS_PER_KIND])
    words = terms(q) + [w for forms in query_words(q) for w in forms]
    similar_words = words + terms(suggestion)
    groups = []
    for spec, records, similar in found:
        hits = [_hit(spec, record, words) for record in records] + [
            _hit(spec, record, similar_words, similar=True) for record in similar
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
    return Results(groups=groups, suggestion=suggestion)


@dataclass
class Hit:
    record: object
    title: str
    excerpt: str
    context: str
    # Found by the misspelling pass, not by the words themselves.
    similar: bool = False
    # The language of the title and of the excerpt where it is not the page's (an
    # untranslated text shown in English), else "".
    title_lang: str = ""
    excerpt_lang: str = ""


def _shown_lang(record, name):
    """The language field `name` of `record` is shown in, when it is a translated
    field shown in another language than the page's; else "" (names and titles
    of sources stay as written, in no particular language)."""
    if not is_translated(record, name):
        return ""
    language = language_of(record, name)
    return "" if language == content_language() else language


def _hit(spec, record, words, similar=False):
    body = " ".join(str(getattr(record, field) or "") for field in spec.body).strip()
    return Hit(
        record=record,
        title=highlight(getattr(record, spec.title), words),
        excerpt=highlight(excerpt(body, words), words),
        context=getattr(record, "place", None) or "",
        similar=similar,
        title_lang=_shown_lang(record, spec.title),
        excerpt_lang=_shown_lang(record, spec.body[0]) if spec.body else "",
    )


def excerpt(text, words, length=240):
    """About `length` characters of `text` around the first matched word."""
    # Markup characters dropped and whitespace collapsed (str methods: a regular
    # expression over every hit's whole body was a tenth of a search).
    text = " ".join((text or "").translate(MARKUP_CHARACTERS).split())
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
    pattern = _marking(tuple(words))
    if pattern is None:
        return mark_safe(escaped)  # escaped just above
    return mark_safe(pattern.sub(_mark, escaped))  # only <mark> added to escaped text


@functools.lru_cache(maxsize=64)
def _marking(words):
    # The same words mark every hit of a search: worked out once.
    words = [escape(w) for w in words if w]
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    # Entities the escaping made (&amp;) are matched first and kept whole.
    return re.compile(rf"(&#?\w+;)|({alternatives})", re.IGNORECASE)


def _mark(match):
    return match.group(1) or f"<mark>{match.group(2)}</mark>"
