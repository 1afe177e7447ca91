"""The site's URL map. Public URLs are a promise: students cite them."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import i18n, views

# Outside the language prefixes: the same in every language, or (the admin)
# in the language the curator chose.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("api/", include("practices.opendata.urls")),
    path("language/<str:code>/", i18n.choose_language, name="choose-language"),
]
# The public site: English unprefixed (its URLs are cited), /fr/… and /es/….
# Data files, feeds, the sitemap and robots.txt answer unprefixed as before.
urlpatterns += i18n_patterns(
    path("", include("practices.urls")), prefix_default_language=False
)

handler400 = "kb.views.bad_request"
handler403 = "kb.views.permission_denied"
handler404 = "kb.views.page_not_found"
handler500 = "kb.views.server_error"
