"""The assessment screen: profile, scoring, summary and what is still missing."""
