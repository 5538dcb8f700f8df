"""The assessment record: centre profile, visit, indicator scores, status and versions."""
