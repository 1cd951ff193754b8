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
    """An NSS database in ``directory`` trusting only ``ca_cert``; its pdfsig name."""
    (directory / "ca.pem").write_bytes(pki.cert_pem(ca_cert))
    subprocess.run(["certutil", "-N", "--empty-password", "-d", "sql:%s" % directory],
                   check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-n", "ca", "-t", "CT,C,C", "-i",
                    str(directory / "ca.pem"), "-d", "sql:%s" % directory],
                   check=True, capture_output=True)
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
