"""Data source configuration: the model, declared options, the profile file, keyring secrets, saved queries
and the workspace."""
