"""Exceptions shared by the domains (no imports: anything may raise them)."""


class DomainError(ValueError):
    """A rule of the domain refused the request; the message is for the user.

    Raised from a FAB hook (pre_add, pre_update), it becomes a flash message
    in the screens and a 422 with the message in the REST API.
    """


class FieldErrors(DomainError):
    """A refused form: ``errors`` maps each input's name to its message (the screen shows
    each beside its field, the REST API returns them by name)."""

    def __init__(self, errors):
        super().__init__("; ".join(str(message) for message in errors.values()))
        self.errors = errors
