"""The public assessment document: the record plus its derived result, as exported and signed,
and the checks every later release runs on it (normative fields, by the engine it names)."""
