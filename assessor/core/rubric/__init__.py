"""The rubric as data: models, loading with validation, spreadsheet round trip."""
