"""A workspace ties the data source store, its secrets and the session manager together.

The CLI and the GUI each create one; it is the object that reads credentials from the keyring for a
connection and closes a data source's session when that data source changes or goes away.
"""

from __future__ import annotations

from pathlib import Path

from core.config.datasource import DataSource
from core.config.secrets import SecretStore
from core.config.store import DataSourceStore
from core.cql.sessions import Credentials, SessionManager


class Workspace:
    """Data sources, secrets and sessions of one config directory."""

    def __init__(self, config_dir: Path | None = None, secrets: SecretStore | None = None) -> None:
        self.store = DataSourceStore(config_dir, secrets)
        self.sessions = SessionManager(self.credentials)
        self.store.subscribe(self._close_removed_sessions)

    @property
    def secrets(self) -> SecretStore:
        return self.store.secrets

    def credentials(self, ds: DataSource) -> Credentials:
        """The data source's user and password from the keyring (SecretStoreError when unavailable)."""
        return Credentials(self.secrets.get(ds.uid, "user"), self.secrets.get(ds.uid, "password"))

    def remove(self, name: str, *, force: bool = False) -> None:
        """Remove a data source: close its session, delete its secrets and its settings (see store.remove)."""
        ds = self.store.get(name)
        self.sessions.close(ds.uid)
        self.store.remove(name, force=force)

    def _close_removed_sessions(self) -> None:
        """Close the sessions of data sources that are gone (removed, or replaced by an import)."""
        present = {ds.uid for ds in self.store.list()}
        for uid in self.sessions.uids():
            if uid not in present:
                self.sessions.close(uid)

    def close(self) -> None:
        """Close every open session."""
        self.sessions.close_all()
