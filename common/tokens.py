"""The secret of an invitation's link: made once, sent only in the e-mail, stored only as its
SHA-256 hash, so that a copy of the database opens no invitation. Team invitations and
collection holders' invitations use the same two functions."""

import hashlib
import secrets


def new_token():
    return secrets.token_urlsafe(32)


def token_hash(token):
    return hashlib.sha256((token or "").encode()).hexdigest()
