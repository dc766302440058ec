"""Exceptions raised by wijkprofiel, one per kind of core error.

Every exception derives from :class:`WijkprofielError`; each also derives from the
standard-library exception users would catch for it.
"""


class WijkprofielError(Exception):
    """Base of every wijkprofiel error."""


class InvalidDataError(WijkprofielError, ValueError):
    """The data break the data contract.

    ``report`` holds the :class:`wijkprofiel.ValidationReport` with every problem found
    (each naming file, row, column, area or indicator).
    """

    report = None


class DataFolderError(WijkprofielError, OSError):
    """A data folder or file cannot be read or written."""


class StatsInputError(WijkprofielError, ValueError):
    """A statistical method was given input it cannot use (e.g. x > n for a proportion,
    age bands that do not match the standard population); the message names the row or
    group."""


class SettingsError(WijkprofielError, ValueError):
    """Build settings that cannot be used: a year without data, a standard population that
    does not fit an indicator, disclosure thresholds below the safe defaults without
    ``allow_loosening``, an unknown language or shard."""


class AreaNotFoundError(WijkprofielError, KeyError):
    """No profile for this area code."""

    def __str__(self) -> str:
        # KeyError quotes its argument; the message is a sentence.
        return str(self.args[0]) if self.args else ""
