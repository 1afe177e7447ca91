"""The editorial workflow in the admin: pending changes of published records, the
review buttons on the change form, confirmations for bulk actions that change what
the public sees, previews and withdrawn versions."""

import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from .. import versions
from ..merge import BOOKKEEPING, USE_THEIRS
from ..models import PendingChange, Status
from ..preview import preview_response
from ..services import records_send_to_review, revision_claim, revision_current
from ..workflow import (
    Action,
    WorkflowRefused,
    can_publish,
    comment_add,
    describe,
    pending_change,
    pending_change_locked,
    pending_on_draft_problem,
    pending_on_draft_refuse,
    record_discard,
    record_link,
    record_request_changes,
    record_submit,
    record_unpublish,
    records_approve,
    review_comments,
    seen_revision,
    self_approval_problems,
    unpublished_dependencies,
    version_withdraw,
)

# Form data that is bookkeeping or a button, not the curator's edit. The reason for
# the change is kept with it: the published version's history row gives it.
NOT_EDITS = (BOOKKEEPING - {"change_reason"}) | {
    "csrfmiddlewaretoken",
    USE_THEIRS,
    "_save",
    "_continue",
    "_addanother",
}
SUBMIT_BUTTON = "_submit_review"

# What a public record appears on: said on every confirmation of a bulk action.
PUBLIC_PLACES = (
    "their public pages, the lists and search, the Atom feeds, the CSV and JSON "
    "exports, the data package, the API and the sitemap"
)


class PendingChangeFilter(admin.SimpleListFilter):
    title = gettext_lazy("pending changes")
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [
            ("yes", gettext("Has pending changes")),
            ("no", gettext("No pending changes")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(has_pending=True)
        if self.value() == "no":
            return queryset.filter(has_pending=False)
        return queryset


class WithdrawForm(forms.Form):
    number = forms.TypedChoiceField(label=gettext_lazy("Version"), coerce=int)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Shown on the version's permanent link instead of its text."
        ),
    )


def _form_data_add(data, forms):
    """Add what `forms` would submit unchanged to the QueryDict `data`."""
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data.setlist(bound.html_name, [str(item) for item in value])
            else:
                data[bound.html_name] = str(value)


def _bulk_noun(model, count):
    opts = model._meta
    return f"{count} {opts.verbose_name if count == 1 else opts.verbose_name_plural}"


class WorkflowAdminMixin:
    """Mixed into ContentAdmin. A published record's edits are kept as a pending
    change (the live row untouched) until an editor publishes them; status moves
    only through the workflow's buttons and actions."""

    # --- who may do what --------------------------------------------------------

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:  # nothing to show yet on an add form
            return ["status"]
        return ["status", "published_at", "revision"]

    # --- lists: which records have pending changes ------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        link = PendingChange.objects.filter(
            content_type__app_label=self.model._meta.app_label,
            content_type__model=self.model._meta.model_name,
            object_id=OuterRef("pk"),
        )
        return queryset.annotate(has_pending=Exists(link))

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        at = shown.index("status") + 1 if "status" in shown else len(shown)
        return [*shown[:at], "pending_changes", *shown[at:]]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), PendingChangeFilter]

    @admin.display(description=gettext_lazy("pending changes"), boolean=True)
    def pending_changes(self, obj):
        return getattr(obj, "has_pending", False)

    # --- saving: a published record's edit becomes a pending change -------------

    @staticmethod
    def _is_live(obj):
        # The database's status, not the form's: a restored old version may carry
        # another one.
        return (
            obj.pk is not None
            and type(obj)
            ._default_manager.filter(pk=obj.pk, status=Status.PUBLISHED)
            .exists()
        )

    def save_model(self, request, obj, form, change):
        if getattr(request, "_kb_applying", False):
            return super().save_model(request, obj, form, change)
        if not change:
            return super().save_model(request, obj, form, change)
        if not self._is_live(obj):
            super().save_model(request, obj, form, change)
            # A draft saved from a form that showed its pending change: the draft
            # now holds the edit, so the pending copy is spent.
            PendingChange.objects.filter(**record_link(obj)).delete()
            return None
        # Claim the next revision (so a colleague's open form is refused as
        # before) but leave the rest of the live row alone.
        revision_claim(obj, form.cleaned_data.get("loaded_revision"))
        data = {
            key: request.POST.getlist(key)
            for key in request.POST
            if key not in NOT_EDITS and key != SUBMIT_BUTTON
        }
        PendingChange.objects.update_or_create(
            **record_link(obj),
            defaults={
                "data": data,
                "edited_by": request.user,
                "edited_at": timezone.now(),
                "submitted_by": None,
                "submitted_at": None,
                "revision": obj.revision,
            },
        )
        request._kb_pending_saved = True
        form.save_m2m = lambda: None  # tags wait with the rest of the change
        return None

    def save_related(self, request, form, formsets, change):
        if getattr(request, "_kb_pending_saved", False):
            return  # inline rows and tags are part of the pending change
        super().save_related(request, form, formsets, change)

    def _submit(self, request, obj, comment="", seen=None):
        self._step(
            request,
            obj,
            lambda: record_submit(obj, request.user, comment, seen),
            gettext(
                "“%(record)s” is submitted for review: an editor will approve it "
                "or request changes."
            )
            % {"record": obj},
        )

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context = {
                **(extra_context or {}),
                "review_comments": review_comments(obj),
            }
        return super().history_view(request, object_id, extra_context)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "_kb_pending_saved", False):
            formsets = []  # not saved yet: they have nothing to report
        return super().construct_change_message(request, form, formsets, add)

    def response_add(self, request, obj, post_url_continue=None):
        if SUBMIT_BUTTON in request.POST:
            self._submit(request, obj)
            return HttpResponseRedirect(self._change_url(obj))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "_kb_applying", False):
            return HttpResponseRedirect(self._change_url(obj))
        if getattr(request, "_kb_pending_saved", False):
            self.message_user(
                request,
                gettext(
                    "Your edit of “%(record)s” is saved as a pending change. The "
                    "public page still shows the published version until an editor "
                    "publishes the change."
                )
                % {"record": obj},
                messages.SUCCESS,
            )
            if SUBMIT_BUTTON in request.POST:
                self._submit(request, obj)
            return HttpResponseRedirect(self._change_url(obj))
        if SUBMIT_BUTTON in request.POST:
            self._submit(request, obj)
            return HttpResponseRedirect(self._change_url(obj))
        return super().response_change(request, obj)

    # --- the change form shows the pending change, and the review panel ---------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET" and object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            # The revision is read (with `obj`) before the pending change: a save
            # between the two reads then makes this form stale, so saving it merges
            # instead of overwriting the newer pending change it never showed. The
            # form shows this same `obj` (get_object), not a second read: a first
            # pending change saved in between leaves the live row's text as it was
            # but claims its next revision, and that revision with the old text
            # would let this form's save replace the change unseen.
            request._kb_object_read = obj
            pending = pending_change(obj) if obj is not None else None
            if pending is not None:
                request._kb_pending_shown = self._pending_data(
                    obj, pending, obj.revision
                )
                # The bound form is validated while the page renders (its
                # revision check locks the row): render inside a transaction.
                with transaction.atomic(using=router.db_for_write(self.model)):
                    response = super().changeform_view(
                        request, object_id, form_url, extra_context
                    )
                    if hasattr(response, "render"):
                        response.render()
                return response
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_object(self, request, object_id, from_field=None):
        read = getattr(request, "_kb_object_read", None)
        if read is not None and from_field is None and str(read.pk) == object_id:
            return read  # the change form's GET: see changeform_view
        return super().get_object(request, object_id, from_field)

    def form_data_now(self, request, obj):
        pending = pending_change(obj)
        if pending is None:
            return super().form_data_now(request, obj)
        return self._pending_data(obj, pending)

    def _pending_data(self, obj, pending, revision=None):
        """The pending change as form data, at `revision`: one read no later than
        the pending change (by default the record's revision now, right only while
        the row is locked)."""
        data = QueryDict(mutable=True)
        for key, values in pending.data.items():
            data.setlist(key, values)
        if revision is None:
            revision = revision_current(type(obj), obj.pk, lock=False)
        data["loaded_revision"] = str(revision)
        return data

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        shown = getattr(request, "_kb_pending_shown", None)
        if shown is None:
            return form_class

        class PendingForm(form_class):
            def __init__(self, *args, **form_kwargs):
                if not args and "data" not in form_kwargs:
                    form_kwargs["data"] = shown
                super().__init__(*args, **form_kwargs)

            def check_revision(self, loaded_revision):
                # Only shown, not saved: a colleague's save since it was read is
                # merged when this form is saved, not reported as it opens.
                return None

        return PendingForm

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        shown = getattr(request, "_kb_pending_shown", None)
        if shown is not None and f"{prefix}-TOTAL_FORMS" in shown:
            kwargs["data"] = shown
        return kwargs

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None:
            context["workflow"] = self._workflow_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _workflow_context(self, request, obj):
        pending = pending_change(obj)
        editor = can_publish(request.user)
        in_review = (
            pending.submitted_at is not None if pending else obj.status == Status.REVIEW
        )
        # Unpublished while it had a pending change: the draft's form shows the
        # change, and saving it folds it into the draft; only then review it.
        on_draft = pending is not None and obj.status != Status.PUBLISHED
        return {
            "pending": pending,
            "pending_on_draft": on_draft,
            "in_review": in_review,
            "is_editor": editor,
            "can_submit": not on_draft
            and ((pending and not in_review) or obj.status == Status.DRAFT),
            "can_approve": not on_draft
            and editor
            and (in_review or obj.status == Status.DRAFT),
            "self_approval": self_approval_problems(obj, request.user),
            "can_discard": pending
            and (editor or pending.edited_by_id == request.user.pk),
            "can_unpublish": editor and obj.status == Status.PUBLISHED,
            "comments": review_comments(obj)[:10],
            "action_url": self._url(obj, "workflow"),
            "preview_url": self._url(obj, "preview"),
            "withdraw_url": self._url(obj, "withdraw"),
            "citable": any(isinstance(obj, k.model) for k in versions.KINDS.values()),
        }

    def view_on_site(self, obj):
        # "View on site" is the public page, which only a published record has
        # (with pending changes it still shows the published version). What is not
        # public yet is one click away in the review panel: its preview link.
        if obj.status != Status.PUBLISHED:
            return None  # Django then offers no link
        return obj.get_absolute_url()

    # --- URLs -------------------------------------------------------------------

    def _url(self, obj, name):
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_{name}", args=[obj.pk]
        )

    def _change_url(self, obj):
        return self._url(obj, "change")

    def get_urls(self):
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/workflow/",
                wrap(self.workflow_view),
                name=f"{prefix}_workflow",
            ),
            path(
                "<path:object_id>/withdraw/",
                wrap(self.withdraw_view),
                name=f"{prefix}_withdraw",
            ),
            # Not wrapped by admin_view: anyone without the right gets a 404 (or
            # 403), not a login page that would confirm the record exists.
            path(
                "<path:object_id>/preview/",
                self.preview_view,
                name=f"{prefix}_preview",
            ),
            *super().get_urls(),
        ]

    def _object_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        return obj

    # --- the review buttons -----------------------------------------------------

    def _step(self, request, obj, step, done=None):
        try:
            step()
        except WorkflowRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return False
        if done:
            self.message_user(request, done, messages.SUCCESS)
        return True

    def workflow_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._object_or_404(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        action = request.POST.get("action", "")
        comment = request.POST.get("comment", "")
        user = request.user
        back = HttpResponseRedirect(self._change_url(obj))
        if action == "submit":
            self._submit(
                request,
                obj,
                comment,
                seen_revision(request.POST.get("pending_revision")),
            )
        elif action == "request_changes":
            self._step(
                request,
                obj,
                lambda: record_request_changes(obj, user, comment),
                gettext(
                    "Changes requested on “%(record)s”; the author sees your comment."
                )
                % {"record": obj},
            )
        elif action == "discard":
            self._step(
                request,
                obj,
                lambda: record_discard(
                    obj, user, seen_revision(request.POST.get("pending_revision"))
                ),
                gettext("The pending changes of “%(record)s” are discarded.")
                % {"record": obj},
            )
        elif action == "unpublish":
            if not can_publish(user):
                raise PermissionDenied
            return self._confirm_or_run(
                request,
                self.model._default_manager.filter(pk=obj.pk),
                "unpublish",
                lambda queryset: self._unpublish_each(request, queryset, comment),
                back,
            )
        elif action == "approve":
            if not can_publish(user):
                raise PermissionDenied
            return self._approve(request, obj, comment) or back
        else:
            return HttpResponseNotAllowed(["POST"])
        return back

    def _approve(self, request, obj, comment):
        pending = pending_change(obj)
        try:
            pending_on_draft_refuse(obj, pending)
        except WorkflowRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return None
        if pending is not None:
            self._pending_apply(
                request,
                obj,
                comment,
                seen_revision(request.POST.get("pending_revision")),
            )
            return None
        dependencies = unpublished_dependencies(obj)
        together = request.POST.get("with_dependencies") == "yes"
        if dependencies and not together:
            return self._confirm_page(
                request,
                self.model._default_manager.filter(pk=obj.pk),
                "approve",
                dependencies,
            )
        published, refused = records_approve([obj], request.user, together, comment)
        self._report_publish(request, published, refused)
        return None

    def _report_publish(self, request, published, refused):
        for problem in refused:
            self.message_user(
                request,
                gettext("Not published: %(problem)s") % {"problem": problem},
                messages.ERROR,
            )
        if published:
            names = ", ".join(f"“{record}”" for record in published)
            self.message_user(
                request,
                gettext("Published %(count)d: %(records)s.")
                % {"count": len(published), "records": names},
                messages.SUCCESS,
            )

    def _pending_apply(self, request, obj, comment, seen=None):
        """Publish a pending change: replay its form data through the change view,
        so it is validated and saved exactly like an edit of a draft (revision
        check, inline rows, tags, history). The record's row stays locked from
        reading the pending change to deleting it, so a curator's newer edit
        waits, then is merged with the published one or shown beside it; it is
        never deleted unpublished."""
        with transaction.atomic():
            try:
                pending = pending_change_locked(obj, seen)
            except WorkflowRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
                return
            problems = self_approval_problems(obj, request.user)
            if pending.submitted_at is None:
                problems.append(
                    gettext("The changes to “%(record)s” are not submitted for review.")
                    % {"record": obj}
                )
            for problem in problems:
                self.message_user(request, problem, messages.ERROR)
            if not problems:
                self._pending_replay(request, obj, pending, comment)

    def _pending_replay(self, request, obj, pending, comment):
        data = self._pending_data(obj, pending)
        for formset_class, inline in self.get_formsets_with_inlines(request, obj):
            prefix = formset_class.get_default_prefix()
            if f"{prefix}-TOTAL_FORMS" not in data:
                # A restored old version carries no inline rows: keep the live ones.
                live = formset_class(
                    instance=obj, prefix=prefix, queryset=inline.get_queryset(request)
                )
                _form_data_add(data, [live.management_form, *live.initial_forms])
        replay = copy.copy(request)
        replay.method = "POST"
        replay.POST = data
        replay._kb_applying = True
        with transaction.atomic():
            response = self.change_view(replay, str(obj.pk))
            if response.status_code != 302:
                transaction.set_rollback(True)
                errors = response.context_data.get("errors") or []
                self.message_user(
                    request,
                    gettext(
                        "The pending changes could not be published: %(errors)s Open "
                        "the record, correct them and submit again."
                    )
                    % {"errors": " ".join(str(error) for error in errors)},
                    messages.ERROR,
                )
                return
            pending.delete()
            comment_add(obj, request.user, Action.APPROVED, comment)
        self.message_user(
            request,
            gettext(
                "The changes to “%(record)s” are published as its next public version."
            )
            % {"record": obj},
            messages.SUCCESS,
        )

    def _unpublish_each(self, request, queryset, comment=""):
        count = 0
        for obj in queryset:
            if obj.status != Status.DRAFT:
                record_unpublish(obj, request.user, comment)
                count += 1
        noun = _bulk_noun(self.model, count)
        self.message_user(
            request,
            ngettext(
                "%(records)s moved back to draft.",
                "%(records)s moved back to draft.",
                count,
            )
            % {"records": noun},
            messages.SUCCESS,
        )

    # --- bulk actions with a confirmation page ----------------------------------

    @admin.action(
        description=gettext_lazy("Publish selected records"), permissions=["publish"]
    )
    def publish(self, request, queryset):
        records = list(queryset.exclude(status=Status.PUBLISHED))
        dependencies = []
        for record in records:
            for dependency in unpublished_dependencies(record):
                if dependency not in dependencies and dependency not in records:
                    dependencies.append(dependency)
        if request.POST.get("post") != "yes":
            return self._confirm_page(request, queryset, "publish", dependencies)
        together = request.POST.get("with_dependencies") == "yes"
        published, refused = records_approve(records, request.user, together)
        self._report_publish(request, published, refused)
        return None

    @admin.action(
        description=gettext_lazy("Unpublish selected records (back to draft)"),
        permissions=["publish"],
    )
    def unpublish(self, request, queryset):
        return self._confirm_or_run(
            request,
            queryset,
            "unpublish",
            lambda selected: self._unpublish_each(request, selected),
        )

    @admin.action(
        description=gettext_lazy("Send selected drafts to review"),
        permissions=["change"],
    )
    def send_to_review(self, request, queryset):
        drafts = []
        for obj in queryset.filter(status=Status.DRAFT):
            problem = pending_on_draft_problem(obj, pending_change(obj))
            if problem:
                self.message_user(
                    request,
                    gettext("Not sent: %(problem)s") % {"problem": problem},
                    messages.ERROR,
                )
            else:
                drafts.append(obj)
        queryset = queryset.filter(pk__in=[obj.pk for obj in drafts])
        changed, _refused = records_send_to_review(queryset, request.user)
        for obj in drafts:
            comment_add(obj, request.user, Action.SUBMITTED)
        noun = _bulk_noun(self.model, len(changed))
        self.message_user(
            request,
            ngettext(
                "%(records)s sent to review.",
                "%(records)s sent to review.",
                len(changed),
            )
            % {"records": noun},
            messages.SUCCESS,
        )

    def _confirm_or_run(self, request, queryset, action, run, done=None):
        if request.POST.get("post") != "yes":
            return self._confirm_page(request, queryset, action)
        run(queryset)
        return done

    def _confirm_page(self, request, queryset, action, dependencies=()):
        records = list(queryset)
        public = [r for r in records if r.status == Status.PUBLISHED]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Are you sure?"),
            "opts": self.model._meta,
            "action": action,
            # (record, its pending change or None): unpublishing keeps a pending
            # change in the record's form, so the editor is told it exists.
            "records": [(record, pending_change(record)) for record in records],
            "count_text": _bulk_noun(self.model, len(records)),
            "public_count_text": _bulk_noun(self.model, len(public)),
            "public_places": PUBLIC_PLACES,
            "dependencies": [describe(d) for d in dependencies],
            "problems": [
                p for d in dependencies for p in self_approval_problems(d, request.user)
            ],
            "comment": request.POST.get("comment", ""),
            "in_form": "_selected_action" not in request.POST,
            "form_url": request.get_full_path(),
        }
        return render(request, "admin/practices/action_confirm.html", context)

    # --- preview and withdrawn versions -----------------------------------------

    def preview_view(self, request, object_id):
        if not (request.user.is_active and request.user.is_staff):
            raise Http404
        obj = self._object_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        pending = pending_change(obj)
        applied = None
        if pending is not None:
            form_class = super().get_form(request, obj, change=True)
            form = form_class(self._pending_data(obj, pending), instance=obj)
            # Validating fills the instance with the pending values; its revision
            # check locks the row, which needs a transaction.
            with transaction.atomic(using=router.db_for_write(self.model)):
                form.is_valid()
            applied = form.instance
        return preview_response(request, obj, applied)

    def withdraw_view(self, request, object_id):
        obj = self._object_or_404(request, object_id)
        if not can_publish(request.user):
            raise PermissionDenied
        try:
            kind = versions.kind_of(obj)
        except LookupError:
            raise Http404(
                gettext("This kind of record has no public versions.")
            ) from None
        listed = [v for v in versions.version_list(obj) if not v.is_current]
        form = WithdrawForm(request.POST or None)
        form.fields["number"].choices = [
            (
                v.number,
                gettext("Version %(number)s (%(date)s)")
                % {
                    "number": v.number,
                    "date": f"{v.row.history_date:%Y-%m-%d %H:%M}",
                },
            )
            for v in listed
        ]
        if request.method == "POST" and form.is_valid():
            version = next(v for v in listed if v.number == form.cleaned_data["number"])
            if self._step(
                request,
                obj,
                lambda: version_withdraw(
                    obj, version, request.user, form.cleaned_data["reason"]
                ),
                gettext("Version %(number)s of “%(record)s” is withdrawn.")
                % {"number": version.number, "record": obj},
            ):
                return HttpResponseRedirect(self._change_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Withdraw a version of “%(record)s”") % {"record": obj},
            "opts": self.model._meta,
            "object": obj,
            "form": form,
            "kind": kind,
            "has_versions": bool(listed),
        }
        return render(request, "admin/practices/withdraw.html", context)
