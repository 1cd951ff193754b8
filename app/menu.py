"""Every menu entry in one place.

View and permission names stay stable English; only labels are translated.
"""


def register_menu(appbuilder):
    """Add the domain views to the menu (domains add theirs here)."""
    return appbuilder
