class ReviewError(Exception):
    """A refused action, with a message for the user; `problems` maps fields to messages."""

    def __init__(self, message, problems=None):
        super().__init__(message)
        self.problems = problems or {}
