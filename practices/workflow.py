"""The editorial workflow: who may submit, approve and publish, review comments,
pending changes of published records, unpublished dependencies and withdrawn
versions. The admin calls these; nothing here knows about forms or templates."""

import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    BestPractice,
    Finding,
    Initiative,
    Jurisdiction,
    Organization,
    PendingChange,
    Quotation,
    ReviewComment,
    Source,
    Status,
    WithdrawnVersion,
)
from .services import (
    records_publish,
    records_send_to_review,
    records_unpublish,
    revision_claim,
    revision_current,
)

PUBLISH_PERMISSION = "practices.publish_content"
Action = ReviewComment.Action


class WorkflowRefused(Exception):
    """A workflow step that may not be taken now; the message says why."""


def can_publish(user):
    """Editors (and superusers): approve, publish, request changes, withdraw."""
    return user.has_perm(PUBLISH_PERMISSION)


def self_approval_forbidden():
    return getattr(settings, "KB_FORBID_SELF_APPROVAL", True)


def record_link(obj):
    return {
        "content_type": ContentType.objects.get_for_model(obj, for_concrete_model=True),
        "object_id": obj.pk,
    }


def pending_change(obj):
    if obj.pk is None:
        return None
    return PendingChange.objects.filter(**record_link(obj)).first()


def review_comments(obj):
    return ReviewComment.objects.filter(**record_link(obj)).select_related("author")


def comment_add(obj, user, action, text=""):
    return ReviewComment.objects.create(
        **record_link(obj), author=user, action=action, text=text.strip()
    )


def submitter(obj):
    """Who submitted `obj`'s draft for review (the latest submission), or None."""
    latest = review_comments(obj).filter(action=Action.SUBMITTED).first()
    return latest.author if latest else None


def authors(obj):
    """The users whose work approving `obj` would approve: the pending change's
    editor and submitter, or the draft's submitter and last editor."""
    pending = pending_change(obj)
    if pending is not None:
        ids = {pending.edited_by_id, pending.submitted_by_id}
    else:
        who = submitter(obj)
        newest = obj.history.order_by("-history_date", "-history_id").first()
        ids = {who.pk if who else None, newest.history_user_id if newest else None}
    return ids - {None}


def self_approval_problems(obj, user):
    if not self_approval_forbidden() or user.pk not in authors(obj):
        return []
    return [
        _(
            "You cannot approve “%(record)s”: you edited or submitted it yourself, "
            "and another editor must approve it (KB_FORBID_SELF_APPROVAL)."
        )
        % {"record": obj}
    ]


def unpublished_dependencies(obj):
    """The unpublished records a public page of `obj` links to or reads from (its
    jurisdiction, sources, organizations, initiatives…), and theirs in turn; in
    the order they should be published (dependencies first)."""
    found = {}

    def visit(record):
        for related in _related(record):
            key = (type(related), related.pk)
            if related.status == Status.PUBLISHED or key in found:
                continue
            found[key] = None  # mark before recursing: cycles end here
            visit(related)
            found[key] = related

    visit(obj)
    return [record for record in found.values() if record is not None]


def _related(record):
    single = {
        Jurisdiction: ["parent"],
        Organization: ["jurisdiction"],
        Source: ["organization", "reported_in"],
        Initiative: ["jurisdiction", "part_of"],
        BestPractice: ["jurisdiction"],
        Finding: ["jurisdiction", "source", "initiative"],
        Quotation: ["jurisdiction", "source", "initiative"],
    }[type(record)]
    related = [getattr(record, name) for name in single]
    if isinstance(record, Initiative | BestPractice) and record.pk:
        related += list(record.sources.all())
    if isinstance(record, Initiative) and record.pk:
        related += list(record.lead_organizations.all())
    if isinstance(record, BestPractice) and record.pk:
        related += list(record.initiatives.all())
    return [r for r in related if r is not None]


def describe(record):
    return _("%(kind)s “%(record)s” (%(status)s)") % {
        "kind": record._meta.verbose_name,
        "record": record,
        "status": record.get_status_display(),
    }


# --- Steps ------------------------------------------------------------------------


def record_submit(obj, user, text="", seen=None):
    """Submit a draft, or a published record's pending change, for review. `seen`:
    as for pending_change_locked (a colleague's newer change is not submitted in
    the name of someone who never saw it)."""
    pending = pending_change(obj)
    pending_on_draft_refuse(obj, pending)
    with transaction.atomic():
        if pending is not None:
            pending = pending_change_locked(obj, seen)
            if pending.submitted_at is not None:
                raise WorkflowRefused(
                    _("The changes to “%(record)s” are already in review.")
                    % {"record": obj}
                )
            pending.submitted_by = user
            pending.submitted_at = timezone.now()
            pending.save(update_fields=["submitted_by", "submitted_at"])
        elif obj.status == Status.DRAFT:
            records_send_to_review(type(obj).objects.filter(pk=obj.pk), user)
        else:
            raise WorkflowRefused(
                _(
                    "“%(record)s” has nothing to submit: it is %(status)s and has no "
                    "pending changes."
                )
                % {"record": obj, "status": obj.get_status_display()}
            )
        comment_add(obj, user, Action.SUBMITTED, text)


def pending_on_draft_problem(obj, pending):
    """Why a record unpublished while it had a pending change cannot be reviewed
    yet (the change waits in the draft's form until a curator saves it into the
    draft), or None."""
    if pending is not None and obj.status != Status.PUBLISHED:
        return _(
            "“%(record)s” was unpublished while it had pending changes: save its "
            "form to keep them in the draft (or discard them), then submit it "
            "for review."
        ) % {"record": obj}
    return None


def pending_on_draft_refuse(obj, pending):
    problem = pending_on_draft_problem(obj, pending)
    if problem:
        raise WorkflowRefused(problem)


def record_request_changes(obj, user, text):
    """Send a submission back to its author with a comment saying what to change."""
    if not can_publish(user):
        raise WorkflowRefused(_("Only editors can request changes."))
    if not text.strip():
        raise WorkflowRefused(_("Say what should change: the comment is required."))
    pending = pending_change(obj)
    with transaction.atomic():
        if pending is not None:
            pending.submitted_by = None
            pending.submitted_at = None
            pending.save(update_fields=["submitted_by", "submitted_at"])
        elif obj.status == Status.REVIEW:
            records_unpublish(type(obj).objects.filter(pk=obj.pk), user)
        else:
            raise WorkflowRefused(_("“%(record)s” is not in review.") % {"record": obj})
        comment_add(obj, user, Action.CHANGES_REQUESTED, text)


def records_approve(records, user, with_dependencies=False, text=""):
    """Publish `records` (drafts or in review) as approved by `user`, and with them
    their unpublished dependencies when `with_dependencies`; otherwise refuse any
    that has some. Returns (published records, refusal messages). All or nothing:
    nothing is published when anything is refused."""
    if not can_publish(user):
        return [], [_("Only editors can approve and publish.")]
    records = [r for r in records if r.status != Status.PUBLISHED]
    ordered, refused = [], []
    for record in records:
        dependencies = unpublished_dependencies(record)
        if dependencies and not with_dependencies:
            names = "; ".join(describe(d) for d in dependencies)
            refused.append(
                _("“%(record)s” links to unpublished records: %(names)s.")
                % {"record": record, "names": names}
            )
        for item in [*dependencies, record]:
            if item not in ordered:
                ordered.append(item)
    for item in ordered:
        refused += self_approval_problems(item, user)
        # Publishing the draft would leave its pending edits behind, to reattach
        # to the live record unreviewed.
        problem = pending_on_draft_problem(item, pending_change(item))
        if problem:
            refused.append(problem)
    if refused:
        return [], refused
    published = []
    with transaction.atomic():
        for item in ordered:
            changed, problems = records_publish(
                type(item).objects.filter(pk=item.pk), user
            )
            if problems:
                transaction.set_rollback(True)
                return [], problems
            published += changed
            comment_add(item, user, Action.APPROVED, text)
    return published, []


def pending_change_locked(obj, seen_revision=None):
    """`obj`'s pending change, locked with the record's row until the transaction
    ends, so no edit can replace it while it is published or discarded. Refuses
    when `seen_revision` (the revision of the pending change the user was shown) is
    given and a newer edit has replaced it since: acting on it would drop that edit
    unseen. Call inside a transaction."""
    # Lock the record's row first: a concurrent save claims its next revision there
    # (services.revision_claim), so it waits for us, or we for it.
    revision_current(type(obj), obj.pk, lock=True)
    pending = (
        PendingChange.objects.select_for_update().filter(**record_link(obj)).first()
    )
    if pending is None:
        raise WorkflowRefused(
            _("“%(record)s” has no pending changes.") % {"record": obj}
        )
    # A change saved before revisions were kept with it (None) cannot be told apart.
    if seen_revision is not None and pending.revision not in (None, seen_revision):
        raise WorkflowRefused(
            _(
                "Someone saved newer pending changes of “%(record)s” after you "
                "opened it: nothing was done. Review the newer changes, then try "
                "again."
            )
            % {"record": obj}
        )
    return pending


def seen_revision(value):
    """The pending change's revision a review form was showing: None when the
    request does not say (nothing to check), 0 when the form showed no pending
    change or sent something that is no revision (then any pending change is one
    the reviewer has not seen)."""
    if value is None:
        return None
    return int(value) if re.fullmatch(r"[0-9]{1,9}", value) else 0


def record_discard(obj, user, seen=None):
    with transaction.atomic():
        pending = pending_change_locked(obj, seen)
        if not can_publish(user) and pending.edited_by_id != user.pk:
            raise WorkflowRefused(
                _("Only an editor or the author can discard these changes.")
            )
        pending.delete()
        # A colleague's form still showing the discarded change is now stale: its
        # save is merged against the live record (their own edits kept, the
        # discarded ones not brought back unnoticed).
        revision_claim(obj, revision_current(type(obj), obj.pk, lock=False))
        comment_add(obj, user, Action.DISCARDED)


def record_unpublish(obj, user, text=""):
    if not can_publish(user):
        raise WorkflowRefused(_("Only editors can unpublish."))
    with transaction.atomic():
        records_unpublish(type(obj).objects.filter(pk=obj.pk), user)
        comment_add(obj, user, Action.UNPUBLISHED, text)


def version_withdraw(obj, version, user, reason):
    """Withdraw a public version that is not the current one: its permalink then
    says it was withdrawn, when and why."""
    if not can_publish(user):
        raise WorkflowRefused(_("Only editors can withdraw a version."))
    if not reason.strip():
        raise WorkflowRefused(_("Give the reason the version is withdrawn."))
    if version.is_current:
        raise WorkflowRefused(
            _(
                "The current version cannot be withdrawn: publish a corrected "
                "version or unpublish the record."
            )
        )
    with transaction.atomic():
        withdrawn, _created = WithdrawnVersion.objects.update_or_create(
            **record_link(obj),
            history_id=version.row.history_id,
            defaults={"reason": reason.strip(), "withdrawn_by": user},
        )
        comment_add(obj, user, Action.WITHDRAWN, f"Version {version.number}: {reason}")
    return withdrawn


def withdrawal_of(obj, row):
    return WithdrawnVersion.objects.filter(
        **record_link(obj), history_id=row.history_id
    ).first()
