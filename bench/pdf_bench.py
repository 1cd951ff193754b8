"""The signed export of a sơ yếu lý lịch against the render alone, in the same run.

    python -m bench.pdf_bench [--repeat 30]

The export path of app/approval/exports.py without its database: a complete demo
record (app/records/demo.py) rendered by app/records/pdf.py, then signed twice
(the person with authority, then the agency's seal) by
``exports.signed_record_pdf``. Each round measures the render alone and the render
with the two signatures back to back, so that both see the same load on the
machine; the figures are medians of the rounds. Opening the two PKCS#12 key files
(what a request does before signing: the person's PIN, the seal's passphrase) is
measured apart, in the same rounds. No PostgreSQL needed.
"""
import argparse
import datetime as dt
import statistics
import time
from types import SimpleNamespace

from app.approval import exports
from app.records import pdf as record_pdf
from app.records.demo import demo_content
from app.signing import pki
from app.signing.providers import Pkcs12Signer

PIN = "bench-pin"
UNIT = "Sở Nội vụ tỉnh Phú Thọ"
COMMUNES = ["Phường Vĩnh Yên", "Xã Tam Dương", "Phường Phúc Yên", "Xã Lập Thạch"]
# the names the printed form shows for the demo record's catalog codes
CATALOG_NAMES = {("dan_toc", "01"): "Kinh", ("dan_toc", "02"): "Tày",
                 ("dan_toc", "04"): "Hoa", ("dan_toc", "05"): "Khơ-me",
                 ("ton_giao", "00"): "Không", ("ton_giao", "01"): "Phật giáo",
                 ("ton_giao", "02"): "Công giáo", ("tinh", "25"): "Phú Thọ",
                 ("trinh_do_chuyen_mon", "DH"): "Đại học",
                 ("trinh_do_chuyen_mon", "THS"): "Thạc sĩ",
                 ("trinh_do_chuyen_mon", "CD"): "Cao đẳng"}


def catalog_name(catalog, code):
    return CATALOG_NAMES.get((catalog, code), code)


def key_files():
    """A demo CA, the head's and the agency's PKCS#12 files."""
    ca_key, ca_cert = pki.make_ca("HoSo bench CA")
    person_key, person = pki.issue(ca_key, ca_cert, "Nguyễn Văn Thủ Trưởng",
                                   organization=UNIT, email="thutruong@bench.invalid")
    seal_key, seal = pki.issue(ca_key, ca_cert, UNIT, organization=UNIT, seal=True)
    return ca_cert, (pki.to_pkcs12(person_key, person, [ca_cert], PIN),
                     pki.to_pkcs12(seal_key, seal, [ca_cert], PIN))


def median_ms(samples):
    return statistics.median(samples) * 1000


def measure(repeat):
    ca_cert, (person_p12, seal_p12) = key_files()
    person = SimpleNamespace(full_name="Nguyễn Thị Hằng", category="cong_chuc",
                             unit=SimpleNamespace(name=UNIT))
    content = demo_content(person, COMMUNES)
    when = dt.datetime.now(dt.timezone.utc)
    render, signed, keys = [], [], []
    signer, seal = Pkcs12Signer.load(person_p12, PIN), Pkcs12Signer.load(seal_p12, PIN)
    # one of each first: fonts registered, modules imported, caches as in a served process
    record_pdf.record_pdf_with_spots(content, catalog_name=catalog_name,
                                     title_note=exports.SIGNED_NOTE)
    exports.signed_record_pdf(content, signer, seal, location=UNIT, when=when,
                              catalog_name=catalog_name)
    for _ in range(repeat):
        started = time.perf_counter()
        record_pdf.record_pdf_with_spots(content, catalog_name=catalog_name,
                                         title_note=exports.SIGNED_NOTE)
        render.append(time.perf_counter() - started)
        started = time.perf_counter()
        document = exports.signed_record_pdf(content, signer, seal, location=UNIT, when=when,
                                             catalog_name=catalog_name)
        signed.append(time.perf_counter() - started)
        started = time.perf_counter()
        with Pkcs12Signer.load(person_p12, PIN), Pkcs12Signer.load(seal_p12, PIN):
            pass
        keys.append(time.perf_counter() - started)
    signer.close()
    seal.close()
    return ca_cert, document, render, signed, keys


def check(document, ca_cert):
    """The last signed copy holds two valid signatures (our verifier; the tests also
    ask pdfsig and pyHanko)."""
    from app.signing.pdf import verify_pdf
    found = verify_pdf(document, [ca_cert])
    assert [s.valid for s in found] == [True, True], [s.problems for s in found]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    ca_cert, document, render, signed, keys = measure(args.repeat)
    check(document, ca_cert)
    r, s, k = median_ms(render), median_ms(signed), median_ms(keys)
    print("sơ yếu lý lịch PDF, median of %d rounds (each round: both, back to back)"
          % args.repeat)
    print("%-46s %9.1f ms" % ("render alone", r))
    print("%-46s %9.1f ms" % ("render + 2 signatures (the export)", s))
    print("%-46s %9.2fx" % ("ratio", s / r))
    print("%-46s %9.1f ms" % ("the 2 signatures (difference)", s - r))
    print("%-46s %9.1f ms" % ("opening the 2 key files (PKCS#12), apart", k))
    print("%-46s %9d bytes" % ("signed copy", len(document)))


if __name__ == "__main__":
    main()
