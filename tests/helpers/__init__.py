"""Shared test helpers, one home each, by theme (conftest.py keeps only fixtures):

- :mod:`tests.helpers.paths` — the project's folders, the examples and the shared corpus;
- :mod:`tests.helpers.cli` — the CLI in a fresh process or in this one, and how a failure
  must look;
- :mod:`tests.helpers.audio` — audio decoded by the real ffmpeg and what a listener hears
  in it: level, pitch, silences;
- :mod:`tests.helpers.batching` — small transcripts and a batch run read back;
- :mod:`tests.helpers.espeak` — the eSpeak NG libraries present on this machine.
"""
