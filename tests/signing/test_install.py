"""The oscrypto trap (STACK-NOTES): a fresh install of oscrypto 1.3.0 cannot import
under OpenSSL 3.0.1x, so `import endesive.pdf` fails; the step `make install` runs
(app/signing/oscrypto_patch.py) fixes it, and then a PDF signs and verifies."""
import pathlib
import shutil
import subprocess
import sys

import pytest

from app.signing import oscrypto_patch

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "app" / "signing" / "oscrypto_patch.py"

SIGN_AND_VERIFY = r"""
import endesive.pdf, oscrypto
assert oscrypto.__file__.startswith(%(fresh)r), oscrypto.__file__
from app.signing import pki, pdf
from app.signing.providers import Pkcs12Signer
from tests.signing.conftest import make_pdf
ca_key, ca = pki.make_ca()
key, cert = pki.issue(ca_key, ca, "Nguyễn Văn An", organization="UBND")
signer = Pkcs12Signer.load(pki.to_pkcs12(key, cert, [ca], "1"), "1")
signed = pdf.sign_pdf(make_pdf(), signer, field_name="A", reason="r", location="l")
[sig] = pdf.verify_pdf(signed, [ca])
verifier = endesive.pdf.PDFVerifier(signed, [pki.cert_pem(ca)])
print("OK", sig.valid, all(r.hashok and r.signatureok and r.certok
                          for r in verifier.verify_all_signatures()))
"""


@pytest.fixture
def fresh_oscrypto(tmp_path):
    """A copy of oscrypto as pip installs it (the upstream 1.3.0 version check)."""
    installed = oscrypto_patch.oscrypto_dir()
    target = tmp_path / "site" / "oscrypto"
    shutil.copytree(installed, target, ignore=shutil.ignore_patterns("__pycache__"))
    for name in oscrypto_patch.FILES:
        path = target / "_openssl" / name
        path.write_text(path.read_text().replace(oscrypto_patch.NEW, oscrypto_patch.OLD))
    return target


def run(code, site):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": "%s:%s" % (site, ROOT),
           "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT)


def test_fresh_oscrypto_breaks_then_the_install_step_fixes_it(fresh_oscrypto):
    site = fresh_oscrypto.parent
    broken = run("import endesive.pdf", site)
    assert "Error detecting the version of libcrypto" in broken.stderr

    first = subprocess.run([sys.executable, str(SCRIPT), str(site)], capture_output=True,
                           text=True, check=True)
    assert "patched _libcrypto_cffi.py, _libcrypto_ctypes.py" in first.stdout
    again = subprocess.run([sys.executable, str(SCRIPT), str(site)], capture_output=True,
                           text=True, check=True)
    assert "already" in again.stdout        # idempotent

    fixed = run(SIGN_AND_VERIFY % {"fresh": str(fresh_oscrypto)}, site)
    assert fixed.returncode == 0, fixed.stderr
    assert fixed.stdout.strip().endswith("OK True True")


def test_the_venv_is_patched_and_make_install_runs_the_step():
    import endesive.pdf  # noqa: F401 - fails if the venv's oscrypto is not patched
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile[makefile.index("$(VENV)/.installed: requirements.txt"):]
    recipe = recipe[:recipe.index("touch $@")]
    assert "$(BIN)/python app/signing/oscrypto_patch.py" in recipe
