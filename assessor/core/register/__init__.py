"""The commission's register: signed assessment files imported into SQLite, reviewed, counted.

- `rows`: pydantic models of every table (the single definition of columns and their types).
- `db`: opening the register folder, schema and migrations, transactions, row helpers.
- `sources`: the files behind the paths given (folders, zips within limits).
- `verify_adapter`: the one place that calls the signature verifier and names its reasons.
- `check`: one input's verdict (refused with a reason, or a candidate with its rows).
- `importer`: batches, chunks, duplicates/conflicts/amendments, flags (`run_import`, with
  progress and cancel for a GUI worker thread).
- `quarantine`, `summary`: refused copies with reason files; a batch's counts.
- `review`: review states, bulk changes, undo, log.
"""
