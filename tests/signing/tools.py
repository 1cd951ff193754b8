"""The independent verifiers the tests trust: poppler's pdfsig (with an NSS
database that trusts only the given CA) and pyHanko."""
import concurrent.futures
import io
import re
import subprocess

from asn1crypto import x509 as ax509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from app.signing import pki


def nss_database(directory, ca_cert):
    """An NSS database in ``directory`` trusting only ``ca_cert`` (one certificate or a
    list of them); its pdfsig name."""
    subprocess.run(["certutil", "-N", "--empty-password", "-d", "sql:%s" % directory],
                   check=True, capture_output=True)
    for index, cert in enumerate(ca_cert if isinstance(ca_cert, (list, tuple)) else [ca_cert]):
        path = directory / ("ca%d.pem" % index)
        path.write_bytes(pki.cert_pem(cert))
        subprocess.run(["certutil", "-A", "-n", "ca%d" % index, "-t", "CT,C,C", "-i",
                        str(path), "-d", "sql:%s" % directory], check=True, capture_output=True)
    return "sql:%s" % directory


def pdfsig(data, nss_db, tmp_path):
    """pdfsig's report, one text block per signature."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfsig", "-nssdir", nss_db, str(path)],
                         capture_output=True, text=True)
    return re.split(r"^Signature #\d+:$", out.stdout, flags=re.M)[1:]


def _validate(data, ca_cert):
    context = ValidationContext(trust_roots=[ax509.Certificate.load(pki.cert_der(ca_cert))],
                                allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    return [validate_pdf_signature(sig, context) for sig in reader.embedded_signatures]


def pyhanko_statuses(data, ca_cert):
    """pyHanko's verdict on each signature. pyHanko runs its own asyncio loop, which
    cannot start where one already runs (Playwright's, for the browser tests of the
    same session): it gets a thread of its own."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_validate, data, ca_cert).result()


def _validate_detached(data, cms_der, ca_cert):
    import asyncio

    from asn1crypto import cms as acms
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
    context = ValidationContext(trust_roots=[ax509.Certificate.load(pki.cert_der(ca_cert))],
                                allow_fetching=False)
    signed_data = acms.ContentInfo.load(cms_der)["content"]
    return asyncio.run(async_validate_detached_cms(data, signed_data,
                                                   signer_validation_context=context))


def pyhanko_detached_status(data, cms_der, ca_cert):
    """pyHanko's verdict on a detached CMS over ``data`` (in a thread: see above)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_validate_detached, data, cms_der, ca_cert).result()


def openssl_cms_verify(data, cms_der, ca_cert, tmp_path):
    """`openssl cms -verify` of a detached DER CMS over ``data``, trusting only
    ``ca_cert``: (exit status, stderr)."""
    (tmp_path / "data").write_bytes(data)
    (tmp_path / "sig.der").write_bytes(cms_der)
    (tmp_path / "ca.pem").write_bytes(pki.cert_pem(ca_cert))
    out = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER",
                          "-in", str(tmp_path / "sig.der"), "-content", str(tmp_path / "data"),
                          "-CAfile", str(tmp_path / "ca.pem"), "-purpose", "any",
                          "-out", "/dev/null"], capture_output=True, text=True)
    return out.returncode, out.stderr
