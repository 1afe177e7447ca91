"""The site's URL map. Public URLs are a promise: students cite them."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("api/", include("practices.opendata.urls")),
    path("", include("practices.urls")),
]

handler400 = "kb.views.bad_request"
handler403 = "kb.views.permission_denied"
handler404 = "kb.views.page_not_found"
handler500 = "kb.views.server_error"
