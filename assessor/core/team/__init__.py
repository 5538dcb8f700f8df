"""A visit by a team: the leader's package, each member's part, and merging the parts back."""
