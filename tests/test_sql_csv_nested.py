"""`papertrail sql --format csv` writes list and struct columns as JSON text instead of failing."""
from __future__ import annotations

import duckdb

from tests.helpers import run_cli


def test_csv_output_writes_nested_columns_as_json(tmp_path):
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE t AS SELECT 'Hana Sato' AS name, ['Hana', 'Hana Sato'] AS variants, "
                "{'h': 4, 'src': 'x'} AS m")
    con.close()
    done = run_cli("sql", "--db", str(db), "--format", "csv", "SELECT * FROM t", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == 'name,variants,m\nHana Sato,"[""Hana"", ""Hana Sato""]","{""h"": 4, ""src"": ""x""}"\n'
