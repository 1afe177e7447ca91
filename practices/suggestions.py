"""Readers' suggestions: the public form, the per-address rate limit, and what a
curator's decision does (accepting a new practice creates a draft linked to it)."""

import datetime

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _

from kb.middleware import client_ip_address

from .curation_models import (
    SUGGESTION_NAME_MAX,
    SUGGESTION_SOURCE_MAX,
    SUGGESTION_TEXT_MAX,
)
from .models import (
    BestPractice,
    Finding,
    Initiative,
    Jurisdiction,
    Organization,
    Source,
    Status,
    Suggestion,
)

# The public record kinds a reader may suggest a correction to, by URL prefix.
SUGGESTABLE = {
    "practice": ("practices", BestPractice),
    "initiative": ("initiatives", Initiative),
    "jurisdiction": ("jurisdictions", Jurisdiction),
    "finding": ("findings", Finding),
    "source": ("sources", Source),
    "organization": ("organizations", Organization),
}
KIND_OF_MODEL = {model: kind for kind, (_, model) in SUGGESTABLE.items()}
RATE_KEY_PREFIX = "kb:suggest-rate"


class SuggestionForm(forms.Form):
    """What a reader sends. Nothing personal is required; every field is bounded."""

    text = forms.CharField(
        label=_("What should change or be added?"),
        max_length=SUGGESTION_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=format_lazy(
            _("At most {count} characters."), count=f"{SUGGESTION_TEXT_MAX:,}"
        ),
    )
    source = forms.CharField(
        label=_("The source it comes from"),
        max_length=SUGGESTION_SOURCE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required: a citation (author, title, year, page) or a link. "
            "We only add what a published source says."
        ),
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=SUGGESTION_NAME_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "Only if you would like a curator to be able to ask you about "
            "it. We delete it after {days} days."
        ),
    )
    # A field people never see (the template hides it with the `hidden`
    # attribute); form-filling robots do, and fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"), required=False, max_length=200
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = self.fields["email"].help_text.format(
            days=suggestion_email_days()
        )
        self.fields["website"].widget.attrs.update(
            {"autocomplete": "off", "tabindex": "-1"}
        )

    def clean_text(self):
        return self.cleaned_data["text"].strip()

    def clean_source(self):
        source = self.cleaned_data["source"].strip()
        if len(source) < 4:
            raise forms.ValidationError(
                _("Give the source: a citation (author, title, year) or a link.")
            )
        return source

    @property
    def is_robot(self):
        return bool(self.cleaned_data.get("website"))


def suggestions_per_hour():
    return getattr(settings, "KB_SUGGESTIONS_PER_HOUR", 5)


def suggestion_email_days():
    return getattr(settings, "KB_SUGGESTION_EMAIL_DAYS", 90)


def rate_limit_exceeded(request):
    """Count one suggestion from the request's address; True once the address has
    sent KB_SUGGESTIONS_PER_HOUR within the hour (counted in the shared cache)."""
    limit = suggestions_per_hour()
    if limit <= 0:
        return False
    key = f"{RATE_KEY_PREFIX}:{client_ip_address(request)}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > limit


def suggestion_create(form, record=None):
    data = form.cleaned_data
    suggestion = Suggestion(
        kind=Suggestion.Kind.CORRECTION if record else Suggestion.Kind.NEW_PRACTICE,
        text=data["text"],
        source=data["source"],
        name=data["name"].strip(),
        email=data["email"],
    )
    if record is not None:
        suggestion.content_type = ContentType.objects.get_for_model(record)
        suggestion.object_id = record.pk
        suggestion.record_title = str(record)[:300]
        suggestion.record_url = record.get_absolute_url()[:500]
    suggestion.save()
    return suggestion


def _unique_slug(title):
    base = (slugify(title, allow_unicode=True) or "suggested-practice")[:180]
    slug, n = base, 1
    while BestPractice.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def suggestion_practice_draft(suggestion, user):
    """A draft best practice prefilled from a new-practice suggestion."""
    words = suggestion.text.split()
    title = " ".join(words[:10]) + ("…" if len(words) > 10 else "")
    practice = BestPractice(
        title=title[:200],
        slug=_unique_slug(title),
        recommendation=suggestion.text,
        theme=suggestion.theme,
        jurisdiction=suggestion.jurisdiction,
        status=Status.DRAFT,
        discussion=(
            "Suggested by a reader (suggestion "
            f"{suggestion.pk}). The source they gave: {suggestion.source}\n\n"
            "Check it against the source, add the source and rewrite this before "
            "publishing."
        ),
    )
    practice._history_user = user
    practice._change_reason = f"Created from reader suggestion {suggestion.pk}"
    practice.save()
    return practice


def suggestion_decide(suggestion, state, user):
    """Record a curator's decision. Accepting a new-practice suggestion creates its
    draft practice once (the form asks for its jurisdiction and theme first)."""
    with transaction.atomic():
        suggestion.state = state
        suggestion.handled_by = user
        suggestion.handled_at = timezone.now()
        if (
            state == Suggestion.State.ACCEPTED
            and suggestion.kind == Suggestion.Kind.NEW_PRACTICE
            and suggestion.practice_id is None
        ):
            suggestion.practice = suggestion_practice_draft(suggestion, user)
        suggestion.save()
    return suggestion


def suggestion_emails_purge(now=None):
    """Delete the e-mail addresses of suggestions older than the retention period.
    Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=suggestion_email_days())
    return (
        Suggestion.objects.filter(created__lt=cutoff).exclude(email="").update(email="")
    )
