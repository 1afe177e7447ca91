"""Admin forms: the no-lost-edits revision check and curator-facing validation."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy
from taggit.utils import parse_tags

from .merge import BOOKKEEPING, SnapshotInvalid, snapshot_load
from .models import BestPractice, Finding, FindingFigure, Status
from .services import revision_current
from .tag_input import (
    CONFIRM_NEW_TAGS,
    TagSuggestWidget,
    new_tag_names,
    new_tags_warning,
)
from .workflow import pending_change

# Year fields, on any model, that may not lie in the future.
YEAR_FIELDS = ("start_year", "year", "period_start", "period_end")


def future_year_errors(cleaned_data, fields=YEAR_FIELDS):
    this_year = timezone.localdate().year
    errors = {}
    for name in fields:
        value = cleaned_data.get(name)
        if value is not None and value > this_year:
            errors[name] = gettext(
                "%(year)s is in the future (it is now %(this_year)s); give the year "
                "the source reports."
            ) % {"year": value, "this_year": this_year}
    return errors


def changes_since(obj, loaded_revision):
    """What changed in `obj` since `loaded_revision`: [(field, before, after)],
    or None when the history cannot tell."""
    history = getattr(obj, "history", None)
    if history is None:
        return None
    newest = history.order_by("-history_date", "-history_id").first()
    loaded = (
        history.filter(revision=loaded_revision)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if newest is None or loaded is None:
        return None
    return newest, history_changes(newest, loaded, excluded=["revision", "updated"])


def history_changes(newer, older, excluded=()):
    """[(field's verbose name, old value, new value)] between two history rows."""
    delta = newer.diff_against(older, excluded_fields=list(excluded))
    opts = newer.instance_type._meta
    rows = [
        (opts.get_field(change.field).verbose_name, change.old, change.new)
        for change in delta.changes
    ]
    tags = tags_change(newer, older)
    if tags is not None and "tags" not in excluded:
        rows.append(("tags", *tags))
    return rows


def tags_change(newer, older):
    """(old tags, new tags) between two history rows, or None when the tags did
    not change or either row predates tag history (simple-history skips tags)."""
    old = getattr(older, "tags_snapshot", None)
    new = getattr(newer, "tags_snapshot", None)
    if old is None or new is None or old == new:
        return None
    return old, new


def conflict_message(obj, loaded_revision, current_revision):
    """A refusal that says who changed the record, when, and what they changed."""
    found = changes_since(obj, loaded_revision)
    pending = pending_change(obj)
    head = gettext(
        "Your changes were NOT saved: someone else saved this %(kind)s (“%(record)s”) "
        "after you opened it (you started from revision %(loaded)s; it is now at "
        "revision %(current)s)."
    ) % {
        "kind": obj._meta.verbose_name,
        "record": obj,
        "loaded": loaded_revision,
        "current": current_revision,
    }
    if pending is not None and (
        found is None or pending.edited_at >= found[0].history_date
    ):
        # The newer save is a pending change of a published record: no history
        # row yet; the form shows it once reloaded.
        who = pending.edited_by or gettext("an unknown user")
        when = timezone.localtime(pending.edited_at).strftime("%Y-%m-%d %H:%M")
        return format_html(
            gettext(
                "{head} {who} saved pending changes (not public yet) at {when}. "
                "Reload the page to see them, then apply your edits again."
            ),
            head=head,
            who=who,
            when=when,
        )
    if found is None:
        return format_html(
            gettext(
                "{head} Reload the page to see their version, then apply your edits "
                "again."
            ),
            head=head,
        )
    newest, rows = found
    who = newest.history_user or gettext("an unknown user")
    when = timezone.localtime(newest.history_date).strftime("%Y-%m-%d %H:%M")
    changed = format_html_join(
        "", "<li>{}: “{}” → “{}”</li>", ((n, old, new) for n, old, new in rows)
    )
    return format_html(
        gettext(
            "{head} Last saved by {who} at {when}. Changed since you opened it:"
            "<ul>{changed}</ul>Reload the page to see their version, then apply your "
            "edits again."
        ),
        head=head,
        who=who,
        when=when,
        changed=changed
        or format_html("<li>{}</li>", gettext("status or review fields only")),
    )


def last_editor(obj):
    """Who saved `obj` last: the author of its pending change, or of its newest
    history row; None when unknown."""
    pending = pending_change(obj)
    if pending is not None:
        return pending.edited_by
    history = getattr(obj, "history", None)
    newest = (
        history.order_by("-history_date", "-history_id").first() if history else None
    )
    return newest.history_user if newest is not None else None


def refuse_if_stale(instance, loaded_revision):
    """Refuse a save or delete based on a revision older than the database's.

    The row stays locked until the admin's transaction ends: a concurrent save waits
    here, then sees the new revision."""
    current = revision_current(type(instance), instance.pk, lock=True)
    if current is not None and loaded_revision < current:
        raise ValidationError(
            conflict_message(instance, loaded_revision, current),
            code="revision_conflict",
        )


class ContentAdminForm(forms.ModelForm):
    """Base form for every content model: carries the revision it was loaded at and
    refuses to save over a newer one."""

    loaded_revision = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0
    )
    # What the form showed when opened, signed (practices.merge): the base of a
    # merge when a colleague saved in between. Filled in by the admin.
    loaded_values = forms.CharField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(
        label=gettext_lazy("Reason for this change"),
        required=False,
        max_length=80,
        help_text=gettext_lazy("Optional; kept in the record's history."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        restored = getattr(self.instance, "_history", None)  # simple-history's mark
        if self.instance.pk is not None:
            # The revision read with the values the form shows: a second query
            # could see a save committed in between and let this form overwrite
            # it (the soak, bench/soak.py, caught that). When reverting to an old
            # version the instance carries that version's revision, so then the
            # database's.
            loaded = getattr(self.instance, "revision", None)
            if restored is not None or loaded is None:
                loaded = revision_current(
                    type(self.instance), self.instance.pk, lock=False
                )
            self.fields["loaded_revision"].initial = loaded
        snapshot = getattr(restored, "tags_snapshot", None)
        if "tags" in self.fields and snapshot is not None and not self.is_bound:
            # Restoring a version: offer its tags, not the record's current ones.
            self.initial["tags"] = snapshot
        if "tags" in self.fields:
            self.fields["tags"].widget = TagSuggestWidget(
                attrs=self.fields["tags"].widget.attrs
            )
        if "slug" in self.fields:
            self.fields["slug"].help_text = gettext(
                "The record's address on the site; filled in from the title. "
                "Changing it breaks links people have cited."
            )

    @property
    def changed_data(self):
        # The hidden revision is bookkeeping, not a curator's change: a stale one
        # alone must not make an untouched inline row count as edited.
        return [name for name in super().changed_data if name not in BOOKKEEPING]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        model = self._meta.model
        other = model._default_manager.filter(slug=slug).exclude(pk=self.instance.pk)
        taken = other.first()
        if taken is not None:
            raise ValidationError(
                gettext(
                    "The slug “%(slug)s” is already used by the %(kind)s “%(record)s”. "
                    "Choose a different slug."
                )
                % {"slug": slug, "kind": model._meta.verbose_name, "record": taken},
                code="unique",
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        for name, message in future_year_errors(cleaned).items():
            if name in self.fields:
                self.add_error(name, message)
        self.check_new_tags(cleaned)
        self.check_revision(cleaned.get("loaded_revision"))
        self.check_loaded_values(cleaned)
        return cleaned

    def check_new_tags(self, cleaned):
        """A save that would create a tag asks first: a typo is not a new tag."""
        if "tags" not in self.fields or "tags" not in cleaned:
            return
        getlist = getattr(self.data, "getlist", None)
        confirmed = getlist(CONFIRM_NEW_TAGS) if getlist else []
        new = new_tag_names(cleaned["tags"])
        pending = pending_change(self.instance) if new else None
        if pending is not None:
            # Tags of a pending change were confirmed by whoever saved it: they
            # wait for its publication to exist, and nobody is asked again.
            waiting = {
                name.casefold()
                for value in pending.data.get("tags", [])
                for name in parse_tags(value)
            }
            new = [name for name in new if name.casefold() not in waiting]
        warning = new_tags_warning(new, confirmed)
        if warning is not None:
            self.add_error("tags", warning)

    def check_loaded_values(self, cleaned):
        value = cleaned.get("loaded_values")
        if not value or self.instance.pk is None:
            return
        try:
            snapshot_load(self.instance, value, cleaned.get("loaded_revision"))
        except SnapshotInvalid:
            raise ValidationError(
                gettext(
                    "This form's record of what it showed when opened is not valid "
                    "(it was altered, or comes from another page). Nothing was "
                    "saved: reload the page and make your edit again."
                ),
                code="loaded_values_invalid",
            ) from None

    def check_revision(self, loaded_revision):
        instance = self.instance
        if instance.pk is None or instance._state.adding:
            return
        if loaded_revision is None:
            raise ValidationError(
                gettext(
                    "This form does not say which revision it was loaded at, so "
                    "saving could overwrite someone's edit. Reload the page and try "
                    "again."
                )
            )
        refuse_if_stale(instance, loaded_revision)


class InlineContentForm(ContentAdminForm):
    """A content record edited inline under its parent: revision-checked like the
    full form, but only when the curator changed it (an untouched row is not saved,
    so it cannot overwrite anything)."""

    def check_revision(self, loaded_revision):
        if self.has_changed():
            super().check_revision(loaded_revision)


class RevisionCheckedInlineFormSet(BaseInlineFormSet):
    """Refuses to delete an inline record that someone saved after the page was
    loaded (Django ignores a deleted row's own form errors, so the formset checks)."""

    def clean(self):
        super().clean()
        for form in self.initial_forms:
            instance = form.instance
            if instance.pk is None or not self._should_delete_form(form):
                continue
            loaded = form.cleaned_data.get("loaded_revision")
            if loaded is None:
                raise ValidationError(
                    gettext(
                        "The %(kind)s “%(record)s” to delete does not say which "
                        "revision it was loaded at. Reload the page and try again."
                    )
                    % {"kind": instance._meta.verbose_name, "record": instance}
                )
            refuse_if_stale(instance, loaded)


class BestPracticeAdminForm(ContentAdminForm):
    class Meta:
        model = BestPractice
        fields = "__all__"
        error_messages = {
            "theme": {
                "required": gettext_lazy(
                    "Choose the practice's theme: prevention, protection, "
                    "prosecution or partnership."
                )
            }
        }


FINDING_ERROR_MESSAGES = {
    "source": {
        "required": gettext_lazy(
            "A finding must cite its source: choose the source that reports it "
            "(add the source first if it is new)."
        )
    }
}


class FindingAdminForm(ContentAdminForm):
    class Meta:
        model = Finding
        fields = "__all__"
        error_messages = FINDING_ERROR_MESSAGES


class FindingInlineForm(InlineContentForm):
    class Meta:
        model = Finding
        fields = "__all__"
        error_messages = FINDING_ERROR_MESSAGES


def _kept_forms(formset, field):
    """The inline forms that will be saved with `field` filled in (not deleted)."""
    return [
        form
        for form in formset.forms
        if form.cleaned_data
        and not form.cleaned_data.get("DELETE")
        and form.cleaned_data.get(field) not in (None, "")
    ]


class FindingFigureForm(forms.ModelForm):
    """A figure whose position may be left empty: it then goes last."""

    class Meta:
        model = FindingFigure
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        position = self.fields["position"]
        position.required = False
        if self.instance.pk is None:
            position.initial = None  # a blank new row stays unchanged
        position.help_text = "Order among the figures; left empty, it goes last."


class FindingFigureFormSet(BaseInlineFormSet):
    """A before/after finding needs a number for before and one for after; a figure
    without a position gets the next one."""

    def clean(self):
        super().clean()
        self.positions_fill()
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            for name, message in future_year_errors(
                form.cleaned_data, ["year"]
            ).items():
                form.add_error(name, message)
        if any(self.errors):
            return
        kept = _kept_forms(self, "value")
        if self.instance.kind == Finding.Kind.CHANGE and len(kept) < 2:
            raise ValidationError(
                gettext(
                    "A before/after (change) finding needs at least two figures, one "
                    "for before and one for after; it has %(count)d."
                )
                % {"count": len(kept)}
            )

    def positions_fill(self):
        kept = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
        ]
        given = [form.cleaned_data.get("position") for form in kept]
        following = max([p for p in given if p is not None], default=-1) + 1
        for form in kept:
            if form.cleaned_data.get("position") is None and form.has_changed():
                form.cleaned_data["position"] = form.instance.position = following
                following += 1


class PracticeSourceFormSet(BaseInlineFormSet):
    """A published best practice must say where it comes from."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = _kept_forms(self, "source")
        if self.instance.status == Status.PUBLISHED and not kept:
            raise ValidationError(
                gettext(
                    "A best practice cannot be published without a source: add the "
                    "source it comes from below, or save it as a draft."
                )
            )
