"""The base admin for every content model: editorial actions, revision-checked saves,
drafts-only deletion, and a history page that compares two versions."""

import copy

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin

from ..admin_forms import (
    ContentAdminForm,
    conflict_message,
    history_changes,
    last_editor,
    tags_change,
)
from ..history import history_snapshot_refresh
from ..markup import markup_removed
from ..merge import (
    USE_THEIRS,
    SnapshotInvalid,
    form_data,
    formset_data,
    merge,
    snapshot_load,
    snapshot_sign,
)
from ..models import Status
from ..services import (
    RevisionConflict,
    record_history_tags_update,
    record_save_checked,
    records_mark_reviewed,
    revision_current,
)
from .filters import ReviewDueFilter
from .translations import MissingTranslationFilter, TranslationsAdminMixin
from .workflow import WorkflowAdminMixin

# Long texts written in Markdown (rendered through practices.markup).
MARKDOWN_FIELDS = {"description", "discussion"}
# simple-history's history_change_reason column holds this many characters.
REASON_LENGTH = 100


def change_reason(request, model, form):
    """What the history row of this save says: "Restored revision N of <date>" for
    a restore, "Published changes" for a pending change being published, and the
    curator's optional reason."""
    parts = []
    restoring = getattr(request, "_kb_restoring", None)
    if restoring is not None:
        row = model.history.filter(history_id=restoring).first()
        if row is not None:
            parts.append(
                f"Restored revision {row.revision} of "
                f"{timezone.localtime(row.history_date):%Y-%m-%d %H:%M}"
            )
    if getattr(request, "_kb_applying", False):
        parts.append("Published changes")
    given = " ".join(form.cleaned_data.get("change_reason", "").split())
    if given:
        parts.append(given)
    return ": ".join(parts)[:REASON_LENGTH]


def keep_publication_state(obj, form):
    """Restoring a version restores what it said, not whether it was public: the
    fields the form does not offer (a curator's status, anyone's publication date)
    stay as they are now, so an old published version of a draft is not published
    again without an editor."""
    kept = [name for name in ("status", "published_at") if name not in form.fields]
    now = type(obj)._default_manager.filter(pk=obj.pk).values(*kept).first()
    for name, value in (now or {}).items():
        setattr(obj, name, value)


def _report_reviewed(modeladmin, request, changed, refused):
    count = len(changed)
    noun = (
        modeladmin.model._meta.verbose_name
        if count == 1
        else modeladmin.model._meta.verbose_name_plural
    )
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d %(records)s marked reviewed today.",
            "%(count)d %(records)s marked reviewed today.",
            count,
        )
        % {"count": count, "records": noun},
        messages.SUCCESS,
    )
    for problem in refused:
        modeladmin.message_user(
            request,
            gettext("Not published: %(problem)s") % {"problem": problem},
            messages.ERROR,
        )


class RecordAdmin(SimpleHistoryAdmin):
    """What every content admin does apart from the editorial workflow."""

    form = ContentAdminForm
    actions = ["publish", "unpublish", "send_to_review", "mark_reviewed"]
    readonly_fields = ["published_at", "revision"]
    list_per_page = 50
    object_history_list_template = "admin/practices/history_list.html"
    history_list_per_page = 50
    # Curators paste addresses without a scheme; assume https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    # --- lists -----------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if "tag_list" in self.list_display:
            queryset = queryset.prefetch_related("tags")  # no query per row
        return queryset

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), ReviewDueFilter]

    @admin.display(description=gettext_lazy("tags"))
    def tag_list(self, obj):
        # Prefetched by get_queryset for every admin that lists tags.
        return ", ".join(sorted(tag.name for tag in obj.tags.all()))

    # --- editorial actions -----------------------------------------------------

    @admin.action(
        description=gettext_lazy("Mark selected records reviewed today"),
        permissions=["change"],
    )
    def mark_reviewed(self, request, queryset):
        changed, refused = records_mark_reviewed(queryset, request.user)
        _report_reviewed(self, request, changed, refused)

    # --- saving: no lost edits -------------------------------------------------

    def save_form(self, request, form, change):
        for name in MARKDOWN_FIELDS & form.cleaned_data.keys():
            removed = markup_removed(form.cleaned_data[name])
            if removed:
                label = form.fields[name].label or name
                self.message_user(
                    request,
                    gettext(
                        "%(field)s: the public page will not show %(removed)s "
                        "(removed when the Markdown is made safe). Edit the text if "
                        "something else was meant."
                    )
                    % {"field": label, "removed": ", ".join(removed)},
                    messages.WARNING,
                )
        return super().save_form(request, form, change)

    def save_model(self, request, obj, form, change):
        reason = change_reason(request, self.model, form)
        if reason:
            obj._change_reason = reason
        if change and getattr(request, "_kb_restoring", None) is not None:
            keep_publication_state(obj, form)
        loaded = form.cleaned_data.get("loaded_revision") if change else None
        record_save_checked(obj, loaded, request.user)
        save_m2m = form.save_m2m

        def save_m2m_then_history_tags():
            # Tags are saved here, after the history row of the record's save:
            # record them in that row. Both the change form and "restore this
            # version" call form.save_m2m().
            save_m2m()
            record_history_tags_update(obj)

        form.save_m2m = save_m2m_then_history_tags

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Tags, sources and figures are saved after the record: the history row of
        # this save records them now, so its version shows the record whole.
        history_snapshot_refresh(form.instance)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for inline_form in formset.saved_forms:
            obj = inline_form.instance
            if hasattr(obj, "revision"):
                # An edit made inline is a new revision, claimed like the full
                # form's: a save that raced past the form's check is refused here
                # and the whole change (parent included) rolls back.
                loaded = inline_form.cleaned_data.get("loaded_revision")
                record_save_checked(obj, loaded, request.user)
            else:
                obj._history_user = request.user
                obj.save()
        formset.save_m2m()

    def _conflict_response(self, request, conflict):
        # Only reached when two saves raced past the form's check (SQLite has no
        # row locks); the conditional UPDATE stopped the second one.
        self.message_user(
            request,
            conflict_message(
                conflict.obj, conflict.loaded_revision, conflict.current_revision
            ),
            messages.ERROR,
        )
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            if (
                request.method == "POST"
                and object_id is not None
                and not getattr(request, "_kb_applying", False)
            ):
                # One transaction: the row locked while the merge reads the
                # colleague's version stays locked until the merged save commits.
                with transaction.atomic(using=router.db_for_write(self.model)):
                    return self._changeform_merging(
                        request, object_id, form_url, extra_context
                    )
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RevisionConflict as conflict:
            return self._conflict_response(request, conflict)

    # --- merging concurrent edits (practices.merge) ------------------------------

    def _changeform_merging(self, request, object_id, form_url, extra_context):
        """Save a change form, merging a colleague's save made since it was opened:
        what only they changed is taken from theirs, what only the curator changed
        is kept, and a field both changed differently re-shows the form with both
        values (nothing saved until the curator chooses)."""
        obj = self.get_object(request, unquote(object_id))
        posted = request.POST
        if obj is None or not posted.get("loaded_values"):
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            base = snapshot_load(
                obj, posted["loaded_values"], posted.get("loaded_revision")
            )
        except SnapshotInvalid:  # the form says so
            return super().changeform_view(request, object_id, form_url, extra_context)
        form_class = self.get_form(request, obj, change=True)
        fields = form_class(instance=obj).fields
        yours = posted.copy()
        for name in yours.getlist(USE_THEIRS):
            # "Use their version" of a field both changed: the base of the form
            # re-shown with both values is their version.
            if name in fields:
                yours.setlist(name, base.getlist(name))
                if name not in base:
                    yours.pop(name)  # an unticked checkbox is absent
        yours.pop(USE_THEIRS, None)
        current = revision_current(self.model, obj.pk, lock=True)
        loaded = int(posted["loaded_revision"])  # snapshot_load matched it
        if current is None or loaded >= current:
            return self._changeform_posting(
                request, yours, object_id, form_url, extra_context
            )
        # Read their version after taking the lock: `obj` was read before it, and
        # may predate a save that committed while this request waited.
        obj = self.get_object(request, unquote(object_id))
        theirs = self.form_data_now(request, obj)
        prefixes = {
            formset_class.get_default_prefix(): inline.verbose_name_plural
            for formset_class, inline in self.get_formsets_with_inlines(request, obj)
        }
        result = merge(fields, prefixes, base, theirs, yours)
        editor = last_editor(obj)
        if editor is not None and editor == request.user:
            # The same curator, saving from two tabs: not "cur also changed…".
            who = gettext("your other tab or window")
        else:
            who = editor or gettext("a colleague")
        # At the start of a sentence: a phrase is capitalised, a name left as it is.
        who_first = who if editor is not None and who == editor else capfirst(who)
        if result.rows_conflict:
            # Inline rows are not merged field by field: refuse as before (the
            # curator's input stays in the form) and say why.
            self.message_user(
                request,
                gettext(
                    "Both you and %(who)s changed the %(rows)s rows below: rows "
                    "cannot be merged. Your input is kept in the form; reload the "
                    "page in another tab to see their version."
                )
                % {
                    "who": who,
                    # Translators: joins the names of two or more inline tables.
                    "rows": gettext(" and ").join(
                        str(rows) for rows in result.rows_conflict
                    ),
                },
                messages.WARNING,
            )
            return super().changeform_view(request, object_id, form_url, extra_context)
        merged = result.data
        merged["loaded_revision"] = str(current)
        merged["loaded_values"] = snapshot_sign(obj, current, theirs)
        if result.conflicts:
            request._kb_merge_conflicts = {
                name: (who_first, value) for name, value in result.conflicts.items()
            }
            labels = [str(fields[name].label or name) for name in result.conflicts]
            self.message_user(
                request,
                gettext(
                    "Your changes were NOT saved yet: %(who)s also changed "
                    "%(fields)s after you opened this page. Each such field below "
                    "shows their version next to yours: keep yours or tick “Use "
                    "their version”, then save again."
                )
                % {"who": who, "fields": ", ".join(labels)}
                + (
                    gettext(" Already merged from their edit: %(fields)s.")
                    % {"fields": ", ".join(str(name) for name in result.taken)}
                    if result.taken
                    else ""
                ),
                messages.WARNING,
            )
        response = self._changeform_posting(
            request, merged, object_id, form_url, extra_context
        )
        if response.status_code == 302 and result.taken:
            self.message_user(
                request,
                gettext(
                    "%(who)s saved this %(record)s after you opened it; your edit was "
                    "merged with theirs, keeping their changes to %(fields)s."
                )
                % {
                    "who": who_first,
                    "record": self.model._meta.verbose_name,
                    "fields": ", ".join(str(name) for name in result.taken),
                },
                messages.INFO,
            )
        return response

    def _changeform_posting(self, request, data, object_id, form_url, extra_context):
        posting = copy.copy(request)
        posting.POST = data
        return super().changeform_view(posting, object_id, form_url, extra_context)

    def form_data_now(self, request, obj):
        """The form data the change form of `obj` would show if opened now."""
        form = self.get_form(request, obj, change=True)(instance=obj)
        data = form_data(form)
        for formset_class, inline in self.get_formsets_with_inlines(request, obj):
            formset = formset_class(
                instance=obj,
                prefix=formset_class.get_default_prefix(),
                queryset=inline.get_queryset(request),
            )
            formset_data(formset, data)
        return data

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        conflicts = getattr(request, "_kb_merge_conflicts", None)
        if not conflicts:
            return form_class

        class MergeConflictForm(form_class):
            def clean(self):
                cleaned = super().clean()
                for name, (who, value) in conflicts.items():
                    self.add_error(
                        name,
                        format_html(
                            gettext(
                                "{who} changed this too. Their version: "
                                '<q class="their-version">{value}</q> (yours is in '
                                "the field). "
                                '<label><input type="checkbox" name="{field}" '
                                'value="{name}"> Use their version</label>, or keep '
                                "yours, then save again."
                            ),
                            who=who,
                            value=value,
                            field=USE_THEIRS,
                            name=name,
                        ),
                    )
                return cleaned

        return MergeConflictForm

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        form = context["adminform"].form
        if change and request.method == "GET" and "loaded_values" in form.fields:
            # Sign what the form shows as it is opened: the base of a merge.
            data = form_data(form)
            for inline in context.get("inline_admin_formsets", []):
                formset_data(inline.formset, data)
            signed = snapshot_sign(obj, form["loaded_revision"].value(), data)
            if form.is_bound:  # showing a pending change
                form.data = form.data.copy()
                form.data["loaded_values"] = signed
            else:
                form.initial["loaded_values"] = signed
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Restoring a version saves through the same checked path; run it in one
        # transaction so the revision lock holds until the save commits.
        if str(version_id).isdigit():
            request._kb_restoring = int(version_id)  # named in the history row
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().history_form_view(
                    request, object_id, version_id, extra_context
                )
        except RevisionConflict as conflict:
            return self._conflict_response(request, conflict)

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        super().set_history_delta_changes(request, historical_records, **kwargs)
        records = list(historical_records)  # newest first
        for newer, older in zip(records, records[1:], strict=False):
            tags = tags_change(newer, older)
            if tags is not None:
                old, new = tags
                newer.history_delta_changes = [
                    *getattr(newer, "history_delta_changes", []),
                    {"field": "tags", "old": old, "new": new},
                ]

    # --- deletion: drafts only -------------------------------------------------

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        blocking = [obj for obj in objs if obj.status != Status.DRAFT]
        if blocking:
            # Shown by Django's "delete selected" page, which then refuses to
            # delete: name each record that blocks it, not just a permission.
            perms_needed = {
                *perms_needed,
                *(
                    gettext(
                        "%(kind)s “%(record)s”, which is %(status)s (only drafts "
                        "can be deleted; unpublish first)"
                    )
                    % {
                        "kind": self.model._meta.verbose_name,
                        "record": obj,
                        "status": obj.get_status_display().lower(),
                    }
                    for obj in blocking
                ),
            }
        return deleted, model_count, perms_needed, protected

    # --- history: compare two versions -----------------------------------------

    def get_urls(self):
        opts = self.model._meta
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.history_compare_view),
            name=f"{opts.app_label}_{opts.model_name}_history_compare",
        )
        # Before the history URLs, whose pattern would take "compare" as a version.
        return [compare, *super().get_urls()]

    def history_compare_view(self, request, object_id):
        object_id = unquote(object_id)
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        chosen = {request.GET.get("from", ""), request.GET.get("to", "")}
        chosen = [value for value in chosen if value.isdigit()]
        records = obj.history.filter(history_id__in=chosen)
        records = list(records.order_by("history_date", "history_id"))
        if len(records) != 2:
            self.message_user(
                request,
                gettext("Choose two different versions to compare."),
                messages.WARNING,
            )
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_history",
                    args=[obj.pk],
                )
            )
        older, newer = records
        rows = history_changes(newer, older, excluded=["updated"])
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Compare versions: %(record)s") % {"record": obj},
            "opts": self.model._meta,
            "object": obj,
            "older": older,
            "newer": newer,
            "rows": rows,
            "now": timezone.now(),
        }
        return render(request, "admin/practices/history_compare.html", context)


class ContentAdmin(TranslationsAdminMixin, WorkflowAdminMixin, RecordAdmin):
    """The admin of every content model: its translations beside the originals, the
    workflow first (a published record's edit becomes a pending change), then the
    revision-checked save."""

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), MissingTranslationFilter]
