"""The cache on Redis answers like an empty cache while Redis is down (config/cache.py): signing
in, which counts failed logins in the cache, must not become a server error."""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import override_settings

from .factories import DEFAULT_PASSWORD, UserFactory

# Nothing listens on port 9: the cache is down, as while Redis restarts.
REDIS_DOWN = {
    "default": {
        "BACKEND": "config.cache.ForgivingRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
    }
}


@override_settings(CACHES=REDIS_DOWN)
def test_the_cache_answers_like_an_empty_one_while_redis_is_down():
    assert cache.get("key", "default") == "default"
    assert cache.add("key", 1) is True
    cache.set("key", 1)
    assert cache.get_or_set("other", 3) == 3
    assert cache.get_many(["key"]) == {}
    with pytest.raises(ValueError):
        cache.incr("key")


@pytest.mark.django_db
@override_settings(CACHES=REDIS_DOWN, ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,5/5m/key"})
def test_signing_in_works_while_the_cache_is_down(client):
    user = UserFactory(email="porteuse@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    response = client.post(
        "/en/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
