"""The exceptions appaudit raises: one class per kind of error.

Every message is the one the CLI prints after ``appaudit: error: `` for the same input,
so a log line from Python and one from the command line read the same.
"""

from __future__ import annotations

__all__ = [
    "AppauditError",
    "ReadError",
    "UnsupportedInputError",
    "ArchiveError",
    "SetupError",
    "PolicyError",
    "ConfigError",
    "OptionsError",
]


class AppauditError(Exception):
    """Base class of every appaudit error."""

    @property
    def message(self) -> str:
        """The CLI's message for this error."""
        return str(self.args[0]) if self.args else ""


class ReadError(AppauditError, OSError):
    """The input file could not be read (missing, unreadable, a folder that is no bundle)."""


class UnsupportedInputError(AppauditError):
    """The file is not an app or SDK format appaudit knows."""


class ArchiveError(AppauditError):
    """The archive itself is unreadable: not a zip, a broken central directory, over a limit."""


class SetupError(AppauditError):
    """The SDK signatures or the taxonomy could not be loaded (e.g. a bad ``signatures`` folder)."""


class PolicyError(AppauditError):
    """The privacy policy could not be read."""


class ConfigError(AppauditError):
    """The audit configuration file (``appaudit.toml``) is invalid or unreadable."""


class OptionsError(AppauditError, ValueError):
    """An argument is invalid: a limit of 0, an unknown severity or profile."""
