"""What curators work through besides the content: readers' suggestions and the log
of bulk imports. Imported into practices.models, so Django registers them there."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

# Imported at the end of practices.models, when Theme is already defined.
from .models import Theme

# Size limits of the public suggestion form; the model enforces them too.
SUGGESTION_TEXT_MAX = 4000
SUGGESTION_SOURCE_MAX = 1000
SUGGESTION_NAME_MAX = 100


class Suggestion(models.Model):
    """A reader's correction to a published record, or a practice they propose."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction to a record"
        NEW_PRACTICE = "new-practice", "New practice"

    class State(models.TextChoices):
        NEW = "new", "New"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        DUPLICATE = "duplicate", "Duplicate"

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.NEW, db_index=True
    )
    # The record a correction is about. No foreign key to one table: a suggestion
    # may be about any kind of record, and a deleted draft leaves the suggestion.
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    record = GenericForeignKey("content_type", "object_id")
    record_title = models.CharField(
        max_length=300, blank=True, help_text="The record's title when suggested."
    )
    record_url = models.CharField(max_length=500, blank=True)
    text = models.TextField(
        "suggestion",
        max_length=SUGGESTION_TEXT_MAX,
        help_text="What the reader says should change or be added.",
    )
    source = models.TextField(
        max_length=SUGGESTION_SOURCE_MAX,
        help_text="The citation or link the reader gives for it.",
    )
    name = models.CharField(max_length=SUGGESTION_NAME_MAX, blank=True)
    email = models.EmailField(
        "e-mail",
        blank=True,
        help_text="Deleted KB_SUGGESTION_EMAIL_DAYS days after the suggestion "
        "(purge_suggestion_emails).",
    )
    curator_note = models.TextField(blank=True)
    # For a new practice: what the draft created on acceptance needs and the
    # reader's form does not ask (a reader need not know the 4P framework).
    jurisdiction = models.ForeignKey(
        "practices.Jurisdiction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="New practice: where it comes from (needed to accept it).",
    )
    theme = models.CharField(
        max_length=12,
        choices=Theme.choices,
        blank=True,
        help_text="New practice: its theme (needed to accept it).",
    )
    practice = models.ForeignKey(
        "practices.BestPractice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
        help_text="The draft created when this new-practice suggestion was accepted.",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="suggestion_record")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="new-practice", object_id__isnull=True)
                | Q(kind="correction"),
                name="suggestion_new_practice_has_no_record",
            )
        ]

    def __str__(self):
        words = self.text.split()
        start = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
        about = self.record_title or "New practice"
        return f"{about}: {start}"


class ImportRecord(models.Model):
    """One confirmed bulk import: who imported which file into what, with counts."""

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    file_name = models.CharField(max_length=255)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created"]
        verbose_name = "import"

    def __str__(self):
        return f"{self.file_name} ({self.content_type.name})"
