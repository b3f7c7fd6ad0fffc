"""Many bulletins at once: sources, output names, the clip cache, workers (local or on a
Dask cluster), the output folder's lock and state, the scheduler and the podcast feed.

``run.run_batch`` is the entry point; the CLI (``cli/batch.py``) only parses options.
"""
