"""Merging concurrent edits of one record in the admin.

A change form carries a signed snapshot of what it showed (BASE). When it is saved
after a colleague's save (THEIRS: the record now, or its pending change), each
field is compared three ways with what the curator posted (YOURS): fields only one
of them changed are merged; a field both changed differently is a conflict, shown
with both values, and nothing is saved until the curator chooses."""

from dataclasses import dataclass, field

from django import forms
from django.core import signing
from django.db.models import Model, QuerySet
from django.forms.utils import pretty_name
from django.http import QueryDict
from taggit.forms import TagField
from taggit.utils import edit_string_for_tags

# The signing salt of the snapshots. Its text is arbitrary, but changing it would
# invalidate every change form open at the time.
SALT = "practices.admin.merge.loaded_values"
# The admin forms' own fields that are bookkeeping, not what the form shows: never
# compared or merged, and never a change by themselves (admin_forms.py).
BOOKKEEPING = frozenset({"loaded_revision", "loaded_values", "change_reason"})
# The checkboxes "Use their version" of a re-shown conflict, one per field.
USE_THEIRS = "merge_use_theirs"


class SnapshotInvalid(Exception):
    """The signed snapshot was altered, or belongs to another record or revision."""


def record_key(obj):
    return f"{obj._meta.label_lower}:{obj.pk}"


def snapshot_sign(obj, revision, data):
    """The hidden field's value: `data` (a QueryDict or {name: [values]}) as the
    form showed it at `revision`, signed so a curator cannot forge a base."""
    lists = {key: list(data.getlist(key)) for key in data}
    payload = {"record": record_key(obj), "revision": revision, "data": lists}
    return signing.dumps(payload, salt=SALT, compress=True)


def snapshot_load(obj, value, revision):
    """The QueryDict a form showed, from its signed hidden value; raises
    SnapshotInvalid when it was altered or is another record's or revision's."""
    try:
        payload = signing.loads(value, salt=SALT)
    except signing.BadSignature as error:
        raise SnapshotInvalid("altered") from error
    if not isinstance(payload, dict) or payload.get("record") != record_key(obj):
        raise SnapshotInvalid("another record")
    revision = str(revision)
    if not revision.isdigit() or str(payload.get("revision")) != revision:
        raise SnapshotInvalid("another revision")
    data = QueryDict(mutable=True)
    for key, values in payload.get("data", {}).items():
        data.setlist(key, [str(value) for value in values])
    return data


def form_data(form, data=None):
    """Add to `data` (a new QueryDict by default) what `form` would submit unchanged,
    as a browser sends it; returns `data`."""
    data = QueryDict(mutable=True) if data is None else data
    for name in form.fields:
        if name in BOOKKEEPING:
            continue
        bound = form[name]
        value = bound.value()
        if value is None or value is False:
            continue
        if value is True:
            data[bound.html_name] = "on"
        elif isinstance(bound.field, TagField) and not isinstance(value, str):
            data[bound.html_name] = edit_string_for_tags(value)
        elif isinstance(value, list | tuple):
            data.setlist(
                bound.html_name, [str(getattr(item, "pk", item)) for item in value]
            )
        else:
            data[bound.html_name] = str(value)
    return data


def formset_data(formset, data):
    form_data(formset.management_form, data)
    for form in formset.forms:
        form_data(form, data)
    return data


def _comparable(value):
    if isinstance(value, QuerySet):
        return tuple(sorted(str(item.pk) for item in value))
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, str):
        # Browsers send a textarea's line breaks as CRLF.
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, list | tuple):
        return tuple(_comparable(item) for item in value)
    return value


def field_value(form_field, name, data):
    """The value `data` gives the form field `name`, comparable across formats."""
    raw = form_field.widget.value_from_datadict(data, {}, name)
    try:
        return _comparable(form_field.clean(raw))
    except forms.ValidationError:
        return ("invalid", _comparable(raw))


def field_display(form_field, name, data):
    """The value `data` gives the field, as a curator reads it."""
    raw = form_field.widget.value_from_datadict(data, {}, name)
    try:
        value = form_field.clean(raw)
    except forms.ValidationError:
        return str(raw or "")
    if isinstance(value, QuerySet):
        return ", ".join(str(item) for item in value) or "(none)"
    if isinstance(form_field, TagField):
        return ", ".join(value) or "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value in (None, ""):
        return "(empty)"
    choices = dict(getattr(form_field, "choices", None) or [])
    if not isinstance(value, Model) and str(value) in map(str, choices):
        return str({str(k): v for k, v in choices.items()}[str(value)])
    return str(value)


def group_values(data, prefix):
    """An inline formset's rows in `data`, comparable across formats: the empty
    template row, row revisions and blank values left out."""
    values = {}
    for key in data:
        if not key.startswith(f"{prefix}-") or "__prefix__" in key:
            continue
        if key.rsplit("-", 1)[-1] in BOOKKEEPING:
            continue
        items = [value.replace("\r\n", "\n").strip() for value in data.getlist(key)]
        if any(items):
            values[key] = items
    return values


@dataclass
class Merge:
    data: QueryDict  # yours with theirs merged in, at the current revision
    taken: list = field(default_factory=list)  # fields taken from theirs
    conflicts: dict = field(default_factory=dict)  # name: their value, as read
    rows_conflict: list = field(default_factory=list)  # inline sections both edited


def label_of(form_field, name):
    return str(form_field.label or pretty_name(name))


def merge(fields, prefixes, base, theirs, yours):
    """Three-way merge of form data. `fields`: the main form's fields by name;
    `prefixes`: {inline prefix: its name}; each of base, theirs and yours a QueryDict.
    Returns a Merge whose data is yours with what only they changed taken from theirs.
    """
    merged = yours.copy()
    result = Merge(data=merged)
    for name, form_field in fields.items():
        if name in BOOKKEEPING:
            continue
        old = field_value(form_field, name, base)
        mine = field_value(form_field, name, yours)
        other = field_value(form_field, name, theirs)
        if other == old or other == mine:
            continue  # they did not change it, or made the same change
        if mine == old:
            merged.setlist(name, theirs.getlist(name))
            if name not in theirs:
                merged.pop(name, None)  # an unticked checkbox is absent
            result.taken.append(label_of(form_field, name))
        else:
            result.conflicts[name] = field_display(form_field, name, theirs)
    for prefix, verbose in prefixes.items():
        old = group_values(base, prefix)
        mine = group_values(yours, prefix)
        other = group_values(theirs, prefix)
        if other == old or other == mine:
            continue
        if mine == old:
            # Take their rows whole (with the row revisions they are at).
            for key in [k for k in merged if k.startswith(f"{prefix}-")]:
                del merged[key]
            for key in theirs:
                if key.startswith(f"{prefix}-"):
                    merged.setlist(key, theirs.getlist(key))
            result.taken.append(str(verbose))
        else:
            result.rows_conflict.append(str(verbose))
    return result
