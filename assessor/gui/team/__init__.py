"""The team visit screens: who uses this laptop, merging members' parts, the centre's
acknowledgement, and the team's actions on an open assessment."""
