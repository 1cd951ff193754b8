"""The test suite's own PostgreSQL fallback works, so a machine without a server still tests."""
import psycopg2

from tests import pgserver


def test_throwaway_cluster_starts_serves_and_is_removed():
    cluster = pgserver.ThrowawayCluster().start()
    try:
        url = pgserver.create_database(cluster.url, prefix="hoso_probe")
        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            cur.execute("SELECT current_setting('server_encoding'), version()")
            encoding, version = cur.fetchone()
        conn.close()
        assert encoding == "UTF8" and version.startswith("PostgreSQL")
        pgserver.drop_database(cluster.url, url)
    finally:
        cluster.stop()
    assert not pgserver.server_answers(cluster.url, timeout=1)


def test_a_closed_port_is_reported_as_not_answering():
    assert not pgserver.server_answers("postgresql://postgres@127.0.0.1:9/postgres", timeout=1)
