"""Trainer mode: sample centres with reference scorings, and checks of trainees against them."""
