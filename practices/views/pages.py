"""The home page and the method page."""

from django.shortcuts import render

from .. import selectors


def home(request):
    return render(request, "practices/home.html", selectors.home_context())


def about(request):
    return render(request, "practices/about.html")
