"""The commission's register: signed assessment files imported into SQLite, reviewed, counted.

`rows` defines every table, `db` opens and migrates the database; the import, review and
revocation modules build on them.
"""
