"""Files as people have them: encodings, byte-order marks, line endings."""

from __future__ import annotations

import pytest

from broadcaster.dialects.reading import read_transcript
from broadcaster.errors import InputError

TEXT = "Anchor: The café in Zürich – “famous” – opened.\nSeñor Müller reports.\n"
KOREAN = (
    "입력 2024.03.11 (09:12)\n[Anchor Lead]\n서울 시민들이 거리에 나섰습니다. Rain fell all day.\n"
)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (TEXT, "utf-8"),
        (TEXT, "utf-8-sig"),
        (TEXT, "utf-16"),
        (TEXT, "cp1252"),
        (KOREAN, "cp949"),
        (KOREAN, "euc-kr"),
        (KOREAN, "utf-16"),
    ],
)
def test_encodings_detected(tmp_path, text, encoding):
    path = tmp_path / "t.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    assert read_transcript(path) == text


def test_encoding_forced(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("Anchor: naïve.\n".encode("latin-1"))
    assert read_transcript(path, "latin-1") == "Anchor: naïve.\n"
    with pytest.raises(InputError) as caught:
        read_transcript(path, "utf-8")
    assert caught.value.message == f"{path} is not valid utf-8 (byte 10)"
    with pytest.raises(InputError) as caught:
        read_transcript(path, "klingon")
    assert caught.value.message == "unknown encoding 'klingon'"


def test_old_mac_line_endings(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(b"Anchor: One.\rTwo.\r")
    assert read_transcript(path) == "Anchor: One.\nTwo.\n"
