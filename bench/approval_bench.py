"""Approving a batch of 500 submitted versions with signatures, in a province
of 200,000 people, against the same batch approved without signatures.

    python -m bench.approval_bench [--units 5000] [--employees 200000] [--batch 500]
                                   [--rounds 2]

On PostgreSQL (TEST_DATABASE_URL's server, or a throwaway cluster as in the
tests): a fresh database, migrated, filled by bench.generate; then the head
of one Sở gets 2 × --batch submitted versions of its staff and a registered key
file. One half is approved through app.approval.services.approve_many as the
queue's "approve" does (the key file unlocked once per batch with the PIN,
``keys.unlocked``; each version in its own transaction: row lock, who approves,
canonical JSON, detached CMS, insert), the other half through
``approve_unsigned`` below, which makes the same state change
(app.records.services.mark_approved, what the signed approval calls after
signing) in a transaction of its own without signing: the baseline. The two
alternate in --rounds rounds (a signed batch of batch/rounds versions, then as
many unsigned), so that both see the same machine; the ratio is of the sums.
"""
import argparse
import datetime as dt
import os
import secrets
import tempfile
import time

from cryptography.fernet import Fernet
from sqlalchemy import func, select

from app import create_app
from app.approval import canonical, keys
from app.approval import services as approval
from app.approval.models import KIND_PKCS12, Approval, SigningCredential
from app.core import clock
from app.extensions import db
from app.org.models import LEADER_HEAD, Unit, UnitLeader
from app.records import services as records
from app.org.models import Employee
from app.records.models import SUBMITTED, RecordVersion
from app.security import roles, scope
from app.application.roles_sync import sync_security
from app.signing import cms, pki
from bench.database import province_database

PIN = "bench-pin"
# what a complete record carries (canonical strings), without its sensitive part
CONTENT = {"schema": 1, "fields": {
    "ho_ten": "", "gioi_tinh": "nu", "ngay_sinh": "1985-09-05", "noi_sinh": "Xã Tam Dương",
    "que_quan_xa": "Xã Tam Dương", "que_quan_tinh": "25", "dan_toc": "01", "ton_giao": "00",
    "noi_o": "Phường Vĩnh Yên", "giao_duc_pho_thong": "12/12",
    "trinh_do_chuyen_mon": "DH"}, "tables": {}}


def _setup(app, batch):
    """The Sở with the most staff, its head with a key, 2 × batch submitted versions."""
    with app.app_context():
        sync_security(app.appbuilder)
        staff = func.count(Employee.id)
        unit_id = db.session.execute(
            select(Employee.unit_id, staff).join(Unit, Unit.id == Employee.unit_id)
            .where(Unit.is_employing.is_(True)).group_by(Employee.unit_id)
            .order_by(staff.desc()).limit(1)).first()[0]
        unit = db.session.get(Unit, unit_id)
        people = list(db.session.scalars(select(Employee).where(
            Employee.unit_id == unit_id).order_by(Employee.id)))
        while len(people) < 2 * batch + 1:
            person = Employee(full_name="Người thử %d" % len(people), category="cong_chuc",
                              unit_id=unit_id)
            db.session.add(person)
            people.append(person)
        db.session.flush()
        sm = app.appbuilder.sm
        head_account = sm.add_user(username="bench_head", first_name="Trưởng",
                                   last_name="Thủ", email="head@bench.invalid",
                                   role=sm.find_role(roles.ROLE_HEAD), password="x" * 12)
        head_account.unit_id = unit_id
        head, staff_members = people[0], people[1:2 * batch + 1]
        head.account_id = head_account.id
        db.session.add(UnitLeader(unit_id=unit_id, employee_id=head.id, position=LEADER_HEAD,
                                  valid_from=dt.date(2024, 1, 1)))
        now = clock.now()
        ids = []
        for person in staff_members:
            content = dict(CONTENT, fields=dict(CONTENT["fields"], ho_ten=person.full_name))
            version = RecordVersion(employee_id=person.id, number=1, status=SUBMITTED,
                                    content=content, lock=0, completeness=100,
                                    created_at=now, updated_at=now, submitted_at=now)
            db.session.add(version)
            db.session.flush()
            ids.append(version.id)
        ca_key, ca_cert = pki.make_ca("HoSo bench CA")
        key, cert = pki.issue(ca_key, ca_cert, "Thủ trưởng bench", organization=unit.name)
        p12 = pki.to_pkcs12(key, cert, [ca_cert], PIN)
        keys.add_trusted_root(ca_cert)
        credential = keys.register_pkcs12(head_account, p12, PIN, "Khóa bench")
        db.session.commit()
        account_id, credential_id = head_account.id, credential.id
        db.session.remove()
    return account_id, credential_id, ids, len(people)


def approve_unsigned(head, version_id):
    """The baseline: one version made the approved state by the state change the
    signed approval makes (records.mark_approved), after the head's scope is
    checked, in a transaction of its own, without signing. The bench's own: the
    app approves with signatures only."""
    version = db.session.get(RecordVersion, version_id)
    if version.status != SUBMITTED or not scope.allows(head, "approve", version.employee):
        raise RuntimeError("version %d is not the head's to approve" % version_id)
    records.mark_approved(head, version)
    db.session.commit()


def measure(app, account_id, credential_id, ids, batch, rounds):
    signed_ids, plain_ids = ids[:batch], ids[batch:]
    size = -(-batch // rounds)
    with app.app_context():
        from app.accounts.models import Account
        head = db.session.get(Account, account_id)
        credential = db.session.get(SigningCredential, credential_id)
        started = time.perf_counter()
        queue = approval.queue(head)
        queue_ms = (time.perf_counter() - started) * 1000
        assert len(queue) == 2 * batch, len(queue)
        signed_s = plain_s = 0.0
        for start in range(0, batch, size):
            started = time.perf_counter()
            outcomes = approval.approve_many(head, signed_ids[start:start + size],
                                             keys.unlocked(credential, PIN), KIND_PKCS12)
            signed_s += time.perf_counter() - started
            assert all(o.approved for o in outcomes), [o.message for o in outcomes
                                                       if not o.approved]
            started = time.perf_counter()
            for version_id in plain_ids[start:start + size]:
                approve_unsigned(head, version_id)
            plain_s += time.perf_counter() - started
        started = time.perf_counter()
        verdicts = [approval.verify(a) for a in db.session.scalars(select(Approval))]
        verify_s = time.perf_counter() - started
        assert len(verdicts) == batch and all(v.valid for v in verdicts)
        signing_s = signing_alone(credential, [
            canonical.canonical_bytes(db.session.get(RecordVersion, i)) for i in signed_ids],
            rounds=-(-batch // size))
        db.session.remove()
    return queue_ms, signed_s, plain_s, verify_s, signing_s


def signing_alone(credential, documents, rounds):
    """What signing itself adds to the batch, measured apart: the key file unlocked
    once per round, and a detached CMS over each version's canonical bytes."""
    per_round = -(-len(documents) // rounds)
    started = time.perf_counter()
    for start in range(0, len(documents), per_round):
        with keys.unlocked(credential, PIN) as signer:
            prepared = cms.DetachedSigner(signer)
            for data in documents[start:start + per_round]:
                prepared.sign(data)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--employees", type=int, default=200000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2,
                        help="signed and unsigned batches alternate this many times")
    args = parser.parse_args()
    environ = {"HOSO_ENV": "test", "SECRET_KEY": "bench-" + "x" * 40, "MAIL_SERVER": "",
               # keys of the run's own: HOSO_ENV=test refuses the development keys
               "RECORD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
               "IDENTITY_HASH_KEY": secrets.token_urlsafe(32),
               "AUDIT_CHAIN_KEY": secrets.token_urlsafe(32),
               "SIGNING_TRUST_FILE": os.path.join(tempfile.mkdtemp(prefix="hoso-bench-"),
                                                  "trusted-ca.pem")}
    with province_database(args.units, args.employees, environ) as (_url, environ):
        app = create_app(environ=environ)
        account_id, credential_id, ids, unit_size = _setup(app, args.batch)
        queue_ms, signed_s, plain_s, verify_s, signing_s = measure(app, account_id, credential_id, ids,
                                                        args.batch, max(1, args.rounds))
        with app.app_context():
            db.engine.dispose()
    n = args.batch
    print("%d units, %d employees; one Sở of %d people, %d submitted versions"
          % (args.units, args.employees, unit_size, 2 * n))
    print("the head's queue (authority checked per version): %.0f ms" % queue_ms)
    print("%-44s %9s %12s" % ("%d versions, %d round(s)" % (n, max(1, args.rounds)),
                                "total (s)", "per version"))
    print("%-44s %9.2f %9.1f ms" % ("approved with signatures (approve_many)", signed_s,
                                   signed_s / n * 1000))
    print("%-44s %9.2f %9.1f ms" % ("baseline: approved without (mark_approved)", plain_s,
                                   plain_s / n * 1000))
    print("%-44s %9.2fx" % ("ratio signed / unsigned", signed_s / plain_s))
    print("%-44s %9.2f %9.1f ms" % ("of which signing (key + CMS), measured apart",
                                   signing_s, signing_s / n * 1000))
    print("%-44s %9.2f %9.1f ms" % ("verifying the %d signatures" % n, verify_s,
                                   verify_s / n * 1000))


if __name__ == "__main__":
    main()
