"""Exceptions shared by the domains (no imports: anything may raise them)."""


class DomainError(ValueError):
    """A rule of the domain refused the request; the message is for the user.

    Raised from a FAB hook (pre_add, pre_update), it becomes a flash message
    in the screens and a 422 with the message in the REST API.
    """
