"""Jurisdictions side by side, theme by theme."""

from django import forms
from django.shortcuts import render

from .. import selectors
from ..models import Jurisdiction


class CompareForm(forms.Form):
    j = forms.MultipleChoiceField(
        label="Jurisdictions to compare",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["j"].choices = [(j.slug, j.name) for j in jurisdictions]


MAX_COMPARED = 4


def compare(request):
    options = list(Jurisdiction.objects.published().order_by("path"))
    by_slug = {j.slug: j for j in options}
    asked = request.GET.getlist("j")
    chosen = []
    for slug in asked:
        if slug in by_slug and by_slug[slug] not in chosen:
            chosen.append(by_slug[slug])
    messages = [
        f"There is no jurisdiction “{slug}”; it was left out."
        for slug in asked
        if slug not in by_slug
    ]
    if len(chosen) > MAX_COMPARED:
        messages.append(f"At most {MAX_COMPARED} jurisdictions can be compared.")
        chosen = chosen[:MAX_COMPARED]
    form = CompareForm(initial={"j": [j.slug for j in chosen]}, jurisdictions=options)
    rows = selectors.compare(chosen) if len(chosen) >= 2 else []
    return render(
        request,
        "practices/compare.html",
        {
            "form": form,
            "chosen": chosen,
            "rows": rows,
            "compare_messages": messages,
            "too_few": len(chosen) < 2,
        },
    )
