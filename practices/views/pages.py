"""The home page and the method pages."""

from django.shortcuts import render

from .. import evidence, selectors


def home(request):
    return render(request, "practices/home.html", selectors.home_context())


def about(request):
    return render(request, "practices/about.html")


def about_basis(request):
    """The rubric for a finding's type of support (Finding.basis)."""
    return render(
        request,
        "practices/about_basis.html",
        {
            "rubric": evidence.rubric(),
            "how_curators_assign": evidence.HOW_CURATORS_ASSIGN,
        },
    )
