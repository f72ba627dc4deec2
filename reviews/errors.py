from common.errors import Refused


class ReviewError(Refused):
    """A refused action, with a message for the user; `problems` maps fields to messages."""
