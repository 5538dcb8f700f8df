"""The command line: a thin layer over assessor.core."""
