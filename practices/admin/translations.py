"""Curators translate in the admin: each translated field's French and Spanish
right after the English original, and a list filter for what is not yet
translated (practices/translation.py says which fields)."""

from django.contrib import admin
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import get_language_info, gettext_lazy
from modeltranslation.fields import TranslationField
from modeltranslation.utils import build_localized_fieldname

from ..languages import ORIGINAL as ORIGINAL_LANGUAGE
from ..languages import TRANSLATIONS as TRANSLATION_LANGUAGES
from ..translation import TRANSLATED_FIELDS


def language_name(code):
    return get_language_info(code)["name_translated"]


def originals_form(form_class, model):
    """`form_class` whose original fields (`title`) always show the English
    original, whatever language the admin is shown in: the field would read the
    active language's (`title_fr`). Saving writes the original already
    (practices/translation.py)."""
    names = TRANSLATED_FIELDS.get(model, ())

    class OriginalsForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.pk is None:
                return
            given = kwargs.get("initial") or {}
            for name in names:
                if name in self.fields and name not in given:
                    english = build_localized_fieldname(name, ORIGINAL_LANGUAGE)
                    self.initial[name] = getattr(self.instance, english)

    OriginalsForm.__name__ = form_class.__name__
    return OriginalsForm


class TranslationsAdminMixin:
    """The form keeps the original under its own name (`title`: pending changes,
    merges and every existing link post it so), hides modeltranslation's copy of
    it (`title_en`, kept equal to it by the model's save) and shows each
    translation under its original. No JavaScript: plain fields, so the strict
    Content-Security-Policy holds."""

    def translated_fields(self):
        return TRANSLATED_FIELDS.get(self.model, ())

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        return originals_form(form_class, self.model)

    def get_exclude(self, request, obj=None):
        english = [
            build_localized_fieldname(name, ORIGINAL_LANGUAGE)
            for name in self.translated_fields()
        ]
        return [*(super().get_exclude(request, obj) or ()), *english]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        for name in self.translated_fields():
            translations = [
                build_localized_fieldname(name, code) for code in TRANSLATION_LANGUAGES
            ]
            if name not in fields or not set(translations) <= set(fields):
                continue
            for translation_name in translations:
                fields.remove(translation_name)
            at = fields.index(name) + 1
            fields[at:at] = translations
        return fields

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, TranslationField) and formfield is not None:
            original = capfirst(db_field.translated_field.verbose_name)
            formfield.label = f"{original} ({language_name(db_field.language)})"
            formfield.help_text = gettext_lazy(
                "Leave empty until translated: the page then shows the English, "
                "saying so."
            )
        return formfield


def missing_translation_q(model, code):
    """Records with an original text whose translation into `code` is empty."""
    missing = Q()
    for name in TRANSLATED_FIELDS[model]:
        english = build_localized_fieldname(name, ORIGINAL_LANGUAGE)
        translated = build_localized_fieldname(name, code)
        missing |= Q(**{f"{english}__gt": ""}) & (
            Q(**{f"{translated}__isnull": True}) | Q(**{translated: ""})
        )
    return missing


class OriginalsInlineMixin:
    """An inline editing translated fields: they show and save the English
    original (translations are edited on the record's own form)."""

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("form", originals_form(self.form, self.model))
        return super().get_formset(request, obj, **kwargs)


class MissingTranslationFilter(admin.SimpleListFilter):
    """ "Missing French" / "Missing Spanish": a text with no translation yet."""

    title = gettext_lazy("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        missing = gettext_lazy("Missing %(language)s")
        return [
            (code, missing % {"language": language_name(code)})
            for code in TRANSLATION_LANGUAGES
        ]

    def queryset(self, request, queryset):
        if self.value() in TRANSLATION_LANGUAGES:
            return queryset.filter(missing_translation_q(queryset.model, self.value()))
        return queryset
