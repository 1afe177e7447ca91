"""Readers' suggestions in the admin: the queue, and a curator's decision on each."""

from django import forms
from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, ngettext

from ..models import Suggestion
from ..suggestions import suggestion_decide

# What the reader sent is shown, never edited: the curator's part is the decision.
READER_FIELDS = [
    "kind",
    "created",
    "record_link",
    "text",
    "source",
    "name",
    "email",
]


class SuggestionAdminForm(forms.ModelForm):
    class Meta:
        model = Suggestion
        fields = ["state", "curator_note", "jurisdiction", "theme"]

    def clean(self):
        cleaned = super().clean()
        accepting = (
            cleaned.get("state") == Suggestion.State.ACCEPTED
            and self.instance.kind == Suggestion.Kind.NEW_PRACTICE
            and self.instance.practice_id is None
        )
        if accepting:
            missing = [
                name for name in ("jurisdiction", "theme") if not cleaned.get(name)
            ]
            for name in missing:
                self.add_error(
                    name,
                    gettext(
                        "Choose one: accepting a suggested practice creates a draft "
                        "practice, which needs a jurisdiction and a theme."
                    ),
                )
        return cleaned


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    form = SuggestionAdminForm
    list_display = ["created", "kind", "about", "summary", "state"]
    list_filter = ["state", "kind"]
    search_fields = ["text", "source", "record_title", "curator_note"]
    readonly_fields = [*READER_FIELDS, "practice_link", "handled_by", "handled_at"]
    autocomplete_fields = ["jurisdiction"]
    actions = ["mark_declined", "mark_duplicate"]
    fieldsets = [
        (gettext_lazy("What the reader sent"), {"fields": READER_FIELDS}),
        (
            gettext_lazy("Decision"),
            {
                "fields": [
                    "state",
                    "curator_note",
                    "jurisdiction",
                    "theme",
                    "practice_link",
                    "handled_by",
                    "handled_at",
                ],
                "description": gettext_lazy(
                    "Accepting a suggested practice creates a draft best practice "
                    "from it (choose its jurisdiction and theme first). Accepting a "
                    "correction records the decision: make the change in the record "
                    "itself."
                ),
            },
        ),
    ]

    def has_add_permission(self, request):
        return False  # suggestions come from readers

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # a reader's note is not thrown away

    @admin.display(description=gettext_lazy("about"))
    def about(self, obj):
        return obj.record_title or gettext("New practice")

    @admin.display(description=gettext_lazy("suggestion"))
    def summary(self, obj):
        return obj.text[:80] + ("…" if len(obj.text) > 80 else "")

    @admin.display(description=gettext_lazy("record"))
    def record_link(self, obj):
        if obj.content_type_id is None:
            return "None (a new practice)"
        model = obj.content_type.model_class()
        try:
            edit = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                args=[obj.object_id],
            )
        except NoReverseMatch:
            edit = ""
        return format_html(
            '<a href="{}">Edit “{}” in the admin</a> · <a href="{}">public page</a>',
            edit,
            obj.record_title,
            obj.record_url,
        )

    @admin.display(description=gettext_lazy("draft practice"))
    def practice_link(self, obj):
        if obj.practice_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:practices_bestpractice_change", args=[obj.practice_id]),
            obj.practice,
        )

    def save_model(self, request, obj, form, change):
        if "state" in form.changed_data and obj.state != Suggestion.State.NEW:
            suggestion_decide(obj, obj.state, request.user)
            if obj.practice_id and obj.state == Suggestion.State.ACCEPTED:
                self.message_user(
                    request,
                    format_html(
                        gettext('Draft practice created: <a href="{}">{}</a>.'),
                        reverse(
                            "admin:practices_bestpractice_change",
                            args=[obj.practice_id],
                        ),
                        obj.practice,
                    ),
                    messages.SUCCESS,
                )
        else:
            super().save_model(request, obj, form, change)

    def _decide(self, request, queryset, state):
        for suggestion in queryset:
            suggestion_decide(suggestion, state, request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(count)d suggestions marked %(state)s.",
                "%(count)d suggestions marked %(state)s.",
                count,
            )
            % {"count": count, "state": state},
        )

    @admin.action(description=gettext_lazy("Mark selected suggestions declined"))
    def mark_declined(self, request, queryset):
        self._decide(request, queryset, Suggestion.State.DECLINED)

    @admin.action(description=gettext_lazy("Mark selected suggestions duplicate"))
    def mark_duplicate(self, request, queryset):
        self._decide(request, queryset, Suggestion.State.DUPLICATE)
