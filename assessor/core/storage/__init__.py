"""Durable on-disk storage of assessments: atomic TinyDB files, evidence and the recycle bin."""
