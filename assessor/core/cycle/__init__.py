"""The commission's assessment cycle: the roster of centres, visit plans, plan packages for
laptops and the rectifications that findings become.

Everything here works on an open register connection (`sqlite3.Connection`); the tables are
defined once, as literal SQL, in `schema.py`.
"""
