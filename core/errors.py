"""Domain errors: each carries a short title and a message that tells the user what to do."""

from __future__ import annotations


class CqlscopeError(Exception):
    """Base of every error cqlscope explains to the user instead of showing a traceback."""

    title = "cqlscope error"

    def __init__(self, message: str, *, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.message


class ValidationError(CqlscopeError):
    """One or more settings of a data source are invalid; `problems` lists them by field."""

    title = "Invalid settings"

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        text = "; ".join(f"{field}: {message}" if field else message for field, message in problems)
        super().__init__(text)


class NotFoundError(CqlscopeError):
    """A data source name that is not configured."""

    title = "Unknown data source"


class SecretStoreError(CqlscopeError):
    """The OS keyring cannot store or read a secret; the message says what to install or unlock."""

    title = "Keyring unavailable"


class ProfileError(CqlscopeError):
    """The profile file cannot be read or written; it is never overwritten when unreadable."""

    title = "Profile file problem"


class PartialChangeError(CqlscopeError):
    """A change was only partly made (e.g. settings removed, keyring entries not); the message says which."""

    title = "Partly done"
