"""The signature box's font is parsed once per process, not once per signature
(endesive parses the font file for each box it draws), and the box stays what
readers see: the Vietnamese text, extractable, in every signed copy, also when
several threads sign at once (reportlab's font objects are shared by the process)."""
import subprocess
import threading

import pytest
from reportlab.pdfbase import ttfonts

from app.signing import pdf
from tests.signing.conftest import YESTERDAY


@pytest.fixture
def font_parses(monkeypatch):
    """The box fonts a fresh process would hold (none), and every parse of a TrueType
    file by reportlab from now on."""
    monkeypatch.setattr(pdf, "_font_files", {})
    parsed = []
    real = ttfonts.TTFontFile.__init__

    def parse(self, file, *args, **kwargs):
        parsed.append(file)
        real(self, file, *args, **kwargs)

    monkeypatch.setattr(ttfonts.TTFontFile, "__init__", parse)
    return parsed


@pytest.fixture
def endesive_font_reads(monkeypatch):
    """Every time endesive's own TrueType code would read a font file."""
    from endesive.pdf.PyPDF2_annotate import ttfonts as endesive_ttfonts
    reads = []
    for name in ("getMetrics", "makeSubset"):
        monkeypatch.setattr(endesive_ttfonts.TTFontFile, name,
                            lambda self, file, *args, name=name: reads.append((name, file)))
    return reads


def sign(document, signer, n):
    return pdf.sign_pdf(document, signer, field_name="Ky%d" % n, reason="Phê duyệt",
                        location="Phú Thọ", box=(40, 40 + 60 * n, 300, 95 + 60 * n),
                        signed_at=YESTERDAY)


def test_the_box_font_is_parsed_once_for_many_signatures(unsigned_pdf, person, seal, ca_cert,
                                                         font_parses, endesive_font_reads):
    signed = unsigned_pdf
    for n in range(4):
        signed = sign(signed, (person, seal)[n % 2], n)
    again = sign(unsigned_pdf, person, 0)
    assert font_parses == [pdf.FONT_PATH]        # once, for five boxes
    assert endesive_font_reads == []
    assert [s.valid for s in pdf.verify_pdf(signed, [ca_cert])] == [True] * 4
    assert pdf.verify_pdf(again, [ca_cert])[0].valid


def text_of(data, tmp_path, name="doc.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_each_box_embeds_only_its_own_letters(unsigned_pdf, person, seal, tmp_path):
    once = sign(unsigned_pdf, person, 0)
    twice = sign(once, seal, 1)
    text = text_of(twice, tmp_path)
    assert "Ký bởi: Nguyễn Văn An" in text and "Ký bởi: Sở Nội vụ tỉnh Phú Thọ" in text
    fonts = subprocess.run(["pdffonts", str(tmp_path / "doc.pdf")], capture_output=True,
                           text=True, check=True).stdout
    # the page's own DejaVu, and one subset per box (their six-letter tags differ)
    subsets = {line.split()[0] for line in fonts.splitlines() if "+DejaVuSans" in line}
    assert len(subsets) >= 2
    # a subset, not the whole 700 KB font: a signature adds little to the file
    assert len(once) - len(unsigned_pdf) < 40_000


def test_threads_signing_at_once_all_get_good_boxes(unsigned_pdf, person, seal, ca_cert,
                                                    tmp_path, font_parses):
    results, errors = {}, []
    start = threading.Barrier(4)

    def work(n):
        try:
            start.wait()
            document = sign(unsigned_pdf, person, 0)
            results[n] = sign(document, seal, 1)
        except Exception as error:    # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert font_parses == [pdf.FONT_PATH]
    for n, data in results.items():
        assert [s.valid for s in pdf.verify_pdf(data, [ca_cert])] == [True, True]
        text = text_of(data, tmp_path, "t%d.pdf" % n)
        assert "Ký bởi: Nguyễn Văn An" in text and "Ký bởi: Sở Nội vụ tỉnh Phú Thọ" in text
