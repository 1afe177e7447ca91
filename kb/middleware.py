"""Response headers Django does not set by itself, and the client address that
login throttling counts failures against."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def client_ip_address(request):
    """The address a request came from, as django-axes should count it.

    With DJANGO_PROXY_COUNT=0 that is REMOTE_ADDR, and X-Forwarded-For is ignored:
    a client could write anything there to dodge its lockout. Behind N trusted
    proxies each appends the address it saw, so the client is the Nth entry from
    the right; entries further left were supplied by the client and are not trusted.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        # Fewer hops than configured: the request did not come through all the
        # proxies, so the header is not trustworthy.
        return remote_addr
    return forwarded[-proxies]
