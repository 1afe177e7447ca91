"""Bulk import in the admin: django-import-export's preview-then-confirm pages with
this project's limits, import templates to download, a help page, and the log of
confirmed imports (the dashboard lists the last ones)."""

from pathlib import Path

import tablib
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import get_language, gettext
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm
from import_export.results import RowResult

from ..imports.formats import CSV, FORMATS, XLSX
from ..imports.resources import import_max_rows
from ..markup import render_markdown
from ..models import ImportRecord

DOCS = Path(settings.BASE_DIR) / "docs" / "import.md"
TEMPLATE_FORMATS = {"csv": CSV, "xlsx": XLSX}


def import_max_bytes():
    return getattr(settings, "KB_IMPORT_MAX_BYTES", 5 * 1024 * 1024)


class LimitedImportForm(ImportForm):
    """The upload form, refusing a file over KB_IMPORT_MAX_BYTES before reading it."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = import_max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                gettext(
                    "The file is %(size)s bytes; an import takes at most %(limit)s "
                    "bytes (KB_IMPORT_MAX_BYTES). Split it into several files."
                )
                % {"size": f"{upload.size:,}", "limit": f"{limit:,}"}
            )
        return upload


class ImportAdminMixin(ImportExportMixin):
    """Adds Import and Export to a content admin (set `resource_classes`)."""

    import_form_class = LimitedImportForm
    import_template_name = "admin/practices/import.html"
    formats = FORMATS
    # The rows' errors name the field and the reason; no tracebacks for curators.
    import_error_display = ("message", "row")
    # Each imported record has its own history row; the admin log would double it.
    skip_admin_log = True

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # All or nothing: a row that fails validation rolls the whole file back.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def get_import_context_data(self, **kwargs):
        opts = self.model._meta
        context = super().get_import_context_data(**kwargs)
        context["import_templates"] = [
            (
                fmt.upper(),
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_import_template",
                    args=[fmt],
                ),
            )
            for fmt in TEMPLATE_FORMATS
        ]
        context["import_help_url"] = reverse("admin:practices_importrecord_help")
        context["import_max_rows"] = import_max_rows()
        context["import_max_bytes"] = import_max_bytes()
        return context

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The import was rolled back (one transaction): say why, log nothing.
            reasons = [str(error.error) for error in result.base_errors]
            reasons += [
                gettext("row %(number)s: %(error)s")
                % {"number": number, "error": error.error}
                for number, errors in result.row_errors()
                for error in errors
            ]
            reasons += [
                gettext("row %(number)s: %(error)s")
                % {"number": row.number, "error": row.error}
                for row in result.invalid_rows
            ]
            self.message_user(
                request,
                gettext("Nothing was imported: %(reasons)s")
                % {"reasons": " ".join(str(reason) for reason in reasons[:5])},
                messages.ERROR,
            )
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_import")
            )
        totals = result.totals
        ImportRecord.objects.create(
            user=request.user,
            content_type=ContentType.objects.get_for_model(self.model),
            file_name=(request.POST.get("original_file_name") or "")[:255],
            new=totals[RowResult.IMPORT_TYPE_NEW],
            updated=totals[RowResult.IMPORT_TYPE_UPDATE],
            skipped=totals[RowResult.IMPORT_TYPE_SKIP],
        )
        return super().process_result(result, request)

    def get_urls(self):
        opts = self.model._meta
        template = path(
            "import-template.<str:fmt>",
            self.admin_site.admin_view(self.import_template_view),
            name=f"{opts.app_label}_{opts.model_name}_import_template",
        )
        return [template, *super().get_urls()]

    def import_template_view(self, request, fmt):
        """A file with the columns and one example row, to fill in and import."""
        if not self.has_import_permission(request) or not self.has_add_permission(
            request
        ):
            raise PermissionDenied
        if fmt not in TEMPLATE_FORMATS:
            raise Http404("No such template format.")
        resource = self.get_import_resource_classes(request)[0]()
        headers = resource.get_export_headers()
        dataset = tablib.Dataset(headers=headers)
        dataset.append([resource.example.get(header, "") for header in headers])
        file_format = TEMPLATE_FORMATS[fmt]()
        response = HttpResponse(
            file_format.export_data(dataset),
            content_type=file_format.get_content_type(),
        )
        name = self.model._meta.verbose_name_plural.replace(" ", "-")
        response["Content-Disposition"] = (
            f'attachment; filename="{name}-import-template.{fmt}"'
        )
        return response


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """The log of confirmed imports: read only."""

    list_display = ["created", "file_name", "content_type", "user", "new", "updated"]
    list_filter = ["content_type"]
    list_select_related = ["content_type", "user"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        help_url = path(
            "help/",
            self.admin_site.admin_view(self.help_view),
            name="practices_importrecord_help",
        )
        return [help_url, *super().get_urls()]

    def help_view(self, request):
        """docs/import.md, the one description of the file format, as a page: in
        the admin's language where docs/import.<language>.md translates it."""
        language = (get_language() or "").split("-")[0]
        translated = DOCS.with_name(f"import.{language}.md")
        guide = translated if translated.is_file() else DOCS
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Importing records from a spreadsheet"),
            "opts": self.model._meta,
            "body": render_markdown(guide.read_text(encoding="utf-8")),
        }
        return render(request, "admin/practices/import_help.html", context)
