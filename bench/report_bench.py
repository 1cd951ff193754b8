"""The province's yearly report at scale: the reporting facts' breakdown against
hand-written SQL computing the same numbers on the same data, in one run.

    python -m bench.report_bench [--units 5000] [--employees 200000] [--repeat 7]
                                 [--database NAME] [--keep-facts]

On PostgreSQL (TEST_DATABASE_URL's server, or a throwaway cluster as in the tests): a fresh
database, migrated, filled by bench.generate with an approved record per person (varied
grades, ages, education and trainings), the facts written by `flask reports rebuild`'s
function (timed), then app.reports.statistics.breakdown for Sở Nội vụ over the whole
province against one hand-written statement that joins the grade catalog instead of
listing its codes. Both answers are compared number by number before anything is timed.
Each figure is the median of --repeat runs after a warm-up, the two run in turns; the
target (issue 18.6) is ≤ 0.5 s and ≤ 2× the hand-written SQL.

With --database (or BENCH_DATABASE) the generated province is kept under that name and
reused by the next run (bench/database.py); --keep-facts then skips the rebuild when the
facts are already there.
"""
import argparse
import os
import statistics as stats
import time
from types import SimpleNamespace

from sqlalchemy import delete, func, select, text

from app import create_app
from app.catalogs.services import load_shipped
from app.core import clock
from app.extensions import db
from app.org.models import Unit
from app.reports import services as reports
from app.reports import statistics
from app.reports.models import ReportFact
from app.security import roles
from bench.database import province_database

# the same columns as app/reports/statistics.py, written by hand: the grade groups by the
# catalog's attrs (a join), the ages by date arithmetic in SQL
HAND_SQL = """
WITH facts AS (
  SELECT f.*, split_part(f.unit_path, '/', 3) AS child,
         e.attrs ->> 'group' AS grade_group, d.attrs ->> 'hang' AS rank,
         date_part('year', age(:on, f.birth_date)) AS age
  FROM report_fact f
  LEFT JOIN (catalog_entry e JOIN catalog c ON c.id = e.catalog_id AND c.name = 'ngach')
         ON e.code = f.grade_code
  LEFT JOIN (catalog_entry d JOIN catalog k ON k.id = d.catalog_id
             AND k.name = 'chuc_danh_nghe_nghiep') ON d.code = f.grade_code
  WHERE f.status IN ('dang_cong_tac', 'biet_phai') AND f.unit_path LIKE :prefix
)
SELECT CASE WHEN child = '' THEN NULL ELSE child::int END AS row,
  count(*) AS total,
  count(*) FILTER (WHERE sex = 'nu') AS female,
  count(*) FILTER (WHERE party_member) AS party,
  count(*) FILTER (WHERE ethnicity <> '01') AS minority,
  count(*) FILTER (WHERE religion <> '00') AS religion,
  count(*) FILTER (WHERE grade_group = 'Chuyên viên cao cấp & tương đương') AS grade_cvcc,
  count(*) FILTER (WHERE grade_group = 'Chuyên viên chính & tương đương') AS grade_cvc,
  count(*) FILTER (WHERE grade_group = 'Chuyên viên & tương đương') AS grade_cv,
  count(*) FILTER (WHERE grade_group = 'Cán sự & tương đương') AS grade_cs,
  count(*) FILTER (WHERE grade_group = 'Nhân viên') AS grade_nv,
  count(*) FILTER (WHERE rank = 'I') AS "rank_I",
  count(*) FILTER (WHERE rank = 'II') AS "rank_II",
  count(*) FILTER (WHERE rank = 'III') AS "rank_III",
  count(*) FILTER (WHERE rank = 'IV') AS "rank_IV",
  count(*) FILTER (WHERE education IN ('TS', 'TSKH')) AS "edu_TS",
  count(*) FILTER (WHERE education = 'THS') AS "edu_THS",
  count(*) FILTER (WHERE education = 'DH') AS "edu_DH",
  count(*) FILTER (WHERE education = 'CD') AS "edu_CD",
  count(*) FILTER (WHERE education = 'TC') AS "edu_TC",
  count(*) FILTER (WHERE education = 'SC') AS "edu_SC",
  count(*) FILTER (WHERE political_theory = 'CN') AS "llct_CN",
  count(*) FILTER (WHERE political_theory = 'CC') AS "llct_CC",
  count(*) FILTER (WHERE political_theory = 'TC') AS "llct_TC",
  count(*) FILTER (WHERE political_theory = 'SC') AS "llct_SC",
  count(*) FILTER (WHERE state_management = 'CVCC') AS "qlnn_CVCC",
  count(*) FILTER (WHERE state_management = 'CVC') AS "qlnn_CVC",
  count(*) FILTER (WHERE state_management = 'CV') AS "qlnn_CV",
  count(*) FILTER (WHERE it_level = 'TCTL') AS "it_TCTL",
  count(*) FILTER (WHERE it_level = 'CC') AS "it_CC",
  count(*) FILTER (WHERE language_level = 'TA_DH') AS "lang_TA_DH",
  count(*) FILTER (WHERE language_level = 'TA_CC') AS "lang_TA_CC",
  count(*) FILTER (WHERE language_level = 'NNK_DH') AS "lang_NNK_DH",
  count(*) FILTER (WHERE language_level = 'NNK_CC') AS "lang_NNK_CC",
  count(*) FILTER (WHERE language_level = 'TDT_CC') AS "lang_TDT_CC",
  count(*) FILTER (WHERE age <= 30) AS age_0_30,
  count(*) FILTER (WHERE age BETWEEN 31 AND 40) AS age_31_40,
  count(*) FILTER (WHERE age BETWEEN 41 AND 50) AS age_41_50,
  count(*) FILTER (WHERE age BETWEEN 51 AND 60) AS age_51_60,
  count(*) FILTER (WHERE retires_on < :on) AS age_over
FROM facts GROUP BY 1
"""


def _so_noi_vu(root):
    """A stand-in user: the role and unit are all scope.restrict() looks at."""
    return SimpleNamespace(id=-1, is_authenticated=True, access_restricted=False,
                           roles=[SimpleNamespace(name=roles.ROLE_SO_NOI_VU)], unit=root,
                           unit_id=root.id)


def _hand(root, on):
    rows = db.session.execute(text(HAND_SQL), {"prefix": root.path + "%", "on": on}).mappings()
    return {row["row"] or root.id: {k: v for k, v in row.items() if k != "row"}
            for row in rows}


def _ours(actor, root, on):
    report = statistics.breakdown(actor, root, on=on)
    return {unit.id: counts for _label, unit, counts in report.rows if counts["total"]}


def rebuild_facts(keep=False):
    """(seconds, rows) of `flask reports rebuild`'s function after loading the shipped
    catalogs (seconds None when ``keep`` and the facts are there); then VACUUM ANALYZE,
    as the deploy does after a rebuild. The catalogs go in while there are no facts:
    loading one refreshes the facts of everyone whose codes it holds
    (app/reports/quality.py), the whole province in one transaction."""
    present = db.session.scalar(select(func.count()).select_from(ReportFact))
    db.session.remove()
    if keep and present:
        load_shipped()      # nothing to add after the first run
        db.session.commit()
        db.session.remove()
        return None, present
    db.session.execute(delete(ReportFact))
    db.session.commit()
    load_shipped()
    db.session.commit()
    db.session.remove()
    started = time.perf_counter()
    written = reports.rebuild()
    rebuild_s = time.perf_counter() - started
    # the bench connects as the schema's owner: the facts' statistics as the deploy
    # refreshes them, and the versions' as autovacuum would after the bulk load
    reports.refresh_statistics(db.engine.url.render_as_string(hide_password=False))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE record_version"))
    return rebuild_s, written


def _paired_ms(first, second, repeat, warm_up=2):
    for _ in range(warm_up):
        first()
        second()
    times = ([], [])
    for _ in range(repeat):
        for call, bucket in ((first, times[0]), (second, times[1])):
            started = time.perf_counter()
            call()
            bucket.append((time.perf_counter() - started) * 1000)
    return stats.median(times[0]), stats.median(times[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--employees", type=int, default=200000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE") or None,
                        help="keep the province under this name and reuse it "
                             "(default: BENCH_DATABASE; none: a fresh one, dropped)")
    parser.add_argument("--keep-facts", action="store_true",
                        help="with a kept province: no rebuild when the facts are there")
    args = parser.parse_args()
    environ = {"HOSO_ENV": "development", "SECRET_KEY": "bench-" + "x" * 40}
    with province_database(args.units, args.employees, environ, records=True,
                           keep=args.database) as (_url, env):
        app = create_app(environ=env)
        with app.app_context():
            rebuild_s, written = rebuild_facts(args.keep_facts)
            root = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
            actor, on = _so_noi_vu(root), clock.today()
            ours, hand = _ours(actor, root, on), _hand(root, on)
            assert ours == hand, "the two reports differ"
            ours_ms, hand_ms = _paired_ms(lambda: _ours(actor, root, on),
                                          lambda: _hand(root, on), args.repeat)
        if rebuild_s is None:
            print("Reporting facts: %d rows kept from the last run (--keep-facts)" % written)
        else:
            print("Reporting facts: %d rows rebuilt from the approved records in %.1f s "
                  "(%.2f ms per person)" % (written, rebuild_s, rebuild_s * 1000 / written))
        print("Province yearly report (%d units, %d people, %d columns, %d rows):"
              % (args.units, args.employees, len(next(iter(ours.values()))), len(ours)))
        print("  breakdown over the facts   %8.1f ms" % ours_ms)
        print("  hand-written SQL           %8.1f ms" % hand_ms)
        ratio = ours_ms / hand_ms
        print("  ratio                      %8.2f" % ratio)
        print("  target ≤ 500 ms            %s" % ("PASS" if ours_ms <= 500 else "FAIL"))
        print("  target ≤ 2× the SQL        %s" % ("PASS" if ratio <= 2 else "FAIL"))
        print("  (load average %.1f on %d cores: other work on the machine slows both)"
              % (os.getloadavg()[0], os.cpu_count() or 1))


if __name__ == "__main__":
    main()
