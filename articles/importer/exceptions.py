"""The importer's one error, raised for a file that cannot be imported."""


class ImportFailed(Exception):
    """A file that cannot be imported; the message says why, in words an editor understands."""
