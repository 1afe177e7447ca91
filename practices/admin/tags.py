"""Tag admin with usage counts and merging of duplicates across our through models.

taggit's own TagAdmin counts and merges only its generic TaggedItem, which this
project does not use, so it is replaced.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext, gettext_lazy, ngettext
from taggit.models import Tag

from ..services import tags_merge

if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "practice_count", "initiative_count"]
    ordering = ["name"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_tags"]

    def get_queryset(self, request):
        # Two joins multiply rows, so each count must be distinct.
        return (
            super()
            .get_queryset(request)
            .annotate(
                practice_count=Count("practices_taggedpractice_items", distinct=True),
                initiative_count=Count(
                    "practices_taggedinitiative_items", distinct=True
                ),
            )
        )

    # --- deletion: unused tags only (merge a used tag into another instead) ----

    @staticmethod
    def _uses(tag):
        practices = tag.practices_taggedpractice_items.count()
        initiatives = tag.practices_taggedinitiative_items.count()
        return practices, initiatives

    def has_delete_permission(self, request, obj=None):
        if obj is not None and any(self._uses(obj)):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        blocking = []
        for tag in objs:
            practices, initiatives = self._uses(tag)
            if practices or initiatives:
                blocking.append(
                    gettext(
                        "tag “%(tag)s”, used by %(practices)s and %(initiatives)s "
                        "(only unused tags can be deleted; merge it into another tag "
                        "instead)"
                    )
                    % {
                        "tag": tag,
                        "practices": ngettext(
                            "%(count)d best practice",
                            "%(count)d best practices",
                            practices,
                        )
                        % {"count": practices},
                        "initiatives": ngettext(
                            "%(count)d initiative", "%(count)d initiatives", initiatives
                        )
                        % {"count": initiatives},
                    }
                )
        if blocking:
            # Shown by Django's "delete selected" page, which then refuses.
            perms_needed = {*perms_needed, *blocking}
        return deleted, model_count, perms_needed, protected

    @admin.display(
        description=gettext_lazy("best practices"), ordering="practice_count"
    )
    def practice_count(self, obj):
        return obj.practice_count

    @admin.display(description=gettext_lazy("initiatives"), ordering="initiative_count")
    def initiative_count(self, obj):
        return obj.initiative_count

    @admin.action(
        description=gettext_lazy("Merge selected tags"), permissions=["change"]
    )
    def merge_tags(self, request, queryset):
        tags = list(queryset.order_by("name"))
        if len(tags) < 2:
            self.message_user(
                request, gettext("Select at least two tags to merge."), messages.WARNING
            )
            return None
        if request.POST.get("apply"):
            target = next(
                (tag for tag in tags if str(tag.pk) == request.POST.get("target")),
                None,
            )
            if target is None:
                self.message_user(
                    request, gettext("Choose the tag to keep."), messages.ERROR
                )
                return None
            moved = tags_merge(tags, target)
            merged = ", ".join(f"“{tag}”" for tag in tags if tag.pk != target.pk)
            self.message_user(
                request,
                gettext(
                    "Merged %(merged)s into “%(target)s” (%(moved)s tagged records "
                    "moved)."
                )
                % {"merged": merged, "target": target, "moved": moved},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Merge tags"),
            "opts": self.model._meta,
            "tags": tags,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/taggit/tag/merge_tags.html", context)
