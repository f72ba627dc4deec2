"""The one way a service asks the rules before it acts."""


def require(user, permission, obj, error, message):
    """Raise `error(message)` unless `user` has `permission` on `obj` (django-rules): the same
    rule that the views read to show or hide the action."""
    if user is None or not user.has_perm(permission, obj):
        raise error(message)
