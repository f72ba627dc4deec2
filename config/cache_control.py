"""Nothing shown to a signed-in user is kept by a cache.

Their pages and files carry personal data: their applications and receipts, the dossiers they
review, staff exports, reports, decision letters, the auditors' ZIP. `no-store` keeps them out of
every cache, the browser's disk included (a shared computer, the back button after signing out);
`private` keeps them out of shared caches that ignore it. What a response already said (a
download's `no-cache`) stays.

Anonymous visitors' public pages keep their caching; static files are answered by whitenoise
before this middleware is reached.
"""

from django.utils.cache import patch_cache_control


class NoStoreForSignedInUsers:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
