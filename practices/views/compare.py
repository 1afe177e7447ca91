"""Jurisdictions side by side, theme by theme (a matrix), and the evidence gap map."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import coverage
from ..models import Jurisdiction


class CompareForm(forms.Form):
    j = forms.MultipleChoiceField(
        label=gettext_lazy("Jurisdictions to compare"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["j"].choices = [(j.slug, j.name) for j in jurisdictions]


MIN_COMPARED = 2
MAX_COMPARED = 4
# A hand-edited URL may repeat `j` hundreds of times: name a few unknown ones.
MAX_NAMED_UNKNOWN = 5


def _unknown_messages(unknown):
    messages = [
        _("There is no jurisdiction “%(slug)s”; it was left out.") % {"slug": slug[:60]}
        for slug in unknown[:MAX_NAMED_UNKNOWN]
    ]
    if len(unknown) > MAX_NAMED_UNKNOWN:
        messages.append(
            ngettext(
                "%(count)d more unknown jurisdiction was left out.",
                "%(count)d more unknown jurisdictions were left out.",
                len(unknown) - MAX_NAMED_UNKNOWN,
            )
            % {"count": len(unknown) - MAX_NAMED_UNKNOWN}
        )
    return messages


def compare(request):
    options = list(Jurisdiction.objects.published().order_by("path"))
    by_slug = {j.slug: j for j in options}
    asked = request.GET.getlist("j")
    chosen = []
    for slug in asked:
        if slug in by_slug and by_slug[slug] not in chosen:
            chosen.append(by_slug[slug])
    messages = _unknown_messages([slug for slug in asked if slug not in by_slug])
    if len(chosen) > MAX_COMPARED:
        left_out = ", ".join(j.name for j in chosen[MAX_COMPARED:])
        messages.append(
            ngettext(
                "At most %(max)d jurisdictions can be compared; %(names)s was left "
                "out.",
                "At most %(max)d jurisdictions can be compared; %(names)s were left "
                "out.",
                len(chosen) - MAX_COMPARED,
            )
            % {"max": MAX_COMPARED, "names": left_out}
        )
        chosen = chosen[:MAX_COMPARED]
    form = CompareForm(initial={"j": [j.slug for j in chosen]}, jurisdictions=options)
    too_few = len(chosen) < MIN_COMPARED
    return render(
        request,
        "practices/compare.html",
        {
            "form": form,
            "chosen": chosen,
            "rows": [] if too_few else coverage.compare_matrix(chosen),
            "compare_messages": messages,
            "too_few": too_few,
            "basis_key": coverage.basis_key(),
        },
    )


def gap_map(request):
    return render(
        request,
        "practices/gap_map.html",
        {
            **coverage.gap_map_page(),
            "basis_key": coverage.basis_key(),
            "heat_key": coverage.heat_key(),
        },
    )
