"""Secure settings (user, password) in the operating system's keyring, never in plain text.

One keyring entry per data source and field, under service `cqlscope` and the data source's uid, so
a rename keeps its secrets. There is deliberately no plaintext fallback: with no usable backend,
saving fails with a message that says what to install or unlock.
"""

from __future__ import annotations

import platform
import sys
from enum import StrEnum

from jaraco.classes import properties
from keyring.backend import KeyringBackend

from core.config.datasource import SECRET_FIELDS
from core.errors import SecretStoreError

SERVICE = "cqlscope"

NO_BACKEND_HELP = (
    "No usable system keyring was found, and cqlscope keeps secrets only there, never in plain text. "
    "Install and run a Secret Service provider such as gnome-keyring "
    "(apt-get install gnome-keyring) in your desktop session, or on a headless machine start one with "
    "'dbus-run-session' and 'gnome-keyring-daemon --unlock'. On macOS and Windows the system keychain "
    "is used automatically."
)
LOCKED_HELP = (
    "The system keyring is locked, so the secret could not be {action}. Unlock it (log in to your "
    "desktop session, or unlock the 'login' collection with Seahorse or 'gnome-keyring-daemon "
    "--unlock') and try again."
)
_UNSAFE_BACKENDS = ("keyrings.alt", "keyring.backends.fail", "keyring.backends.null")


class SecretState(StrEnum):
    """What the model may know about a secret: only whether it is set."""

    CONFIGURED = "configured"
    NOT_SET = "not set"
    UNAVAILABLE = "keyring unavailable"


class RunOnlyKeyring(KeyringBackend):
    """Secrets kept in this process's memory only and never written anywhere: for unit tests, and for the
    demo on a machine with no keyring (it says so first). Never picked by keyring on its own."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("an explicit, run-only store: keyring must never choose it as the system keyring")

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


def entry_name(uid: str, field: str) -> str:
    """The keyring user name of one secret: the data source uid and the field."""
    return f"{uid}/{field}"


class SecretStore:
    """Set, read, reset and delete data source secrets in one keyring backend."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend

    def backend(self) -> KeyringBackend:
        """The keyring backend in use, checked to be a real, non-plaintext store."""
        if self._backend is None:
            import keyring  # loaded lazily: looking for a backend can touch D-Bus

            _skip_unusable_macos_api()
            self._backend = keyring.get_keyring()
        backend = self._backend
        if not is_usable_backend(backend):
            raise SecretStoreError(NO_BACKEND_HELP)
        return backend

    def backend_name(self) -> str:
        """A human name of the backend, or why there is none."""
        try:
            backend = self.backend()
        except SecretStoreError:
            return "none (no usable keyring)"
        return f"{type(backend).__module__}.{type(backend).__name__}"

    def set(self, uid: str, field: str, value: str) -> None:
        """Store or replace a secret."""
        _check_field(field)
        if value == "":
            raise SecretStoreError("An empty secret cannot be saved: use reset to clear it.", title="Empty secret")
        backend = self.backend()
        try:
            backend.set_password(SERVICE, entry_name(uid, field), value)
        except Exception as exc:  # keyring backends raise many types; never echo the value
            raise _translate(exc, "saved") from None

    def get(self, uid: str, field: str) -> str | None:
        """The secret, or None when it is not set."""
        _check_field(field)
        backend = self.backend()
        try:
            return backend.get_password(SERVICE, entry_name(uid, field))
        except Exception as exc:
            raise _translate(exc, "read") from None

    def clear(self, uid: str, field: str) -> None:
        """Reset a secret; clearing one that is not set is fine."""
        _check_field(field)
        backend = self.backend()
        try:
            if backend.get_password(SERVICE, entry_name(uid, field)) is not None:
                backend.delete_password(SERVICE, entry_name(uid, field))
        except Exception as exc:
            raise _translate(exc, "removed") from None

    def delete_all(self, uid: str) -> None:
        """Remove every secret of a data source (when it is removed)."""
        for field in SECRET_FIELDS:
            self.clear(uid, field)

    def state(self, uid: str, field: str) -> SecretState:
        """Whether a secret is configured, without ever returning it."""
        try:
            return SecretState.CONFIGURED if self.get(uid, field) is not None else SecretState.NOT_SET
        except SecretStoreError:
            return SecretState.UNAVAILABLE

    def states(self, uid: str) -> dict[str, SecretState]:
        return {field: self.state(uid, field) for field in SECRET_FIELDS}


def _skip_unusable_macos_api() -> None:
    """keyring imports every backend to rank them, and its macOS one looks for Apple's frameworks with
    `ctypes.util.find_library` as it is imported, which elsewhere runs `ldconfig` (about 60 ms a run). Off macOS
    that backend requires Darwin and is never chosen, so its API module is not imported: the backend's own
    guard leaves it out, as it does when the frameworks are missing."""
    if platform.system() != "Darwin":
        sys.modules.setdefault("keyring.backends.macOS.api", None)  # type: ignore[arg-type]


def is_usable_backend(backend: KeyringBackend) -> bool:
    """False for the fail/null backends, keyrings.alt (plaintext or prompting) and empty chains."""
    module = type(backend).__module__
    if module.startswith(_UNSAFE_BACKENDS):
        return False
    children = getattr(backend, "backends", None)
    if module.startswith("keyring.backends.chainer"):
        return bool(children) and all(is_usable_backend(child) for child in children or [])
    return True


def _check_field(field: str) -> None:
    if field not in SECRET_FIELDS:
        raise SecretStoreError(f"Unknown secret '{field}': use one of {', '.join(SECRET_FIELDS)}.",
                               title="Unknown secret")


def _translate(exc: Exception, action: str) -> SecretStoreError:
    from keyring.errors import KeyringLocked, NoKeyringError

    if isinstance(exc, KeyringLocked) or "locked" in type(exc).__name__.lower():
        return SecretStoreError(LOCKED_HELP.format(action=action), title="Keyring locked")
    if isinstance(exc, NoKeyringError):
        return SecretStoreError(NO_BACKEND_HELP)
    return SecretStoreError(
        f"The system keyring could not have the secret {action} ({type(exc).__name__}). Check that the "
        "keyring service is running and unlocked, then try again."
    )
