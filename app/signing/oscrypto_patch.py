"""Make oscrypto 1.3.0 accept OpenSSL 3.0.10 and later (run by `make install`).

endesive imports `endesive.pdf.verify` → certvalidator → oscrypto, whose libcrypto
version check (``\\b(\\d\\.\\d\\.\\d[a-z]*)\\b``) cannot read "OpenSSL 3.0.19" and raises
``LibraryNotFoundError: Error detecting the version of libcrypto``. The fix is the
upstream one (oscrypto's repository, also carried by Debian's python3-oscrypto
1.3.0-1+deb12u1): accept multi-digit version parts. This script rewrites that one
regular expression in the installed oscrypto, idempotently; it imports nothing from
oscrypto or the app, so it runs right after `pip install`.

Usage: python app/signing/oscrypto_patch.py [SITE_PACKAGES_DIR]
"""
import importlib.util
import pathlib
import sys

OLD = r"'\\b(\\d\\.\\d\\.\\d[a-z]*)\\b'"
NEW = r"'\\b(\\d+\\.\\d+\\.\\d+[a-z]*)\\b'"
FILES = ("_libcrypto_cffi.py", "_libcrypto_ctypes.py")


def oscrypto_dir(site_packages=None):
    if site_packages:
        path = pathlib.Path(site_packages) / "oscrypto"
        return path if path.is_dir() else None
    spec = importlib.util.find_spec("oscrypto")   # locates, does not import
    return pathlib.Path(spec.origin).parent if spec and spec.origin else None


def patch(package_dir):
    """Patch the files under ``package_dir``; returns the names changed."""
    changed = []
    for name in FILES:
        path = pathlib.Path(package_dir) / "_openssl" / name
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        if OLD in text:
            path.write_text(text.replace(OLD, NEW), encoding="utf-8")
            changed.append(name)
            for cached in path.parent.glob("__pycache__/%s.*.pyc" % path.stem):
                cached.unlink()
    return changed


def main(argv):
    package_dir = oscrypto_dir(argv[1] if len(argv) > 1 else None)
    if package_dir is None:
        print("oscrypto is not installed: nothing to patch")
        return 0
    changed = patch(package_dir)
    print("oscrypto: patched %s" % ", ".join(changed) if changed
          else "oscrypto: already accepts OpenSSL 3.0.1x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
