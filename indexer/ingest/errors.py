"""Errors shared by the modules that read articles."""


class IngestError(Exception):
    """A file (or one record in it) that cannot become an article; the message says why."""
