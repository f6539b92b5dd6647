"""The data source list and its editor: connection and credentials forms, health summary."""
