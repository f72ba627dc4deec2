"""What a text that staff edit may state about a person: their name, else their address."""


def person_facts(user):
    if user is None:
        return {"name": "", "email": ""}
    return {"name": user.get_full_name() or user.email, "email": user.email}
