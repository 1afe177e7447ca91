"""The tags field of the admin forms: suggests existing tags as the curator types
and asks before a save creates a new tag, so a typo does not become a tag."""

import difflib

from django.forms import Script
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from taggit.forms import TagWidget
from taggit.models import Tag

# The checkbox of the new-tag warning; its value names the new tags it confirms.
CONFIRM_NEW_TAGS = "confirm_new_tags"


class TagSuggestWidget(TagWidget):
    """taggit's comma-separated text input with a <datalist> of the existing tags:
    browsers suggest them without JavaScript (for the first tag); the static
    script tag-suggest.js extends the suggestions to the tag being typed."""

    class Media:
        # Deferred: the admin puts form media in the <head>, before the input exists.
        js = [Script("js/tag-suggest.js", defer=True)]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}-suggestions"
        attrs.update({"list": list_id, "autocomplete": "off", "data-tag-suggest": ""})
        # As wide as the admin's text areas: the tags chosen so far stay in view.
        attrs["class"] = f"{attrs.get('class', '')} vLargeTextField".strip()
        names = Tag.objects.order_by("name").values_list("name", flat=True)
        options = format_html_join("", '<option value="{}">', ((n,) for n in names))
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            super().render(name, value, attrs, renderer),
            list_id,
            options,
        )


def new_tag_names(names):
    """Of the tag names `names`, those no tag has yet (case does not matter)."""
    existing = {
        name.casefold()
        for name in Tag.objects.filter(name__in=names).values_list("name", flat=True)
    }
    if len(existing) < len(names):  # a match in another case is not new either
        for name in names:
            if Tag.objects.filter(name__iexact=name).exists():
                existing.add(name.casefold())
    return [name for name in names if name.casefold() not in existing]


def confirmation_value(new_names):
    return ", ".join(sorted(name.casefold() for name in new_names))


def new_tags_warning(new_names, confirmed):
    """The error that stops a save creating `new_names`, or None when the curator
    ticked the box confirming exactly these (`confirmed`: the posted values)."""
    value = confirmation_value(new_names)
    if not new_names or value in confirmed:
        return None
    known = list(Tag.objects.values_list("name", flat=True))
    folded = {name.casefold(): name for name in known}
    close = []
    for name in new_names:
        for match in difflib.get_close_matches(name.casefold(), folded, n=3):
            if folded[match] not in close:
                close.append(folded[match])
    similar = (
        format_html(
            gettext(
                " Existing tags that look alike: {names}. Use one of them if that is "
                "what you meant."
            ),
            names=", ".join(f"“{name}”" for name in close),
        )
        if close
        else ""
    )
    return format_html(
        ngettext(
            "Saving will create new tag {names}.{similar} "
            '<label><input type="checkbox" name="{field}" value="{value}"> Yes, '
            "create the new tag</label>, then save again.",
            "Saving will create new tags {names}.{similar} "
            '<label><input type="checkbox" name="{field}" value="{value}"> Yes, '
            "create the new tags</label>, then save again.",
            len(new_names),
        ),
        names=", ".join(f"“{name}”" for name in new_names),
        similar=similar,
        field=CONFIRM_NEW_TAGS,
        value=value,
    )
