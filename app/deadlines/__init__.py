"""Deadlines, gathered: every term the province's rules run for a person (an account to
make, a first entry, a transfer's step, a leaver's status), on the unit's board and on
the home page of whoever must act. The jobs issue mails these same lists."""
