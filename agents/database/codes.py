"""The database stage's finding codes (what each means: :mod:`agents.database.findings`).

Apart from the findings so the registry can list them (a suppression comment
may name them) without importing the database driver.  Never reused.
"""

from __future__ import annotations

DB_FAILS = "DB001"
DB_UNVERIFIED = "DB002"
DB_REWRITE = "DB003"
DB_EXPOSED = "DB004"
DB_PROBE = "DB005"

CODES = (DB_FAILS, DB_UNVERIFIED, DB_REWRITE, DB_EXPOSED, DB_PROBE)
