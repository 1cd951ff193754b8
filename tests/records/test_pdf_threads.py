"""PDFs rendered by several threads of one process at once (gunicorn's gthread
workers): reportlab's registered fonts are shared, so every render takes
app/core/rendering.py's lock. Without it this raised IndexError in makeSubset or
printed another render's glyphs. No database, no app."""
import sys
import threading

import pytest

from app.approval.month_seal import _list_pdf
from app.records.pdf import record_pdf
from tests.records.test_pdf import _flat, _text, catalog_name, sample_content

THREADS = 8
RENDERS_EACH = 5


@pytest.fixture
def busy_switching():
    """Threads switch every microsecond instead of every 5 ms: a race shows at once."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def _at_once(render, threads=THREADS, each=RENDERS_EACH):
    """``render(thread)`` ``each`` times in each of ``threads`` threads started together;
    returns [(thread, bytes)] and the exceptions raised."""
    start = threading.Barrier(threads)
    outputs, errors = [], []

    def run(thread):
        start.wait()
        for _ in range(each):
            try:
                outputs.append((thread, render(thread)))
            except Exception as error:            # noqa: BLE001 (collected, asserted below)
                errors.append(repr(error))

    workers = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert not any(worker.is_alive() for worker in workers), "a render never finished"
    return outputs, errors


def test_eight_threads_render_the_record_at_once(busy_switching, tmp_path):
    expected = _flat(_text(record_pdf(sample_content(), catalog_name=catalog_name), tmp_path))
    outputs, errors = _at_once(
        lambda thread: record_pdf(sample_content(), catalog_name=catalog_name))
    assert errors == []
    assert len(outputs) == THREADS * RENDERS_EACH
    for _thread, pdf in outputs:
        assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
        assert _flat(_text(pdf, tmp_path)) == expected       # pdftotext reads it, unchanged


def _month_list(month):
    return {"unit": {"name": "Sở Nội vụ"}, "month": month, "previous_seal_sha256": None,
            "audit_anchor": None,
            "entries": [{"name": "Nguyễn Thị Hằng", "version": 2, "attachments": [],
                         "changes": [{"field": "ho_ten", "old": "Nguyễn Thị Hăng",
                                      "new": "Nguyễn Thị Hằng"}]}]}


def test_the_record_and_the_months_list_render_together(busy_switching, tmp_path):
    """The month's seal lays out its list with the same fonts."""
    def render(thread):
        if thread % 2:
            return _list_pdf(_month_list("2026-%02d" % (thread + 1)))[0]
        return record_pdf(sample_content(), catalog_name=catalog_name)

    outputs, errors = _at_once(render, each=3)
    assert errors == []
    for thread, pdf in outputs:
        text = _flat(_text(pdf, tmp_path))
        if thread % 2:
            assert "THÁNG %02d/2026" % (thread + 1) in text and "Nguyễn Thị Hằng" in text
        else:
            assert "SƠ YẾU LÝ LỊCH" in text
