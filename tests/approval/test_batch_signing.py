"""Signing at batch speed, and no faster than safe: a batch of approvals opens the
approver's key once (one key file unlocked, one token session), signs every version
with one prepared CMS signer, and keeps nothing of the unlocked key once it ends."""
import gc
import types
import weakref

import pytest

from app.approval import keys, services
from app.approval.models import KIND_PKCS11, KIND_PKCS12, SigningCredential
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from app.records.models import APPROVED, SUBMITTED, RecordVersion
from app.signing import cms, providers, softhsm
from tests.approval.conftest import PIN, account, submitted
from tests.approval.test_approval import IN_WINDOW

# two of thutruong's unit A, and bacsi of another unit, whose record thutruong may not approve
STAFF = ("canhan", "giaovien", "bacsi")


class TrackedKey:
    """Stands in for the unlocked private key (cryptography's keys take no weak
    reference): signs with it, and can be watched for being let go of."""

    def __init__(self, key):
        self._key = key

    def sign(self, *args):
        return self._key.sign(*args)


@pytest.fixture
def key_file_opens(monkeypatch):
    """Every opening of a PKCS#12 key file in the signing providers: a weak reference
    to the key each one unlocked."""
    real = providers.pkcs12.load_key_and_certificates
    opened = []

    def load(data, password, *args):
        key, certificate, extra = real(data, password, *args)
        tracked = TrackedKey(key)
        opened.append(weakref.ref(tracked))
        return tracked, certificate, extra

    monkeypatch.setattr(providers, "pkcs12", types.SimpleNamespace(
        load_key_and_certificates=load))
    return opened


def test_a_batch_opens_the_key_once_and_keeps_nothing_of_it(app, province, people,
                                                            approvers, key_file_opens):
    ids = [submitted(app, province, people, name) for name in STAFF]
    with app.app_context(), clock.freeze(IN_WINDOW):
        head = account(province, "thutruong")
        credential = db.session.get(SigningCredential, approvers.credential["thutruong"])
        outcomes = services.approve_many(head, ids, keys.unlocked(credential, PIN),
                                         KIND_PKCS12)
        assert [o.approved for o in outcomes] == [True, True, False], outcomes
        assert len(key_file_opens) == 1         # one key file opened for the batch
        gc.collect()
        assert key_file_opens[0]() is None      # and nothing of the key survives it
        approved = [db.session.get(RecordVersion, i) for i in ids[:2]]
        assert [v.status for v in approved] == [APPROVED, APPROVED]
        assert all(v.valid for version in approved for v in services.verdicts(version))
        db.session.remove()


def test_a_signer_handed_to_a_batch_is_closed_when_it_ends(app, province, people,
                                                            approvers, key_file_opens):
    ids = [submitted(app, province, people, name) for name in STAFF[:2]]
    with app.app_context(), clock.freeze(IN_WINDOW):
        signer = approvers.signer("thutruong")
        outcomes = services.approve_many(account(province, "thutruong"), ids, signer,
                                         KIND_PKCS12)
        assert [o.approved for o in outcomes] == [True, True]
        # the caller's signer object remains, its key does not
        gc.collect()
        assert key_file_opens[0]() is None
        with pytest.raises(RuntimeError, match="closed"):
            signer.sign_raw(b"after the batch")
        db.session.remove()


def test_a_wrong_pin_stops_the_batch_before_any_version(app, province, people, approvers,
                                                         key_file_opens):
    ids = [submitted(app, province, people, name) for name in STAFF[:2]]
    with app.app_context(), clock.freeze(IN_WINDOW):
        credential = db.session.get(SigningCredential, approvers.credential["thutruong"])
        with pytest.raises(DomainError, match="PIN"):
            services.approve_many(account(province, "thutruong"), ids,
                                  keys.unlocked(credential, PIN + "0"), KIND_PKCS12)
        assert [db.session.get(RecordVersion, i).status for i in ids] == [SUBMITTED] * 2
        db.session.remove()


def test_a_token_batch_logs_in_once_and_out_at_the_end(app, province, people, approvers,
                                                        soft_token, test_ca, monkeypatch):
    certificate = softhsm.provision(soft_token, *test_ca, "Người ký lô bằng token",
                                    organization="HoSo tests", key_label="batch-token",
                                    key_id=b"\x0b")
    ids = [submitted(app, province, people, name) for name in STAFF[:2]]
    sessions = []
    real_init = providers.Pkcs11Signer.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        sessions.append(self)

    monkeypatch.setattr(providers.Pkcs11Signer, "__init__", init)
    with app.app_context(), clock.freeze(IN_WINDOW):
        head = account(province, "thutruong")
        credential = keys.register_pkcs11(head, certificate, soft_token.label,
                                          "batch-token", "USB token")
        db.session.commit()
        outcomes = services.approve_many(head, ids, keys.unlocked(credential,
                                                                  soft_token.pin),
                                         KIND_PKCS11)
        assert [o.approved for o in outcomes] == [True, True]
        assert len(sessions) == 1 and sessions[0]._session is None   # logged out
        version = db.session.get(RecordVersion, ids[1])
        assert [v.valid for v in services.verdicts(version)] == [True]
        db.session.remove()


def test_the_batch_signs_with_one_prepared_cms_signer(app, province, people, approvers,
                                                       monkeypatch):
    ids = [submitted(app, province, people, name) for name in STAFF[:2]]
    prepared = []
    real_init = cms.DetachedSigner.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        prepared.append(self)

    monkeypatch.setattr(cms.DetachedSigner, "__init__", init)
    with app.app_context(), clock.freeze(IN_WINDOW):
        outcomes = services.approve_many(account(province, "thutruong"), ids,
                                         approvers.signer("thutruong"), KIND_PKCS12)
        assert [o.approved for o in outcomes] == [True, True]
        assert len(prepared) == 1
        db.session.remove()
