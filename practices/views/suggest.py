"""Readers' suggestions: a correction to a published record, or a new practice.

Never cached (each form carries its own CSRF token), and limited per address."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from ..suggestions import (
    SUGGESTABLE,
    SuggestionForm,
    rate_limit_exceeded,
    suggestion_create,
    suggestion_email_days,
    suggestions_per_hour,
)


def _suggest(request, record=None):
    if request.method == "POST":
        form = SuggestionForm(request.POST)
        if form.is_valid():
            if rate_limit_exceeded(request):
                return render(
                    request,
                    "practices/suggest_limited.html",
                    {"limit": suggestions_per_hour()},
                    status=429,
                )
            # A robot that filled the hidden field sees the same thanks page and
            # learns nothing; nothing is stored.
            if not form.is_robot:
                suggestion_create(form, record)
            return redirect("practices:suggest-thanks")
        status = 400
    else:
        form = SuggestionForm()
        status = 200
    context = {"form": form, "record": record}
    return render(request, "practices/suggest_form.html", context, status=status)


@never_cache
def suggest_practice(request):
    """Suggest a practice the knowledge base does not have yet."""
    return _suggest(request)


@never_cache
def suggest_correction(request, slug, kind):
    """Suggest a correction to one published record."""
    _, model = SUGGESTABLE[kind]
    record = model.objects.published().filter(slug=slug).first()
    if record is None:
        raise Http404("No published record has this address.")
    return _suggest(request, record)


@never_cache
def suggest_thanks(request):
    return render(
        request,
        "practices/suggest_thanks.html",
        {"email_days": suggestion_email_days()},
    )
