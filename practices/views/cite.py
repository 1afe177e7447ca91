"""The "Cite this page" panel, the page's metadata for reference managers and
search engines, and the citation downloads (cite.bib, cite.ris, cite.json)."""

import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.text import Truncator

from .. import citations, history, versions
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


def _json_ld(kind, obj, text, c, canonical, published_at):
    if kind.key == "jurisdiction":
        schema_type, place = "WebPage", obj
    else:
        schema_type, place = "Article", obj.jurisdiction
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
        "spatialCoverage": _place(place),
        "isPartOf": {"@type": "WebSite", "name": settings.SITE_NAME},
    }
    if published_at:
        data["datePublished"] = published_at.date().isoformat()
    if c.version:
        data["version"] = c.version
    if schema_type == "Legislation":
        data["legislationJurisdiction"] = place.name
    return data


def page_context(kind, obj, version=None, accessed=None):
    """Everything the cite panel and the page's head show, for the current page
    (`version` None) or for one version of it."""
    if version is None:
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
    title = getattr(row, kind.title_field)
    pairs = (
        _source_pairs(kind, obj)
        if version is None
        else _version_source_pairs(kind, obj, version)
    )
    c = citations.page_citation(
        kind, obj.slug, title, updated, permalink, version=number, accessed=accessed
    )
    text = next((getattr(row, f) for f in kind.text_fields if getattr(row, f)), "")
    description = Truncator(" ".join(text.split())).chars(300)
    canonical = absolute(page_path)
    return {
        "cite": {
            "kind": kind,
            "version": number,
            "is_current": version is None or version.is_current,
            "updated": updated,
            "citation": c,
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
            "drawn_from": citations.drawn_from(pairs),
        },
        "meta": {
            "title": title,
            "description": description,
            "canonical": canonical,
            "updated": c.updated,
            "published_at": obj.published_at,
            "place": (obj if kind.key == "jurisdiction" else obj.jurisdiction).name,
            "json_ld": _json_ld(kind, obj, description, c, canonical, obj.published_at),
            "noindex": version is not None and not version.is_current,
        },
    }


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
                "This version was withdrawn; cite the current version instead.",
                status=410,
                content_type="text/plain; charset=utf-8",
            )
        context = page_context(kind, obj, version)
    c = context["cite"]["citation"]
    content_type = DOWNLOADS[fmt][1]
    if fmt == "json":
        response = JsonResponse(
            citations.page_csl(c),
            safe=False,
            content_type=content_type,
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
    else:
        body = citations.page_bibtex(c) if fmt == "bib" else citations.page_ris(c)
        response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{c.key}.{fmt}"'
    return response


def json_ld_script(data):
    """Escape as Django's json_script does, so no text can close the element."""
    return json.dumps(data, ensure_ascii=False).translate(
        {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
    )
