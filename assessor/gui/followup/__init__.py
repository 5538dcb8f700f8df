"""A follow-up visit (复查) on the laptop: the open items, their outcomes, the signed record."""
