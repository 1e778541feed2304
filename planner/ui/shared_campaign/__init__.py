"""The shared campaign in the app: opening one on a server, conflicts, live changes, roles."""
