from django import template

from ..markup import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render a curator's Markdown as sanitized HTML."""
    return render_markdown(text)
