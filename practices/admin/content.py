"""Admin for the content models: what curators list, filter, search and edit."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy

from ..admin_forms import (
    BestPracticeAdminForm,
    FindingAdminForm,
    FindingFigureForm,
    FindingFigureFormSet,
    FindingInlineForm,
    InlineContentForm,
    PracticeSourceFormSet,
    RevisionCheckedInlineFormSet,
)
from ..charts import figure_line
from ..imports.resources import (
    BestPracticeResource,
    FindingResource,
    InitiativeResource,
    OrganizationResource,
    SourceResource,
)
from ..models import (
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
)
from .base import ContentAdmin
from .imports import ImportAdminMixin
from .translations import OriginalsInlineMixin

# --- inlines -----------------------------------------------------------------


class InitiativeSourceInline(admin.TabularInline):
    model = InitiativeSource
    extra = 0
    autocomplete_fields = ["source"]
    verbose_name = "source"
    verbose_name_plural = "sources"


class PracticeSourceInline(admin.TabularInline):
    model = PracticeSource
    formset = PracticeSourceFormSet
    extra = 0
    autocomplete_fields = ["source"]
    verbose_name = "source"
    verbose_name_plural = "sources"


class FindingFigureInline(admin.StackedInline):
    """Stacked, three short rows a figure: eight columns of a table were wider than
    a 1,280 px screen."""

    model = FindingFigure
    form = FindingFigureForm
    formset = FindingFigureFormSet
    extra = 0
    fields = [
        ("label", "position"),
        ("qualifier", "value", "value_max", "unit"),
        ("year", "jurisdiction"),
    ]
    autocomplete_fields = ["jurisdiction"]


class FindingInline(OriginalsInlineMixin, admin.StackedInline):
    """An initiative's findings, editable in place; the full form is one click away."""

    model = Finding
    form = FindingInlineForm
    formset = RevisionCheckedInlineFormSet
    extra = 0
    fields = [
        "loaded_revision",
        ("title", "slug"),
        ("kind", "status"),
        "statement",
        ("jurisdiction", "source", "locator"),
        "figure_list",
    ]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["jurisdiction", "source"]
    # Status moves only through the workflow (review, publishing by an editor).
    readonly_fields = ["status", "figure_list"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("figures")

    @admin.display(description=gettext_lazy("figures"))
    def figure_list(self, obj):
        # Figures belong to the finding (a nested inline would need JavaScript
        # Django does not have): listed here, edited on the finding's own form.
        if obj.pk is None:
            return gettext("Save first; then add the finding's figures from here.")
        url = reverse("admin:practices_finding_change", args=[obj.pk])
        figures = format_html_join(
            "", "<li>{}</li>", ((figure_line(figure),) for figure in obj.figures.all())
        )
        link = (
            gettext("Edit or add the figures of “{record}”")
            if figures
            else gettext("Add the figures of “{record}”")
        )
        return format_html(
            '{}<a href="{}#figures-group">{}</a>',
            format_html('<ul class="figure-list">{}</ul>', figures) if figures else "",
            url,
            format_html(link, record=obj),
        )


class QuotationInline(admin.StackedInline):
    model = Quotation
    form = InlineContentForm
    formset = RevisionCheckedInlineFormSet
    extra = 0
    fields = [
        "loaded_revision",
        "slug",
        "text",
        ("speaker_name", "speaker_description"),
        ("source", "locator", "status"),
    ]
    autocomplete_fields = ["source"]
    readonly_fields = ["status"]
    show_change_link = True


# --- content -----------------------------------------------------------------


@admin.register(Jurisdiction)
class JurisdictionAdmin(ContentAdmin):
    list_display = ["name", "kind", "iso_code", "parent", "status", "last_reviewed"]
    list_filter = ["kind", "status"]
    list_select_related = ["parent"]
    search_fields = ["name", "alternate_names", "iso_code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Organization)
class OrganizationAdmin(ImportAdminMixin, ContentAdmin):
    resource_classes = [OrganizationResource]
    list_display = ["name", "kind", "jurisdiction", "status", "last_reviewed"]
    list_filter = ["kind", "jurisdiction", "status"]
    list_select_related = ["jurisdiction"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["jurisdiction"]


@admin.register(Source)
class SourceAdmin(ImportAdminMixin, ContentAdmin):
    resource_classes = [SourceResource]
    list_display = ["title", "kind", "year", "organization", "status", "last_reviewed"]
    list_filter = ["kind", "status"]
    list_select_related = ["organization"]
    search_fields = ["title", "authors", "publisher", "isbn", "locator"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organization", "reported_in"]


@admin.register(Initiative)
class InitiativeAdmin(ImportAdminMixin, ContentAdmin):
    resource_classes = [InitiativeResource]
    list_display = [
        "title",
        "kind",
        "role",
        "jurisdiction",
        "status",
        "tag_list",
        "last_reviewed",
    ]
    list_filter = ["status", "kind", "role", "jurisdiction", "tags"]
    list_select_related = ["jurisdiction"]
    search_fields = ["title", "summary", "description"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["jurisdiction", "lead_organizations", "part_of"]
    inlines = [InitiativeSourceInline, FindingInline, QuotationInline]


@admin.register(BestPractice)
class BestPracticeAdmin(ImportAdminMixin, ContentAdmin):
    resource_classes = [BestPracticeResource]
    form = BestPracticeAdminForm
    list_display = [
        "title",
        "theme",
        "jurisdiction",
        "position",
        "status",
        "tag_list",
        "last_reviewed",
    ]
    list_filter = ["status", "theme", "jurisdiction", "tags"]
    list_select_related = ["jurisdiction"]
    search_fields = ["title", "recommendation", "discussion"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["jurisdiction", "initiatives"]
    inlines = [PracticeSourceInline]


@admin.register(Finding)
class FindingAdmin(ImportAdminMixin, ContentAdmin):
    resource_classes = [FindingResource]
    form = FindingAdminForm
    list_display = [
        "title",
        "kind",
        "jurisdiction",
        "source",
        "status",
        "last_reviewed",
    ]
    list_filter = ["status", "kind", "jurisdiction"]
    list_select_related = ["jurisdiction", "source"]
    search_fields = ["title", "statement", "claimant"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["jurisdiction", "initiative", "source"]
    inlines = [FindingFigureInline]


@admin.register(Quotation)
class QuotationAdmin(ContentAdmin):
    list_display = ["__str__", "speaker_description", "jurisdiction", "status"]
    list_filter = ["status", "jurisdiction"]
    list_select_related = ["jurisdiction"]
    search_fields = ["text", "speaker_name", "speaker_description", "slug"]
    autocomplete_fields = ["jurisdiction", "initiative", "source"]
