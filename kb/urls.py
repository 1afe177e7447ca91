"""The site's URL map. Public URLs are a promise: students cite them."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path("", include("practices.urls")),
]
