"""External signing: only the digest leaves the server; the CMS that comes back is
accepted for the same data and refused for any other."""
import hashlib

import pytest

from app.signing import cms
from app.signing.providers import SigningError, accept_external, prepare_external
from tests.signing.conftest import PERSON_PIN
from tests.signing.stand_in_signer import sign_digest

DATA = '{"ho_ten":"Trần Thị Bình","schema":1}'.encode()


def test_only_the_digest_leaves_the_server():
    request = prepare_external(DATA)
    assert request == {"algorithm": "sha256", "digest": hashlib.sha256(DATA).hexdigest()}


def test_cms_from_the_digest_verifies_for_the_right_data(person_p12, ca_cert):
    returned = sign_digest(prepare_external(DATA), person_p12, PERSON_PIN)
    result = cms.verify_detached(DATA, returned, [ca_cert])
    assert result.valid, result.problems
    assert result.signer_name == "Nguyễn Văn An"
    assert result.signed_at is not None
    assert accept_external(DATA, returned, [ca_cert]).valid


def test_cms_is_refused_for_other_data(person_p12, ca_cert):
    returned = sign_digest(prepare_external(DATA), person_p12, PERSON_PIN)
    other = DATA + b" "
    result = cms.verify_detached(other, returned, [ca_cert])
    assert not result.intact and not result.valid
    with pytest.raises(SigningError, match="The content was changed"):
        accept_external(other, returned, [ca_cert])


def test_cms_from_an_untrusted_signer_is_refused(person_p12, other_ca):
    returned = sign_digest(prepare_external(DATA), person_p12, PERSON_PIN)
    with pytest.raises(SigningError, match="trusted certification authority"):
        accept_external(DATA, returned, [other_ca[1]])
