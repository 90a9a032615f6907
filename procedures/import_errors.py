"""The error that stops a catalogue import as a whole (shared by the data reader and the forms archive)."""


class ImportAborted(Exception):
    """The file (or the place to import into) cannot be used at all."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)
