"""The language a record's text is read in: the page's language where a curator
has translated it, else the English original (practices/translation.py).

Works on live records and on their historical rows (version pages), which both
carry `title_en`, `title_fr`… beside `title`.
"""

from django.conf import settings
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

from .translation import TRANSLATED_FIELDS

ORIGINAL = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
CONTENT_LANGUAGES = settings.MODELTRANSLATION_LANGUAGES
TRANSLATIONS = tuple(code for code in CONTENT_LANGUAGES if code != ORIGINAL)


def content_language(code=None):
    """`code` (default: the active language) as one of the content languages:
    "fr-ca" reads French; anything else reads the original."""
    code = (code or translation.get_language() or ORIGINAL).lower()
    for candidate in (code, code.split("-")[0]):
        if candidate in CONTENT_LANGUAGES:
            return candidate
    return ORIGINAL


def is_translated(obj, name):
    """Whether `name` is a translated field of `obj`'s model (or of the model whose
    history `obj` is a row of)."""
    model = getattr(obj, "instance_type", type(obj))
    return name in TRANSLATED_FIELDS.get(model, ())


def text_and_language(obj, name, language=None):
    """(text, language code) of field `name` of `obj` as read in `language`
    (default: the page's): its translation when there is one, else the original.
    An untranslated field is in the original language."""
    language = content_language(language)
    if not is_translated(obj, name):
        return getattr(obj, name), ORIGINAL
    if language != ORIGINAL:
        text = getattr(obj, build_localized_fieldname(name, language), None)
        if text:
            return text, language
    original = getattr(obj, build_localized_fieldname(name, ORIGINAL), None)
    # A row written without its English column (raw SQL) still has the original.
    return (original if original is not None else getattr(obj, name)), ORIGINAL


def text_in(obj, name, language=None):
    return text_and_language(obj, name, language)[0]


def language_of(obj, name, language=None):
    return text_and_language(obj, name, language)[1]


def shown_in_original(obj, language=None):
    """Whether a reader in `language` sees some of `obj`'s text in English because
    it is not translated yet (empty fields do not count)."""
    language = content_language(language)
    if language == ORIGINAL:
        return False
    model = getattr(obj, "instance_type", type(obj))
    return any(
        text_and_language(obj, name, language)[1] != language
        and text_and_language(obj, name, language)[0]
        for name in TRANSLATED_FIELDS.get(model, ())
    )


def record_language(obj, language=None):
    """The language `obj` is read in, in `language`: that of its first translated
    field (the title, or a place's or source's description). What a citation of
    the page says it cites."""
    model = getattr(obj, "instance_type", type(obj))
    names = TRANSLATED_FIELDS.get(model, ())
    return language_of(obj, names[0], language) if names else ORIGINAL
