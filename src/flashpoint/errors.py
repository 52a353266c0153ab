"""Named failures. Each message names the input and says what to do about it."""

from __future__ import annotations


class FlashpointError(Exception):
    """Base class of every error Flashpoint raises on purpose."""


class BadInput(FlashpointError):
    """An input that cannot be processed: the message names it (and the line, if any)."""

    def __init__(self, source: str, reason: str, *, line: int | None = None) -> None:
        self.source = source
        self.reason = reason
        self.line = line
        where = f"{source}, line {line}" if line is not None else source
        super().__init__(f"{where}: {reason}")


class ModelNotFound(FlashpointError):
    """No English spaCy pipeline is installed."""


class KnowledgeBaseError(FlashpointError):
    """A user knowledge-base file is missing or malformed."""
