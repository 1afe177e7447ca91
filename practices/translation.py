"""Which fields curators translate (django-modeltranslation), and the revision
history of the translated models.

Translated: what a reader reads in the record's own words — titles, summaries,
descriptions, statements, recommendations, discussion, quotation contexts. Not
translated: quoted words, names, sources' titles and everything bibliographic,
which stay as the source gives them. English is the original: `title_en` holds it,
`title_fr` and `title_es` the translations, and `title` reads the active
language's with English as the fallback (settings.MODELTRANSLATION_*).

The histories are registered here rather than on the models: django-simple-history
builds a historical model from the fields its model has at that moment, and the
translation fields only exist once modeltranslation has registered them, so that
each version keeps its translations too.
"""

import simple_history
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

for _model, _fields in TRANSLATED_FIELDS.items():
    _options = type(f"{_model.__name__}Options", (TranslationOptions,), {})
    _options.fields = _fields
    register(_model)(_options)

simple_history.register(Jurisdiction)
simple_history.register(Organization)
simple_history.register(Source)
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
