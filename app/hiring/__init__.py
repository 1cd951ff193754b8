"""Hiring: a new person enters the province's records from the recruitment or
reception decision (a screen, the REST API and an Excel list); accounts are linked
to people and unlinked, each as an audited action."""
