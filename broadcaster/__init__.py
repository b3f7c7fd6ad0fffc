"""broadcaster: re-create radio news bulletins from their transcripts, offline."""

__version__ = "0.1.0"
