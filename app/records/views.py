"""Screens of the personal record: the person's own record and the unit's
list, a record's page, one section of the form to edit (phone-sized: table
rows stack as cards), submission, the decision, the diff and the PDF.

Business rules live in app/records/services.py and what a page shows comes
from app/records/queries.py; these views read the request, call one of them and
render what it returned. They run no query of their own.
"""
from flask import abort, flash, g, make_response, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf

from app.catalogs import services as catalogs
from app.core.dates import parse_date_or_none as _date
from app.core.exceptions import DomainError
from app.core.views import column_length
from app.extensions import db
from app.org.models import Employee
from app.policy.labels import OWNER_GROUP_LABELS
from app.records import attachments, decisions, form, pdf, queries, self_service, services, values
from app.records.models import DRAFT, RecordVersion, SelfServiceWindow
from app.security import roles, scope

STATUS_LABELS = {"draft": _l("Draft"), "submitted": _l("Waiting for approval"),
                 "approved": _l("Approved"), "rejected": _l("Rejected"),
                 services.DISCARDED: _l("Discarded"),
                 # approved by its unit, the province's step still to come (queries.version_states)
                 queries.UNIT_APPROVED: _l("Approved by the unit, waiting for Sở Nội vụ")}
# an approved version where the profile has no approval: the officer recorded it
# (services.record_entry, the da_nang model)
RECORDED_LABEL = _l("Recorded")
# a page number past this is no page (and must not reach the database as an offset)
MAX_PAGE = 100000
CHANGE_LABELS = {"changed": _l("Changed"), "added": _l("Added"), "removed": _l("Removed")}
# printed on the form itself, which is a Vietnamese document in either screen language
PDF_NOTE_UNSIGNED = "Bản chưa ký"
PDF_NOTE_DRAFT = "Bản nháp, chưa được phê duyệt"


def _english():
    locale = get_locale()
    return locale is not None and locale.language == "en"


def label(thing):
    """A form label in the screen's language (the form's own words in Vietnamese)."""
    if isinstance(thing, form.Table):
        return thing.title_en if _english() else thing.title
    return thing.label_en if _english() else thing.label


def status_label(status, state=None):
    """A version's status in words; ``state``: what ``queries.version_states`` says of
    the version, which qualifies an approved one."""
    if status == "approved" and state is not None:
        return STATUS_LABELS.get(state, STATUS_LABELS[status])
    if status == "approved" and not services.approval_required():
        return RECORDED_LABEL
    return STATUS_LABELS.get(status, status)


def change_label(what):
    return CHANGE_LABELS.get(what, what)


def _employee_or_404(pk, action="read"):
    return scope.get_or_404(Employee, pk, g.user, action)


def _version_or_404(pk):
    return scope.get_or_404(RecordVersion, pk, g.user, "read")


def _diff_title(employee, version, other):
    """The diff page's heading as its title: the person, the version and the other one."""
    versions = _("version %(n)d", n=version.number)
    if other is not None:
        versions += " / " + _("version %(n)d", n=other.number)
    return "%s: %s" % (employee.full_name, versions)


def _choices(field, current):
    """A catalog's entries valid today, plus the stored code if it was retired since."""
    entries = catalogs.entries(field.catalog)
    options = [(entry.code, entry.name) for entry in entries]
    if current and current not in {code for code, _name in options}:
        options += [(entry.code, entry.name + " (" + _("no longer used") + ")")
                    for entry in catalogs.entries(field.catalog, include_retired=True)
                    if entry.code == current]
    return options


class RecordView(BaseView):
    route_base = "/records"
    class_permission_name = roles.RECORD
    method_permission_name = {
        "index": "read", "mine": "read", "person": "read", "section": "read", "pdf": "read",
        "diff": "read", "open_draft": "write", "save_section": "write", "submit": "write",
        "discard_draft": "write", "record_entry": "write",
        "signed_pdf": "read", "attach": "write", "attachment": "read",
        "remove_attachment": "write", "self_service": "self_service",
        "open_self_service": "self_service", "close_self_service": "self_service",
        "decision": "write", "decision_post": "write", "compare": "read",
        "record": "read"}
    base_permissions = roles.base_permissions(roles.RECORD)
    default_view = "index"

    def _render(self, template, **context):
        return self.render_template(template, label=label, status_label=status_label,
                                    change_label=change_label, csrf=generate_csrf(),
                                    english=_english(), **context)

    @expose("/")
    @has_access
    def index(self):
        """The people in the user's scope with their record's state (the unit's list)."""
        page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
        text = request.args.get("q", "").strip()
        incomplete = bool(request.args.get("incomplete"))
        return self._render("records/list.html", page=page, q=text, incomplete=incomplete,
                            title=_("Personal records"),
                            **queries.list_page(g.user, text, page, incomplete=incomplete))

    @expose("/me")
    @has_access
    def mine(self):
        employee = services.own_employee(g.user)
        if employee is None:
            flash(_("No personal record is linked to your account; ask your unit's data "
                    "officer."), "warning")
            return redirect(url_for("RecordView.index"))
        return redirect(url_for("RecordView.person", pk=employee.id))

    @expose("/person/<int:pk>")
    @has_access
    def person(self, pk):
        employee = _employee_or_404(pk)
        page = queries.person_page(g.user, employee)
        # where the profile has no approval the officer records the draft (da_nang)
        approval_required = services.approval_required()
        return self._render(
            "records/person.html", kind_labels=attachments.KIND_LABELS,
            approval_required=approval_required,
            may_record=not approval_required and page.may_write
            and services.may_record(g.user, page.version),
            recorded_by=None if approval_required else services.recorded_by(page.approved),
            title="%s: %s" % (_("Personal record"), employee.full_name),
            display=lambda f, v: values.display(f, v, services.catalog_namer(),
                                                english=_english()), **page.context())

    @expose("/person/<int:pk>/record")
    @has_access
    def record(self, pk):
        """The whole record on one read-only page, as the section pages show it."""
        employee = _employee_or_404(pk)
        page = queries.record_page(g.user, employee)
        namer = services.catalog_namer()     # one per page: each catalog is read once
        return self._render(
            "records/record.html",
            title="%s: %s" % (_("The whole record"), employee.full_name),
            display=lambda f, v: values.display(f, v, namer, english=_english()), **page)

    @expose("/person/<int:pk>/open", methods=["POST"])
    @has_access
    def open_draft(self, pk):
        employee = _employee_or_404(pk, "write")
        try:
            services.open_draft(g.user, employee)
        except DomainError as exc:
            flash(str(exc), "danger")
        return redirect(url_for("RecordView.person", pk=pk))

    def _section_page(self, employee, number, version, content, errors=None, typed=None):
        item = form.ITEM_BY_NUMBER.get(number)
        if item not in form.sections_for(employee.category):
            abort(404)
        editable = (version is not None and version.status == DRAFT
                    and scope.allows(g.user, "write", employee))
        groups = services.editable_groups(g.user, employee) if editable else set()
        namer = services.catalog_namer()
        typed = typed or {}
        extra = min(max(request.args.get("rows", 1, type=int), 1), 20)

        def rows_for(table):
            """The table's rows as text for the inputs: what was typed (after a
            refusal) or what is stored, then blank rows to add to."""
            if typed and "%s-rows" % table.key in typed:
                count = typed.get("%s-rows" % table.key, type=int) or 0
                return [{key[len("%s-%d-" % (table.key, i)):]: value
                         for key, value in typed.items()
                         if key.startswith("%s-%d-" % (table.key, i))}
                        for i in range(min(count, 500))]
            rows = [dict({c.key: values.display(c, row.get(c.key), namer, english=_english())
                          for c in table.columns}, _id=row["_id"])
                    for row in content["tables"].get(table.key, [])]
            return rows + [{} for _blank in range(extra if editable else 0)]

        return self._render(
            "records/section.html", employee=employee, item=item, version=version,
            title="%s. %s · %s" % (item.number, label(item), employee.full_name),
            content=content, errors=errors or {}, typed=typed or {}, groups=groups,
            owner=lambda thing, parent: thing.owner or parent.owner,
            choices=_choices, rows_for=rows_for,
            display=lambda f, v: values.display(f, v, namer, english=_english()))

    @expose("/person/<int:pk>/section/<number>")
    @has_access
    def section(self, pk, number):
        employee = _employee_or_404(pk)
        if form.ITEM_BY_NUMBER.get(number) not in form.sections_for(employee.category):
            abort(404)
        version = services.open_version(employee)
        shown = version or services.approved_version(employee)
        if shown is not None:
            services.audit_read(shown, "record.read")
            db.session.commit()
        return self._section_page(employee, number, version, services.read_content(shown))

    @expose("/person/<int:pk>/section/<number>", methods=["POST"])
    @has_access
    def save_section(self, pk, number):
        employee = _employee_or_404(pk, "write")
        version = services.open_version(employee)
        item = form.ITEM_BY_NUMBER.get(number)
        if version is None or item not in form.sections_for(employee.category):
            abort(404)
        raw_fields, raw_tables = _read_section(item)
        try:
            services.save(g.user, version, raw_fields, raw_tables,
                          request.form.get("lock", -1, type=int))
        except services.RecordInvalid as exc:
            flash(str(exc), "danger")
            return self._section_page(employee, number, version, services.read_content(version),
                                      errors=exc.errors, typed=request.form)
        except DomainError as exc:
            flash(str(exc), "danger")
            return self._section_page(employee, number, version, services.read_content(version),
                                      typed=request.form)
        flash(_("Saved."), "success")
        if request.form.get("add_row"):
            return redirect(url_for("RecordView.section", pk=pk, number=number, rows=2))
        return redirect(url_for("RecordView.person", pk=pk))

    @expose("/person/<int:pk>/submit", methods=["POST"])
    @has_access
    def submit(self, pk):
        return self._on_open_draft(pk, services.submit, _("There is no draft to submit."),
                                   _("Submitted for approval."))

    @expose("/person/<int:pk>/record-entry", methods=["POST"])
    @has_access
    def record_entry(self, pk):
        """The officer records the draft as the record's state, where the profile has no
        approval (the da_nang model: services.record_entry)."""
        return self._on_open_draft(pk, services.record_entry, _("There is no draft to record."),
                                   _("Recorded: this version is now the record."))

    @expose("/person/<int:pk>/discard", methods=["POST"])
    @has_access
    def discard_draft(self, pk):
        return self._on_open_draft(pk, services.discard, _("There is no draft to discard."),
                                   _("The draft was discarded; the approved record is "
                                     "unchanged."))

    def _on_open_draft(self, pk, act, no_draft, done):
        """``act(user, open version, lock seen)`` on the person's open draft (submit,
        discard), and back to the person's page saying how it went."""
        employee = _employee_or_404(pk, "write")
        version = services.open_version(employee)
        try:
            if version is None:
                raise DomainError(no_draft)
            act(g.user, version, request.form.get("lock", -1, type=int))
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(done, "success")
        return redirect(url_for("RecordView.person", pk=pk))

    def _decision_page(self, employee, kind, typed=None, errors=None):
        if kind not in decisions.KINDS:
            kind = next(iter(decisions.KINDS))
        definition = decisions.KINDS[kind]
        return self._render(
            "records/decision.html", employee=employee, kind=kind, kinds=decisions.KINDS,
            title="%s: %s" % (_("Enter a decision"), employee.full_name),
            fields=[form.FIELDS[key][0] for key in definition.fields],
            columns=decisions.table_columns(kind), typed=typed or {}, errors=errors or {},
            groups={"all"}, choices=_choices, training_tables=decisions.TRAINING_TABLES,
            tables=form.TABLES)

    @expose("/person/<int:pk>/decision")
    @has_access
    def decision(self, pk):
        employee = _employee_or_404(pk, "write")
        if services.actor_kind(g.user, employee) != services.OFFICER:
            flash(_("Decisions are entered by the unit's data officer."), "warning")
            return redirect(url_for("RecordView.person", pk=pk))
        return self._decision_page(employee, request.args.get("kind"))

    @expose("/person/<int:pk>/decision", methods=["POST"])
    @has_access
    def decision_post(self, pk):
        employee = _employee_or_404(pk, "write")
        kind = request.form.get("kind")
        upload = request.files.get("document")
        try:
            decisions.record_decision(
                g.user, employee, kind, request.form.get("decision_number"),
                request.form.get("decision_date"), request.form,
                upload.filename if upload else None, upload.read() if upload else b"",
                request.form.get("table"))
        except services.RecordInvalid as exc:
            flash(str(exc), "danger")
            # a new row's errors are shown beside its inputs, by column
            errors = {key[2] if isinstance(key, tuple) else key: message
                      for key, message in exc.errors.items()}
            return self._decision_page(employee, kind, request.form, errors)
        except DomainError as exc:
            flash(str(exc), "danger")
            return self._decision_page(employee, kind, request.form)
        if services.approval_required():
            flash(_("The decision is in the draft with its document; submit the record for "
                    "approval when it is complete."), "success")
        else:
            flash(_("The decision is in the draft with its document; record the change when "
                    "the record is complete."), "success")
        return redirect(url_for("RecordView.person", pk=pk))

    @expose("/self-service")
    @has_access
    def self_service(self):
        """The windows of the officer's units, and the form that opens one."""
        return self._render("records/self_service.html", group_labels=OWNER_GROUP_LABELS,
                            title=_("Self-service"),
                            form_values=request.form, **queries.self_service_page(g.user))

    @expose("/self-service/open", methods=["POST"])
    @has_access
    def open_self_service(self):
        unit = queries.unit_in_scope(g.user, request.form.get("unit_id"))
        try:
            longest = column_length(SelfServiceWindow.note)
            if len(request.form.get("note") or "") > longest:
                raise DomainError(_("The note has at most %(n)d characters.", n=longest))
            self_service.open_window(
                g.user, unit, _date(request.form.get("opens_on")),
                _date(request.form.get("closes_on")), request.form.getlist("groups"),
                [pk for pk in request.form.getlist("employee_ids") if pk.isdigit()],
                request.form.get("note"))
        except DomainError as exc:
            flash(str(exc), "danger")
            return self.self_service()
        flash(_("Self-service opened."), "success")
        return redirect(url_for("RecordView.self_service"))

    @expose("/self-service/close", methods=["POST"])
    @has_access
    def close_self_service(self):
        window = queries.window_in_scope(g.user, request.form.get("window_id"))
        try:
            if window is None:
                raise DomainError(_("Choose a window of your units."))
            self_service.close_window(g.user, window)
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("Self-service closed."), "success")
        return redirect(url_for("RecordView.self_service"))

    @expose("/person/<int:pk>/attach", methods=["POST"])
    @has_access
    def attach(self, pk):
        employee = _employee_or_404(pk, "write")
        version = services.open_version(employee)
        upload = request.files.get("document")
        try:
            if version is None:
                raise DomainError(_("Press “Start editing” first: documents go with a draft."))
            attachments.attach(g.user, version, upload.filename if upload else None,
                               upload.read() if upload else b"", request.form.get("kind"),
                               request.form.get("note"))
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("Document attached."), "success")
        return redirect(url_for("RecordView.person", pk=pk) + "#documents")

    @expose("/attachment/<int:pk>")
    @has_access
    def attachment(self, pk):
        document = attachments.readable(g.user, pk)
        if document is None:
            abort(404)
        response = make_response(attachments.content_of(document))
        response.headers["Content-Type"] = document.content_type
        response.headers["X-Content-Type-Options"] = "nosniff"
        extension = {attachments.PDF: "pdf", attachments.JPEG: "jpg",
                     attachments.PNG: "png"}[document.content_type]
        # ?inline=1: shown inside the approval page; the type comes from the bytes
        disposition = "inline" if request.args.get("inline") else "attachment"
        response.headers["Content-Disposition"] = '%s; filename="tai-lieu-%d.%s"' % (
            disposition, document.id, extension)
        return response

    @expose("/attachment/<int:pk>/remove", methods=["POST"])
    @has_access
    def remove_attachment(self, pk):
        document = attachments.readable(g.user, pk)
        if document is None:
            abort(404)
        employee_id = document.employee_id
        try:
            attachments.remove(g.user, document)
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("Document removed from the draft."), "success")
        return redirect(url_for("RecordView.person", pk=employee_id) + "#documents")

    @expose("/person/<int:pk>/signed.pdf")
    @has_access
    def signed_pdf(self, pk):
        """The record's last copy signed by the person with authority and the seal."""
        employee = _employee_or_404(pk)
        export = queries.latest_signed_copy(employee)
        if export is None:
            flash(_("No signed copy of this record exists yet; ask the head of your unit "
                    "for one."), "warning")
            return redirect(url_for("RecordView.person", pk=pk))
        body = queries.signed_copy_content(export)
        services.audit_read(export.version, "record.export")
        db.session.commit()
        response = make_response(body)
        response.headers["Content-Type"] = "application/pdf"
        response.headers["Content-Disposition"] = (
            'attachment; filename="so-yeu-ly-lich-%d-ky-so.pdf"' % employee.id)
        return response

    @expose("/version/<int:pk>/diff")
    @has_access
    def diff(self, pk):
        version = _version_or_404(pk)
        other_id = request.args.get("against", type=int)
        if other_id:
            other = _version_or_404(other_id)
            if other.employee_id != version.employee_id:
                abort(404)
        else:
            other = version.base
        changes = services.diff(services.read_content(other), services.read_content(version))
        services.audit_read(version, "record.diff")
        db.session.commit()
        return self._render("records/diff.html", version=version, other=other,
                            changes=changes, employee=version.employee,
                            title=_diff_title(version.employee, version, other))

    @expose("/person/<int:pk>/compare")
    @has_access
    def compare(self, pk):
        """Any two versions of one record, the older first."""
        employee = _employee_or_404(pk)
        pair = queries.version_pair(g.user, employee, request.args.get("against"),
                                    request.args.get("newer"))
        if pair is None:
            flash(_("Choose two versions of this record."), "warning")
            return redirect(url_for("RecordView.person", pk=pk))
        older, newer = pair
        changes = services.diff(services.read_content(older), services.read_content(newer))
        services.audit_read(newer, "record.diff")
        db.session.commit()
        return self._render("records/diff.html", version=newer, other=older, changes=changes,
                            employee=employee, title=_diff_title(employee, newer, older))

    @expose("/person/<int:pk>/pdf")
    @has_access
    def pdf(self, pk):
        employee = _employee_or_404(pk)
        approved = services.approved_version(employee)
        version = approved or services.open_version(employee)
        if version is None:
            flash(_("This record has no content yet."), "warning")
            return redirect(url_for("RecordView.person", pk=pk))
        note = PDF_NOTE_UNSIGNED if approved is not None else PDF_NOTE_DRAFT
        body = pdf.record_pdf(services.read_content(version),
                              catalog_name=services.catalog_namer(), title_note=note)
        services.audit_read(version, "record.export")
        db.session.commit()
        response = make_response(body)
        response.headers["Content-Type"] = "application/pdf"
        response.headers["Content-Disposition"] = (
            'attachment; filename="so-yeu-ly-lich-%d-v%d.pdf"' % (employee.id, version.number))
        return response


def _read_section(item):
    """What the section's form sent: {field: text} and {table: [row]}."""
    raw_fields = {f.key: request.form.get(f.key, "") for f in item.fields
                  if f.key in request.form}
    for child in item.children:
        raw_fields.update({f.key: request.form.get(f.key, "") for f in child.fields
                           if f.key in request.form})
    raw_tables = {}
    for table in item.tables:
        count = request.form.get("%s-rows" % table.key, type=int)
        if count is None:
            continue
        rows = []
        for index in range(min(count, 500)):
            prefix = "%s-%d-" % (table.key, index)
            row = {column.key: request.form.get(prefix + column.key, "")
                   for column in table.columns}
            row["_id"] = request.form.get(prefix + "_id") or None
            # a removed row keeps its place, so that errors name the screen's rows
            row["_remove"] = bool(request.form.get(prefix + "_remove"))
            rows.append(row)
        raw_tables[table.key] = rows
    return raw_fields, raw_tables
