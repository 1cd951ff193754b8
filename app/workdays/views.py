"""The working-day calendar's screen: a year's (or a month's) public holidays and
announced days, and Sở Nội vụ's form to enter, change and withdraw an announced day.

Rules and reads live in app/workdays/services.py; this view reads the request, calls
one of them and renders.
"""
from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from app.core import clock
from app.core.dates import format_date, parse_date_or_none
from app.core.exceptions import DomainError
from app.security import roles
from app.workdays import services
from app.workdays.models import KINDS

FORM_KEYS = ("day", "kind", "source", "note", "version")


def _year():
    year = request.values.get("year", type=int)
    if year is None or not services.FIRST_YEAR <= year <= services.LAST_YEAR:
        return clock.today().year
    return year


def _month():
    month = request.args.get("month", type=int)
    return month if month in range(1, 13) else None


def _values_of(row):
    return {"day": format_date(row.day), "kind": row.kind, "source": row.source,
            "note": row.note or "", "version": str(row.version)}


class CalendarView(BaseView):
    route_base = "/calendar"
    class_permission_name = roles.CALENDAR
    method_permission_name = {"index": "read", "edit": "write", "save": "write",
                              "withdraw": "write"}
    base_permissions = roles.base_permissions(roles.CALENDAR)
    default_view = "index"

    def _page(self, year, values=None, errors=None, status=200):
        month = _month()
        labels = services.kind_labels()
        page = self.render_template(
            "workdays/calendar.html", csrf=generate_csrf(), year=year, month=month,
            days=services.year_calendar(year, month), kind_labels=labels,
            kind_options=[(kind, labels[kind]) for kind in KINDS],
            weekday=services.weekday_name, may_write=services.may_write(g.user),
            values=values if values is not None else {}, errors=errors or {},
            editing=bool((values or {}).get("version")), title=_("Working-day calendar"))
        return page, status

    @expose("/")
    @has_access
    def index(self):
        return self._page(_year())

    @expose("/edit")
    @has_access
    def edit(self):
        day = parse_date_or_none(request.args.get("day"))
        row = services.announced_day(day)
        values = _values_of(row) if row is not None else {"day": format_date(day)}
        return self._page(day.year if day else _year(), values)

    @expose("/save", methods=["POST"])
    @has_access
    def save(self):
        values = {key: request.form.get(key, "") for key in FORM_KEYS}
        day = parse_date_or_none(values["day"])
        year = day.year if day and services.FIRST_YEAR <= day.year <= services.LAST_YEAR \
            else _year()
        try:
            row = services.announce(g.user, values)
        except services.CalendarInvalid as exc:
            flash(_("Nothing was saved: correct the fields marked below."), "danger")
            return self._page(year, values, exc.errors, 400)
        except DomainError as exc:
            flash(str(exc), "danger")
            return self._page(year, values, {}, 409)
        flash(_("%(day)s is entered as: %(kind)s.", day=format_date(row.day),
                kind=services.kind_labels()[row.kind]), "success")
        return redirect(url_for("CalendarView.index", year=row.day.year))

    @expose("/withdraw", methods=["POST"])
    @has_access
    def withdraw(self):
        values = {key: request.form.get(key, "") for key in ("day", "version")}
        try:
            day = services.withdraw(g.user, values)
            flash(_("The announced day %(day)s was withdrawn.", day=format_date(day)),
                  "success")
            year = day.year
        except DomainError as exc:
            flash(str(exc), "danger")
            year = _year()
        return redirect(url_for("CalendarView.index", year=year))
