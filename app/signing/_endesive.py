"""endesive's `hsm` interface over our `Signer` (imported only when signing)."""
from endesive.hsm import BaseHSM

from app.signing import cms


class SignerHSM(BaseHSM):
    """endesive asks `certificate()` for (key id, certificate) and `sign()` for the raw
    signature over the DER of the signed attributes. The certificate is the DER cached
    per process (`cms.certificate_parts`), which endesive loads without re-encoding."""

    def __init__(self, signer):
        self.signer = signer

    def certificate(self):
        return "signer", cms.certificate_parts(self.signer.certificate).der

    def sign(self, keyid, data, mech):
        return self.signer.sign_raw(data, mech)
