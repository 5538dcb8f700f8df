"""The exported assessment document: the public JSON contract the city receives."""
