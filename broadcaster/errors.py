"""The one error family: raised by the library, turned into one-line messages by the CLI."""

import errno

DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
"""The errors of a write that found no room: a full disk, a quota, a file size limit."""
DISK_FULL_HINT = "free some space, or write elsewhere with -o"


class BroadcasterError(Exception):
    """A failure the user can act on; ``hint`` says how."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InputError(BroadcasterError):
    """The transcript cannot be read or holds nothing to speak."""


class VoiceError(BroadcasterError):
    """A voice profile, pin or lexicon entry is invalid."""


class EngineError(BroadcasterError):
    """The speech engine is missing or failed to synthesise."""


class ExportError(BroadcasterError):
    """ffmpeg is missing, failed, or the output cannot be written."""


class BatchError(BroadcasterError):
    """A batch, schedule, cache, cluster or feed cannot run as asked."""
