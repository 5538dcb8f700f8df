"""Scoring: totals, vetoes, grade with its explanation, completeness, computed checks."""
