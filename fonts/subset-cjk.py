#!/usr/bin/env python3
"""Makes the Chinese font subset shipped in fonts/noto-sans-cjk-sc/.

Noto Sans CJK SC is about 20 MB per weight; flyerpress keeps fonts/ under 15 MiB.
The subset keeps the GB 2312 repertoire (6763 hanzi plus symbols), CJK punctuation,
full-width forms and ASCII, with all OpenType layout features. `flyerpress check`
reports any character of an edition that no bundled font covers.

Needs Debian's fonts-noto-cjk and fontTools (`pip install fonttools`). Run from the
repository root: `python3 fonts/subset-cjk.py`.
"""

import subprocess

SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc"
FACE_SC = 2  # face 2 of the collection is Noto Sans CJK SC
TARGET = "fonts/noto-sans-cjk-sc/NotoSansCJKsc-{weight}-subset.otf"
EXTRA_RANGES = [(0x20, 0x7E), (0xB7, 0xB7), (0x2010, 0x2027), (0x2030, 0x203B),
                (0x3000, 0x303F), (0xFF00, 0xFFEF)]


def repertoire() -> str:
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for first, last in EXTRA_RANGES:
        chars.update(chr(c) for c in range(first, last + 1))
    return "".join(sorted(chars))


def main() -> None:
    text = repertoire()
    for weight in ("Regular", "Bold"):
        subprocess.run(
            ["pyftsubset", SOURCE.format(weight=weight), f"--font-number={FACE_SC}",
             f"--text={text}", f"--output-file={TARGET.format(weight=weight)}",
             "--layout-features=*", "--name-IDs=*", "--name-languages=*", "--no-hinting",
             "--desubroutinize"],
            check=True,
        )


if __name__ == "__main__":
    main()
