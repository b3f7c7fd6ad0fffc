"""broadcaster: re-create radio news bulletins from their transcripts, offline."""

import os

__version__ = "0.1.0"

# numpy's OpenBLAS would start a thread per core for every small matrix product (the
# true-peak meter's) and spin them while the engine and ffmpeg want those cores: measured,
# a render spent a third more CPU time and ran 20 % longer. A render already works in
# parallel (synthesis, mixing and ffmpeg at once; batch in processes). Set before numpy
# is imported; a value the user exported wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
