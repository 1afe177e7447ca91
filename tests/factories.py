"""Small factories for test data: each makes a valid, published record by default."""

import itertools

from practices.models import (
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
    Theme,
)

_seq = itertools.count(1)


def _n():
    return next(_seq)


def make_jurisdiction(name=None, parent=None, kind=None, **kw):
    n = _n()
    name = name or f"Jurisdiction {n}"
    kw.setdefault("slug", f"jurisdiction-{n}")
    kw.setdefault("status", Status.PUBLISHED)
    kind = kind or (
        Jurisdiction.Kind.COUNTRY if parent is None else Jurisdiction.Kind.CITY
    )
    return Jurisdiction.objects.create(name=name, parent=parent, kind=kind, **kw)


def make_organization(name=None, **kw):
    n = _n()
    kw.setdefault("slug", f"organization-{n}")
    kw.setdefault("kind", Organization.Kind.NGO)
    kw.setdefault("status", Status.PUBLISHED)
    return Organization.objects.create(name=name or f"Organization {n}", **kw)


def make_source(title=None, **kw):
    n = _n()
    kw.setdefault("slug", f"source-{n}")
    kw.setdefault("kind", Source.Kind.BOOK)
    kw.setdefault("status", Status.PUBLISHED)
    return Source.objects.create(title=title or f"Source {n}", **kw)


def make_initiative(title=None, jurisdiction=None, source=None, tags=(), **kw):
    n = _n()
    kw.setdefault("slug", f"initiative-{n}")
    kw.setdefault("kind", Initiative.Kind.PROGRAMME)
    kw.setdefault("status", Status.PUBLISHED)
    kw.setdefault("summary", f"According to the source, initiative {n} does things.")
    initiative = Initiative.objects.create(
        title=title or f"Initiative {n}",
        jurisdiction=jurisdiction or make_jurisdiction(),
        **kw,
    )
    InitiativeSource.objects.create(
        initiative=initiative, source=source or make_source(), locator="Section"
    )
    if tags:
        initiative.tags.add(*tags)
    return initiative


def make_practice(
    title=None, jurisdiction=None, source=None, tags=(), initiatives=(), **kw
):
    n = _n()
    kw.setdefault("slug", f"practice-{n}")
    kw.setdefault("theme", Theme.PREVENTION)
    kw.setdefault("status", Status.PUBLISHED)
    kw.setdefault("recommendation", f"Do the recommended thing number {n}.")
    practice = BestPractice.objects.create(
        title=title or f"Practice {n}",
        jurisdiction=jurisdiction or make_jurisdiction(),
        **kw,
    )
    PracticeSource.objects.create(
        practice=practice, source=source or make_source(), locator="Best practices"
    )
    if tags:
        practice.tags.add(*tags)
    if initiatives:
        practice.initiatives.add(*initiatives)
    return practice


def make_finding(title=None, jurisdiction=None, source=None, figures=(), **kw):
    n = _n()
    kw.setdefault("slug", f"finding-{n}")
    kw.setdefault("kind", Finding.Kind.COUNT)
    kw.setdefault("status", Status.PUBLISHED)
    kw.setdefault("statement", f"The source reports figure {n}.")
    finding = Finding.objects.create(
        title=title or f"Finding {n}",
        jurisdiction=jurisdiction or make_jurisdiction(),
        source=source or make_source(),
        **kw,
    )
    for position, (label, value) in enumerate(figures):
        FindingFigure.objects.create(
            finding=finding, position=position, label=label, value=value, unit="cases"
        )
    return finding


def make_quotation(text=None, source=None, **kw):
    n = _n()
    kw.setdefault("slug", f"quotation-{n}")
    kw.setdefault("status", Status.PUBLISHED)
    kw.setdefault("speaker_description", "a police officer")
    return Quotation.objects.create(
        text=text or f"Words number {n}.", source=source or make_source(), **kw
    )


# --- Admin: curators and admin form data (added by the curator-admin work) ---------

CURATOR_PASSWORD = "a-long-curator-passphrase-42"


def make_curator(username="curator", **kw):
    """A curator account made the way the README says: with create_curator."""
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command(
        "create_curator",
        username,
        email=kw.get("email", f"{username}@example.org"),
        password=kw.get("password", CURATOR_PASSWORD),
        stdout=io.StringIO(),
    )
    return get_user_model().objects.get(username=username)


def make_editor(username="editor", **kw):
    """An editor account made the way the README says: with create_editor."""
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command(
        "create_editor",
        username,
        email=kw.get("email", f"{username}@example.org"),
        password=kw.get("password", CURATOR_PASSWORD),
        stdout=io.StringIO(),
    )
    return get_user_model().objects.get(username=username)


def admin_form_data(response):
    """The POST data an admin add/change page would submit unchanged: the main form,
    each inline's management form and rows, as the browser would send them."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple | set):
                if bound.name == "tags":  # taggit's field takes "a, b"
                    data[bound.html_name] = ", ".join(tag.name for tag in value)
                else:
                    data[bound.html_name] = [
                        str(getattr(item, "pk", item)) for item in value
                    ]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data
