"""Which fields curators translate (django-modeltranslation), and the revision
history of the translated models.

Translated: what a reader reads in the record's own words — titles, summaries,
descriptions, statements, recommendations, discussion, quotation contexts. Not
translated: quoted words, names, sources' titles and everything bibliographic,
which stay as the source gives them. English is the original: `title_en` holds it,
`title_fr` and `title_es` the translations, and `title` reads the active
language's with English as the fallback (settings.MODELTRANSLATION_*).

Code that sets `title` (a constructor's keyword, an assignment) sets the English
original whatever language the request is in; modeltranslation would set the
active language's. Translations are set by their own names (`title_fr`).

The histories are registered here rather than on the models: django-simple-history
builds a historical model from the fields its model has at that moment, and the
translation fields only exist once modeltranslation has registered them, so that
each version keeps its translations too.
"""

import functools

import simple_history
from django.conf import settings
from django.utils import translation
from modeltranslation.fields import TranslationFieldDescriptor
from modeltranslation.translator import TranslationOptions, register

from .history import SnapshotHistory, TagsAndSnapshotHistory
from .models import (
    BestPractice,
    Finding,
    Initiative,
    Jurisdiction,
    Organization,
    Quotation,
    Source,
)

# model: its translated fields. One place: the admin, the fallback note, search,
# citations and the exports read them from here.
TRANSLATED_FIELDS = {
    BestPractice: ("title", "recommendation", "discussion"),
    Initiative: ("title", "summary", "description"),
    Finding: ("title", "statement"),
    Quotation: ("context",),
    Jurisdiction: ("description",),
    Organization: ("description",),
    Source: ("description",),
}

ORIGINAL = settings.MODELTRANSLATION_DEFAULT_LANGUAGE


class OriginalWritingDescriptor(TranslationFieldDescriptor):
    """Reads the page language's text (else the original); writes the original."""

    def __set__(self, instance, value):
        if getattr(instance, "_mt_init", False):
            # The constructor (every row read from the database) sets no
            # translation column, whatever the language: no override to pay for.
            super().__set__(instance, value)
            return
        with translation.override(ORIGINAL):
            super().__set__(instance, value)


def _constructed_in_original(model):
    """`Model(title=…)` sets the original, as `obj.title = …` does."""
    init = model.__init__

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        if not kwargs:  # rows read from the database: nothing to rewrite
            init(self, *args)
            return
        with translation.override(ORIGINAL):
            init(self, *args, **kwargs)

    model.__init__ = __init__


for _model, _fields in TRANSLATED_FIELDS.items():
    _options = type(f"{_model.__name__}Options", (TranslationOptions,), {})
    _options.fields = _fields
    register(_model)(_options)
    for _name in _fields:
        setattr(_model, _name, OriginalWritingDescriptor(_model._meta.get_field(_name)))
    _constructed_in_original(_model)

simple_history.register(Jurisdiction)
simple_history.register(Organization)
simple_history.register(Source, excluded_fields=["search_vector"])
simple_history.register(Quotation)
simple_history.register(
    Initiative, excluded_fields=["search_vector"], bases=[TagsAndSnapshotHistory]
)
simple_history.register(
    BestPractice, excluded_fields=["search_vector"], bases=[TagsAndSnapshotHistory]
)
simple_history.register(
    Finding, excluded_fields=["search_vector"], bases=[SnapshotHistory]
)
