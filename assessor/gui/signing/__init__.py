"""Signing: the sign dialog, the handwritten signature pad and key management."""
