"""A deadline someone must meet: what, for whom, by when, who acts, and the rule that
set it. The domains (hiring, transfers, leavers, records) say which deadlines they hold;
app/deadlines lists them on the unit's board and on the home page of whoever must act,
and the jobs send them."""
import datetime
from dataclasses import dataclass, field

# a deadline this close (calendar days) is "due soon"
SOON_DAYS = 3
OVERDUE, DUE_SOON, OPEN = "overdue", "due_soon", "open"


@dataclass
class Deadline:
    kind: str                 # e.g. "hiring.account", "hiring.first_entry"
    what: str                 # in words: what must be done
    employee_id: int
    employee_name: str
    unit_name: str
    due_on: datetime.date     # the last day (None: the rule sets no term)
    since: datetime.date      # the event it runs from
    cite: str = ""            # the article that sets the term
    endpoint: str = ""        # where it is done
    args: dict = field(default_factory=dict)

    def state(self, today):
        if self.due_on is None:
            return OPEN
        if self.due_on < today:
            return OVERDUE
        if (self.due_on - today).days <= SOON_DAYS:
            return DUE_SOON
        return OPEN
