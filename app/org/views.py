"""Unit screens: the list and forms (FAB), the tree, a unit's history and
leaders, restructuring under a decision (the units REST resource is in org.api).

Every screen is scoped like everything else; the rules live in org.services,
what the pages read in org.queries.
"""
import contextlib

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, ModelView, expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField

from app.audit import services as audit
from app.core.dates import date_field, parse_date
from app.core.exceptions import DomainError
from app.audit.views import AuditedReadsMixin
from app.core.views import KeepsInputMixin, VietnameseFormatsMixin, column_length, submit_form
from app.extensions import db
from app.org import forms, queries, services
from app.org.models import UNIT_TYPES, Employee, Unit
from app.security import roles, scope

UNIT_LABELS = {
    "name": _l("Name"), "parent": _l("Parent unit"), "parent_id": _l("Parent unit"),
    "is_employing": _l("Employs staff and has a head"), "unit_type": _l("Type"),
    "code": _l("Identifier code"), "valid_from": _l("Valid from"), "valid_to": _l("Closed on"),
    "successor": _l("Successor"), "successor_id": _l("Successor"),
}
PERMISSIONS = {"list": "read", "show": "read", "add": "write", "edit": "write",
               "get": "read", "get_list": "read", "post": "write", "put": "write",
               "info": "read"}


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def version_field():
    """The row's version, carried through the edit form (hidden) so that a save
    over someone else's change is refused (org.services.require_unchanged)."""
    return HiddenField(filters=[_as_int])


class OpenUnitsFilter(BaseFilter):
    """Only units still open (a closed unit takes no new units or staff)."""

    name = "open"
    arg_name = "open"

    def apply(self, query, value):
        return query.filter(Unit.valid_to.is_(None))


def _form_fields():
    # FAB would make a non-null boolean "required", so an unticked box (a phòng
    # that employs no one) could never be saved
    return {"unit_type": SelectField(_l("Type"), choices=forms.type_choices()),
            "is_employing": BooleanField(_l("Employs staff and has a head"), default=True),
            "valid_from": date_field(_l("Valid from"))}


class UnitWritesMixin:
    """The screen and the API save units through the same checks and audit.

    A refusal rolls the session back: the form's unit may already sit in the
    session (through its parent's children), and nothing of it may be saved.
    """

    def pre_add(self, item):
        with _refusal_rolls_back():
            parent = item.parent
            if parent is not None and not scope.allows(g.user, "write", parent):
                raise DomainError(str(_l("The parent unit is outside your scope.")))
            services.register_unit(item)
            audit.record("unit.create", item, unit_id=item.id, details={"name": item.name})

    def pre_update(self, item):
        with _refusal_rolls_back():
            if not scope.allows(g.user, "write", item):
                raise DomainError(str(_l("This unit is outside your scope.")))
            services.correct_unit(item)
            audit.record("unit.update", item, unit_id=item.id, details={"name": item.name})


@contextlib.contextmanager
def _refusal_rolls_back():
    try:
        # the checks query before the new unit is complete enough to be flushed
        with db.session.no_autoflush:
            yield
    except DomainError:
        db.session.rollback()
        raise


class UnitResource(UnitWritesMixin):
    """What the screen and the API of units declare alike."""

    datamodel = SQLAInterface(Unit)
    class_permission_name = roles.UNIT
    method_permission_name = PERMISSIONS
    base_permissions = roles.base_permissions(roles.UNIT)
    base_filters = [["id", scope.ScopeFilter, "read"]]
    label_columns = UNIT_LABELS


class UnitView(UnitResource, AuditedReadsMixin, KeepsInputMixin, VietnameseFormatsMixin,
               ModelView):
    """Units added and corrected through FAB's forms; a refusal (a code another
    open unit bears, a closed parent) shows the form again with what was typed."""

    route_base = "/units"
    include_route_methods = {"list", "show", "add", "edit"}
    list_title = _l("Units")
    show_title = _l("Unit")
    add_title = _l("Add unit")
    edit_title = _l("Correct unit")
    list_columns = ["name", "unit_type", "code", "parent", "is_employing", "valid_to"]
    show_columns = ["name", "unit_type", "code", "parent", "is_employing", "valid_from",
                    "valid_to", "successor"]
    add_columns = ["name", "parent", "unit_type", "is_employing", "code", "valid_from"]
    # corrections only; a new name, code or parent is a restructuring
    edit_columns = ["name", "unit_type", "is_employing", "code", "version"]
    search_columns = ["name", "code"]
    formatters_columns = {"unit_type": lambda value: UNIT_TYPES.get(value, value)}
    add_form_extra_fields = _form_fields()
    edit_form_extra_fields = dict(_form_fields(), version=version_field())
    add_form_query_rel_fields = {"parent": [["id", scope.ScopeFilter, "write"],
                                            ["valid_to", OpenUnitsFilter, None]]}


# ---------------------------------------------------------------- the tree

def _date_or_none(text):
    try:
        return parse_date(text or "")
    except ValueError:
        return None


TREE_DEPTH = 2  # levels shown below the top before a click loads more


class UnitTreeView(BaseView):
    """The tree (expand, collapse, search ignoring accents, by code, as of a
    date) and one unit's page: codes, leaders, staff, restructurings."""

    route_base = "/unit-tree"
    class_permission_name = roles.UNIT
    method_permission_name = {"tree": "read", "unit": "read", "appoint": "write",
                              "end_appointment": "write"}
    base_permissions = roles.base_permissions(roles.UNIT)
    default_view = "tree"

    @expose("/")
    @has_access
    def tree(self):
        """Two levels below the top (or below ``root``); deeper levels load when
        opened (``fragment=1`` answers with just the nodes below ``root``)."""
        text = request.args.get("q", "").strip()
        include_closed = request.args.get("closed") == "1"
        on_text = request.args.get("on", "").strip()
        root_id = request.args.get("root", type=int)
        fragment = request.args.get("fragment") == "1"
        on, errors = None, []
        if on_text:
            on = _date_or_none(on_text)
            if on is None:
                errors.append(_("Enter the date as dd/mm/yyyy."))
        entries = services.tree_entries(g.user, on, include_closed)
        matched, truncated = set(), False
        if text:
            # on a past date, the units of that day: some have closed since
            matches = services.search_units(g.user, text, include_closed or on is not None)
            truncated = len(matches) >= services.SEARCH_LIMIT
            matched = {unit.id for unit in matches if unit.id in entries}
            nodes = services.tree_nodes(entries, keep=services.ancestors_of(entries, matched))
        elif root_id in entries:
            nodes = services.tree_nodes(entries, roots=[entries[root_id]], depth=TREE_DEPTH)
            if fragment:
                nodes = nodes[0]["children"]
        else:
            nodes = services.tree_nodes(entries, depth=TREE_DEPTH)
        audit.record("unit.tree", object_type="Unit",
                     details={"q": text, "on": on.isoformat() if on else None, "root": root_id})
        db.session.commit()
        context = dict(nodes=nodes, matched=matched, on=on_text if on else "",
                       include_closed=include_closed, type_labels=UNIT_TYPES,
                       searching=bool(text))
        if fragment:
            return self.render_template("org/tree_nodes.html", **context)
        return self.render_template(
            "org/tree.html", q=text, on_text=on_text, errors=errors, truncated=truncated,
            limit=services.SEARCH_LIMIT, root=entries.get(root_id), **context)

    @expose("/unit/<int:pk>")
    @has_access
    def unit(self, pk):
        unit = scope.get_or_404(Unit, pk, g.user, "read")
        audit.record("unit.read", unit, unit_id=unit.id)
        db.session.commit()
        return self._unit_page(unit, forms.LeaderForm(), [])

    def _unit_page(self, unit, form, errors, ending=(None, "")):
        """``ending``: (appointment id, the end date typed for it) after a refusal."""
        page = queries.unit_page(g.user, unit)
        if page["can_write"]:
            self._leader_choices(form, unit)
        return self.render_template("org/unit.html", unit=unit, form=form, errors=errors,
                                    type_labels=UNIT_TYPES, ending=ending, **page)

    def _leader_choices(self, form, unit):
        people = queries.leader_candidates(g.user, unit)
        form.employee_id.choices = [("", _("(choose)"))] + [
            (person.id, "%s (%s)" % (person.full_name, person.unit.name)) for person in people]
        form.position.choices = forms.position_choices()

    @expose("/unit/<int:pk>/appoint", methods=["POST"])
    @has_access
    def appoint(self, pk):
        unit = scope.get_or_404(Unit, pk, g.user, "write")
        form = forms.LeaderForm()
        self._leader_choices(form, unit)
        response, errors = submit_form(
            form,
            lambda: services.appoint_leader(
                g.user, unit, scope.get_in_scope(Employee, form.employee_id.data, g.user,
                                                 "read"),
                form.position.data, form.since.data, form.decision_number.data),
            lambda row: _done(_("%(person)s appointed.", person=row.employee.full_name),
                              url_for("UnitTreeView.unit", pk=unit.id)))
        return response or self._unit_page(unit, form, errors)

    @expose("/unit/<int:pk>/end-appointment", methods=["POST"])
    @has_access
    def end_appointment(self, pk):
        unit = scope.get_or_404(Unit, pk, g.user, "write")
        leader = queries.leader_of(unit, request.form.get("leader_id", type=int))
        on = _date_or_none(request.form.get("on"))
        try:
            if leader is None or leader.unit_id != unit.id:
                raise DomainError(_("Choose an appointment of this unit."))
            if on is None:
                raise DomainError(_("Enter the date as dd/mm/yyyy."))
            services.end_leader(g.user, leader, on)
        except DomainError as exc:
            flash(str(exc), "danger")
            # the page again, with the date as it was typed beside its appointment
            return self._unit_page(unit, forms.LeaderForm(formdata=None), [], ending=(
                leader.id if leader is not None else None, request.form.get("on", "")))
        flash(_("The appointment has ended."), "success")
        return redirect(url_for("UnitTreeView.unit", pk=unit.id))


def _done(message, target):
    flash(message, "success")
    return redirect(target)


# ---------------------------------------------------------------- restructuring

class RestructureView(BaseView):
    """Sở Nội vụ restructures the tree: one form per kind, each under a decision."""

    route_base = "/restructure"
    class_permission_name = roles.UNIT
    method_permission_name = {name: "restructure" for name in (
        "index", "rename", "recode", "move", "merge", "consolidate", "dissolve", "split")}
    base_permissions = roles.base_permissions(roles.UNIT)
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("org/restructurings.html",
                                    events=queries.restructurings(g.user))

    def _choices(self):
        return [(unit.id, _indented(unit)) for unit in queries.restructurable_units(g.user)]

    def _page(self, form, title, intro, operation):
        choices = self._choices()
        for field in form:
            if field.type in ("SelectField", "SelectMultipleField") and field.name.endswith(
                    ("_id", "_ids")):
                field.choices = (choices if field.type == "SelectMultipleField"
                                 or field.flags.required else [("", _("(none)"))] + choices)
        if "unit_type" in form:
            form.unit_type.choices = forms.type_choices()
        response, errors = submit_form(
            form, lambda: operation(_decision(form)),
            lambda event: _done(_("Restructuring saved: %(kind)s, decision %(number)s.",
                                  kind=event.kind_label, number=event.decision_number),
                                url_for("RestructureView.index")))
        return response or self.render_template(
            "hoso/form.html", form=form, title=title, intro=intro, submit_label=_("Save"),
            errors=errors, extra_link=(url_for("RestructureView.index"), _("Back")))

    @expose("/rename", methods=["GET", "POST"])
    @has_access
    def rename(self):
        form = forms.RenameForm()
        return self._page(form, _("Rename a unit"), None, lambda decision: services.rename(
            g.user, _unit(form.unit_id.data), form.new_name.data, decision))

    @expose("/recode", methods=["GET", "POST"])
    @has_access
    def recode(self):
        form = forms.RecodeForm()
        return self._page(form, _("Give a unit a new identifier code"), None,
                          lambda decision: services.recode(
                              g.user, _unit(form.unit_id.data), form.code.data, decision))

    @expose("/move", methods=["GET", "POST"])
    @has_access
    def move(self):
        form = forms.MoveForm()
        return self._page(form, _("Move a unit to another parent"), None,
                          lambda decision: services.move(
                              g.user, _unit(form.unit_id.data), _unit(form.parent_id.data),
                              decision))

    @expose("/merge", methods=["GET", "POST"])
    @has_access
    def merge(self):
        form = forms.MergeForm()
        return self._page(
            form, _("Merge units (sáp nhập)"),
            _("The absorbed units close; their staff and the units below them move to the "
              "unit that absorbs them, with the decision as the reason."),
            lambda decision: services.merge(
                g.user, _unit(form.absorbing_id.data),
                [_unit(pk) for pk in form.absorbed_ids.data], decision))

    @expose("/consolidate", methods=["GET", "POST"])
    @has_access
    def consolidate(self):
        form = forms.ConsolidateForm()
        return self._page(
            form, _("Consolidate units into a new one (hợp nhất)"),
            _("The units close; a new unit takes their staff and the units below them."),
            lambda decision: services.consolidate(
                g.user, [_unit(pk) for pk in form.unit_ids.data], form.name.data,
                form.unit_type.data, _unit(form.parent_id.data), form.code.data, decision,
                is_employing=form.is_employing.data))

    @expose("/dissolve", methods=["GET", "POST"])
    @has_access
    def dissolve(self):
        form = forms.DissolveForm()
        return self._page(
            form, _("Dissolve a unit (giải thể)"), None,
            lambda decision: services.dissolve(
                g.user, _unit(form.unit_id.data), _unit(form.staff_to_id.data), decision,
                children_to=_unit(form.children_to_id.data)))


    @expose("/split", methods=["GET", "POST"])
    @has_access
    def split(self):
        """Two steps: choose the unit and the number of parts (GET), then name the
        parts and say where each person and unit below goes (POST)."""
        start = forms.SplitStartForm(request.args if request.method == "GET" else request.form)
        start.unit_id.choices = self._choices()
        source = scope.get_in_scope(Unit, start.unit_id.data, g.user, "restructure")
        if source is None or not source.is_open:
            return self.render_template("org/split.html", start=start, step=1)
        parts = max(1, min(6, start.parts.data or 2))
        keep = bool(start.keep.data)
        form = forms.SplitForm()
        people = services.staff_of(source)
        children = queries.open_children(source)
        values = request.form if request.method == "POST" else {}

        def build(decision):
            split_parts = []
            longest = column_length(Unit.name)
            for number in range(1, parts + 1):
                if len(values.get("part_%d_name" % number, "")) > longest:
                    raise DomainError(_("New unit %(number)d: the name has at most %(n)d "
                                        "characters.", number=number, n=longest))
                split_parts.append(services.SplitPart(
                    name=values.get("part_%d_name" % number, ""),
                    unit_type=values.get("part_%d_type" % number, ""),
                    code=values.get("part_%d_code" % number, ""),
                    employees=tuple(p for p in people
                                    if values.get("person_%d" % p.id) == str(number)),
                    children=tuple(c for c in children
                                   if values.get("unit_%d" % c.id) == str(number))))
            return services.split(g.user, source, split_parts, decision, keep_source=keep)

        response, errors = submit_form(
            form, lambda: build(_decision(form)),
            lambda event: _done(_("Restructuring saved: %(kind)s, decision %(number)s.",
                                  kind=event.kind_label, number=event.decision_number),
                                url_for("RestructureView.index")))
        return response or self.render_template(
            "org/split.html", start=start, step=2, form=form, source=source, parts=parts,
            keep=keep, people=people, children=children, values=values, errors=errors,
            type_choices=forms.type_choices())


def _unit(pk):
    """A unit chosen on a restructuring form; 404 outside what the user may restructure."""
    return scope.get_or_404(Unit, pk, g.user, "restructure") if pk else None


def _indented(unit):
    return "\u00a0\u00a0" * (unit.path.count("/") - 2) + unit.name + (
        " (%s)" % unit.code if unit.code else "")


def _decision(form):
    return services.Decision(form.decision_number.data, form.decision_date.data,
                             form.effective_on.data, form.note.data)
