"""Curators write Markdown; the public sees sanitized HTML.

Markdown is rendered first, then nh3 (the Rust ammonia sanitizer) keeps only a small
allow-list of tags and attributes and only http(s) and mailto links, so a curator's
`<script>` or `javascript:` link can never run on a public page.
"""

import functools
import re
from html.parser import HTMLParser

import markdown as markdown_lib
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote",
    "code", "pre", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "hr",
    "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto"}

# A scheme as the most lenient reader might see it, whitespace and controls ignored.
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_IGNORED = re.compile(r"[\x00-\x20\x7f]+")


def _attribute_filter(tag, attribute, value):
    """Second line of defence after nh3's own scheme check: drop a link whose
    address, read with all whitespace removed, names any other scheme
    ("java\tscript:" becomes "java    script:" in Markdown, which browsers read as
    a harmless relative path, but nothing relies on that)."""
    if attribute == "href":
        match = _SCHEME.match(_IGNORED.sub("", value).lower())
        if match and match.group(1) not in URL_SCHEMES:
            return None
    return value


def render_markdown(text):
    """Markdown → sanitized HTML, safe to put on a public page."""
    if not text:
        return mark_safe("")
    return mark_safe(_sanitized_html(text))  # sanitized by nh3


# A pure function of the text, and Python-Markdown is slow: the texts a process
# shows most are rendered once, a few megabytes at most.
@functools.lru_cache(maxsize=1024)
def _sanitized_html(text):
    html = markdown_lib.markdown(text, extensions=["extra", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_attribute_filter,
    )


class _Removed(HTMLParser):
    """Collects what sanitising will drop: tags outside the allow-list, event
    handler and style attributes, links to other schemes."""

    def __init__(self):
        super().__init__()
        self.found = []

    def _add(self, what):
        if what not in self.found:
            self.found.append(what)

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self._add(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self._add(f"the {name} attribute")
            elif name == "href" and _attribute_filter(tag, name, value or "") is None:
                self._add(f"the link to {value}")


def markup_removed(text):
    """What the public page will not show of `text`'s markup (["<script>", "the
    onerror attribute"]), so the admin can warn the curator; [] when nothing."""
    if not text:
        return []
    parser = _Removed()
    parser.feed(markdown_lib.markdown(text, extensions=["extra", "sane_lists"]))
    return parser.found
