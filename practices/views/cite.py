"""The "Cite this page" panel, the page's metadata for reference managers and
search engines, and the citation downloads: cite.bib, cite.ris, cite.json of a page,
and reference.bib, .ris, .json of the original source a source page is about."""

import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from .. import citations, history, languages, versions
from ..models import Initiative, Source, Status
from ..site import absolute, site_url

DOWNLOADS = {
    "bib": ("BibTeX", "application/x-bibtex; charset=utf-8"),
    "ris": ("RIS", "application/x-research-info-systems; charset=utf-8"),
    "json": ("CSL-JSON", "application/vnd.citationstyles.csl+json; charset=utf-8"),
}


def _source_pairs(kind, obj):
    """(source, locator) pairs of the published sources a record cites."""
    if kind.key == "finding":
        source = obj.source
        return [(source, obj.locator)] if source.status == Status.PUBLISHED else []
    if kind.key in ("practice", "initiative"):
        rows = getattr(obj, "citations", None)
        if rows is None:
            through = (
                obj.practicesource_set
                if kind.key == "practice"
                else obj.initiativesource_set
            )
            rows = through.filter(source__status=Status.PUBLISHED).select_related(
                "source__reported_in"
            )
        return [(row.source, row.locator) for row in rows]
    return []


def _version_source_pairs(kind, obj, version):
    """The sources a version cited, as it recorded them; a version recorded before
    sources were kept cites the record's current ones."""
    snapshot = getattr(version.row, "snapshot", None)
    if snapshot is None:
        return _source_pairs(kind, obj)
    pairs = history.snapshot_sources(snapshot)
    sources = Source.objects.published().in_bulk([pk for pk, _ in pairs])
    return [(sources[pk], locator) for pk, locator in pairs if pk in sources]


def _place(jurisdiction):
    return {
        "@type": "Place",
        "name": jurisdiction.name,
        "url": absolute(jurisdiction.get_absolute_url()),
    }


def _organization():
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": site_url(),
    }


def _place_of(kind, obj):
    """The jurisdiction a page is about; None for a source, which has none."""
    if kind.key == "jurisdiction":
        return obj
    return getattr(obj, "jurisdiction", None)


def _work(source):
    """A source as schema.org reads it: only the fields the knowledge base records."""
    data = {
        "@type": "Book" if source.kind == Source.Kind.BOOK else "CreativeWork",
        "name": source.title,
        "inLanguage": source.language,
    }
    people = citations.person_names(source)
    if people:
        data["author"] = [{"@type": "Person", "name": name} for name in people]
    elif organization := citations.organization_name(source):
        data["author"] = {"@type": "Organization", "name": organization}
    if source.year:
        data["datePublished"] = str(source.year)
    if source.publisher:
        data["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.isbn:
        data["isbn"] = source.isbn
    if source.url:
        data["url"] = source.url
    return data


def _json_ld(kind, obj, text, c, canonical, published_at):
    place = _place_of(kind, obj)
    if kind.key in ("jurisdiction", "source"):
        schema_type = "WebPage"
    else:
        schema_type = "Article"
        if kind.key == "initiative" and obj.kind == Initiative.Kind.LAW:
            schema_type = "Legislation"
    data = {
        "@context": "https://schema.org",
        "@type": schema_type,
        "name": c.title,
        "headline": c.title[:110],
        "description": text,
        "url": canonical,
        "sameAs": c.url,
        "inLanguage": c.language,
        "author": _organization(),
        "publisher": _organization(),
        "dateModified": c.updated.isoformat(),
        "isPartOf": {"@type": "WebSite", "name": settings.SITE_NAME},
    }
    if place is not None:
        data["spatialCoverage"] = _place(place)
    if kind.key == "source":
        data["about"] = _work(obj)
    if published_at:
        data["datePublished"] = published_at.date().isoformat()
    if c.version:
        data["version"] = c.version
    if schema_type == "Legislation":
        data["legislationJurisdiction"] = place.name
    return data


def language_name_in_sentence(code):
    """The language's name as a sentence of the page's language writes it: English
    capitalises it ("in English"), French and Spanish do not ("en anglais")."""
    name = get_language_info(code)["name_translated"]
    return name if get_language() == "en" else name.lower()


def page_context(kind, obj, version=None, accessed=None):
    """Everything the cite panel and the page's head show, for the current page
    (`version` None) or for one version of it."""
    if version is None:
        # The record's selector reads it with the record (selectors._visible).
        number = getattr(obj, "version_number", None)
        if number is None:
            number = versions.current_version_number(obj)
        row, updated = obj, obj.updated
        permalink = (
            versions.version_url(kind, obj.slug, number)
            if number
            else obj.get_absolute_url()
        )
        page_path = obj.get_absolute_url()
    else:
        number, row, updated = version.number, version.row, version.updated
        permalink = page_path = version.get_absolute_url()
    # The title as read: its translation into the page's language, or English.
    title = languages.text_in(row, kind.title_field)
    language = languages.record_language(row)
    pairs = (
        _source_pairs(kind, obj)
        if version is None
        else _version_source_pairs(kind, obj, version)
    )
    c = citations.page_citation(
        kind,
        obj.slug,
        title,
        updated,
        permalink,
        version=number,
        accessed=accessed,
        language=language,
    )
    texts = (languages.text_in(row, name) for name in kind.text_fields)
    text = next((text for text in texts if text), "")
    description = Truncator(" ".join(text.split())).chars(300)
    canonical = absolute(page_path)
    return {
        "cite": {
            "kind": kind,
            "version": number,
            "is_current": version is None or version.is_current,
            "updated": updated,
            "citation": c,
            "language_name": language_name_in_sentence(language),
            "styles": citations.page_styles(c),
            "permalink": permalink,
            "history_url": versions.history_url(kind, obj.slug),
            "current_url": obj.get_absolute_url(),
            "downloads": [
                {"fmt": fmt, "label": label, "href": f"{page_path}cite.{fmt}"}
                for fmt, (label, _type) in DOWNLOADS.items()
            ],
            # (source, locator) pairs: the page's reference markers.
            "sources": pairs,
            "drawn_from": [
                {**entry, "downloads": reference_downloads(entry["book"])}
                for entry in citations.drawn_from(pairs)
            ],
            # A source page also cites the source itself ("Cite the original").
            "original": original_context(obj) if kind.key == "source" else None,
        },
        "meta": {
            "title": title,
            "description": description,
            "canonical": canonical,
            "updated": c.updated,
            "published_at": obj.published_at,
            "place": getattr(_place_of(kind, obj), "name", ""),
            "json_ld": _json_ld(kind, obj, description, c, canonical, obj.published_at),
            "noindex": version is not None and not version.is_current,
        },
    }


def reference_downloads(source):
    """Links to the full reference of `source` for reference managers."""
    return [
        {
            "fmt": fmt,
            "label": label,
            "href": reverse(
                f"practices:source-reference-{fmt}", kwargs={"slug": source.slug}
            ),
        }
        for fmt, (label, _type) in DOWNLOADS.items()
    ]


def original_context(source):
    """The "Cite the original source" part of a source's page: its full reference
    in each style, in the text, and as files; a work known through a book is cited
    as cited in it."""
    return {
        "source": source,
        "as_cited_in": citations.reported_in(source),
        "styles": citations.reference_styles(source),
        "in_text": citations.reference_in_text(source),
        "downloads": reference_downloads(source),
    }


def _download(fmt, key, csl, bibtex, ris):
    """A citation file: `csl`, `bibtex` and `ris` write the one `fmt` asks for."""
    content_type = DOWNLOADS[fmt][1]
    if fmt == "json":
        response = JsonResponse(
            csl(),
            safe=False,
            content_type=content_type,
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
    else:
        body = bibtex() if fmt == "bib" else ris()
        response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{key}.{fmt}"'
    return response


def cite_download(request, slug, kind, fmt, n=None):
    """cite.bib, cite.ris or cite.json of the current page, or of version `n`."""
    kind = versions.KINDS[kind]
    if n is None:
        obj = get_object_or_404(kind.model.objects.published(), slug=slug)
        context = page_context(kind, obj)
    else:
        obj, version = versions.version_get(kind, slug, n)
        if version.withdrawal is not None:
            return HttpResponse(
                _("This version was withdrawn; cite the current version instead."),
                status=410,
                content_type="text/plain; charset=utf-8",
            )
        context = page_context(kind, obj, version)
    c = context["cite"]["citation"]
    return _download(
        fmt,
        c.key,
        lambda: citations.page_csl(c),
        lambda: citations.page_bibtex(c),
        lambda: citations.page_ris(c),
    )


def reference_download(request, slug, fmt):
    """reference.bib, .ris or .json: the full reference of a published source."""
    source = get_object_or_404(
        Source.objects.published().select_related("organization", "reported_in"),
        slug=slug,
    )
    return _download(
        fmt,
        citations.reference_key(source),
        lambda: citations.reference_csl(source),
        lambda: citations.reference_bibtex(source),
        lambda: citations.reference_ris(source),
    )


def json_ld_script(data):
    """Escape as Django's json_script does, so no text can close the element."""
    return json.dumps(data, ensure_ascii=False).translate(
        {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
    )
