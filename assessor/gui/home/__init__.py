"""The home screen: the list of assessment records and their actions."""
