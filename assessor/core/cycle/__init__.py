"""The commission's assessment cycle: the roster of centres, visit plans, plan packages for
laptops and the rectifications that findings become.

Everything here works on an open register connection (`sqlite3.Connection`); its tables are the
register's migration step 3 (literal SQL in `core/register/migrations.py`).
"""
