"""The API's human documentation, placeholder until the docs page is built."""

from django.shortcuts import render


def api_docs(request):
    return render(request, "api/docs.html", {})
