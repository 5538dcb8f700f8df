"""Domain code: rubric, assessment, scoring, storage, signing, reports. Imports no Qt."""
