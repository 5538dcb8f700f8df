"""Trainer mode: pick a sample, score it blind beside its dossier, compare, trainer view."""
