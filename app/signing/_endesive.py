"""endesive's `hsm` interface over our `Signer` (imported only when signing)."""
from endesive.hsm import BaseHSM

from app.signing import pki


class SignerHSM(BaseHSM):
    """endesive asks `certificate()` for (key id, certificate) and `sign()` for the raw
    signature over the DER of the signed attributes."""

    def __init__(self, signer):
        self.signer = signer

    def certificate(self):
        return "signer", pki.cert_der(self.signer.certificate)

    def sign(self, keyid, data, mech):
        return self.signer.sign_raw(data, mech)
