"""The one base of the errors a service raises when it refuses to act.

Every app's refusal (an application not submittable, a review incomplete, a decision over its
envelope, a template using a forbidden name...) derives from `Refused`, so that a view may catch
them all alike and show the person what to correct, and so that a new refusal says its problems
the same way as the others.
"""


class Refused(Exception):
    """A refused action, with a message for the person who asked and, when it is about what they
    typed, its problems.

    `problems` maps a field ("answers.<id>", "team", "__all__" for the whole) to its messages; a
    refusal about a single thing (a template) may give a plain list of messages instead. Without a
    message, the message is the problems themselves, one after the other.
    """

    def __init__(self, message="", problems=None):
        self.problems = {} if problems is None else problems
        self.message = message
        text = message or " ".join(str(text) for text in messages_of(self.problems))
        super().__init__(*([text] if text else []))

    @property
    def messages(self):
        """Every message of this refusal, its own first, then its problems' in order, each once."""
        own = [str(self.message)] if self.message else []
        return list(dict.fromkeys(own + [str(text) for text in messages_of(self.problems)]))


def messages_of(problems):
    """The messages of `problems`, per field or a plain list, in order."""
    if isinstance(problems, dict):
        return [text for texts in problems.values() for text in texts]
    return list(problems)
