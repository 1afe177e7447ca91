"""A record's version history and its versioned permalinks (/v/<n>/)."""

from django.shortcuts import get_object_or_404, render

from .. import languages, versions
from .cite import page_context


def history(request, slug, kind):
    """Every published version of one record, with its date and permalink."""
    kind = versions.KINDS[kind]
    obj = get_object_or_404(kind.model.objects.published(), slug=slug)
    version_rows = versions.version_list(obj)
    return render(
        request,
        "practices/version_history.html",
        {
            "object": obj,
            "kind": kind,
            "title": getattr(obj, kind.title_field),
            "versions": list(reversed(version_rows)),
        },
    )


def version_detail(request, slug, n, kind):
    """One version as it was published, from its own historical record."""
    kind = versions.KINDS[kind]
    obj, version = versions.version_get(kind, slug, n)
    if version.withdrawal is not None:
        return version_withdrawn(request, kind, obj, version)
    row = version.row
    context = {
        "object": obj,
        "kind": kind,
        "version": version,
        "row": row,
        "fields": [
            {
                "name": name,
                "label": versions.field_label(row, name),
                # In the page's language where this version had a translation.
                "value": text,
                "language": language,
                "is_markdown": name in ("description", "discussion"),
            }
            for name in kind.text_fields
            for text, language in [languages.text_and_language(row, name)]
            if text
        ],
        "facts": [
            (versions.field_label(row, name), display())
            for name in ("theme", "kind")
            if (display := getattr(row, f"get_{name}_display", None))
        ],
        # Tags, sources, figures and links as this version showed them (None for
        # a version saved before they were recorded).
        "snapshot": getattr(row, "snapshot", None),
        # Sources and jurisdictions keep no snapshot: their text is all a version has.
        "snapshot_kept": hasattr(row, "snapshot"),
        "changes_url": versions.changes_url(kind, slug, n),
        **page_context(kind, obj, version),
    }
    return render(request, "practices/version_detail.html", context)


def version_changes(request, slug, n, kind):
    """What changed in version n since the version before it."""
    kind = versions.KINDS[kind]
    obj, version = versions.version_get(kind, slug, n)
    if version.withdrawal is not None:
        return version_withdrawn(request, kind, obj, version)
    previous = versions.previous_version(kind, obj, version)
    return render(
        request,
        "practices/version_changes.html",
        {
            "object": obj,
            "kind": kind,
            "version": version,
            "previous": previous,
            "history_url": versions.history_url(kind, slug),
            "changes": versions.version_changes(kind, previous, version)
            if previous
            else None,
        },
    )


def version_withdrawn(request, kind, obj, version):
    """A withdrawn version's permalink: what happened, when and why, and where the
    current version is. 410 Gone: the text was there and was taken down."""
    return render(
        request,
        "practices/version_withdrawn.html",
        {
            "object": obj,
            "kind": kind,
            "version": version,
            "withdrawal": version.withdrawal,
            "title": getattr(obj, kind.title_field),
            "history_url": versions.history_url(kind, obj.slug),
        },
        status=410,
    )
