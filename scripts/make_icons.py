"""Draw the clinic's app icons (the favicon.svg figure) as PNG and ICO files in static/img/.

Run once after changing the design: .venv/bin/python scripts/make_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

IMG = Path(__file__).resolve().parent.parent / "static" / "img"
TEAL, SAND = (11, 93, 91), (246, 241, 234)


def icon(size: int, *, padded: bool) -> Image.Image:
    """The figure of favicon.svg: a sand head and shoulders on a teal disc (or square)."""
    scale = 4  # drawn large, then reduced, for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), TEAL if padded else (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if not padded:
        draw.ellipse([big * 2 / 64, big * 2 / 64, big * 62 / 64, big * 62 / 64], fill=TEAL)
    unit = big / 64 * (0.8 if padded else 1.0)
    offset = (big - unit * 64) / 2

    def at(x, y):
        return (offset + x * unit, offset + y * unit)

    draw.ellipse([*at(26, 18), *at(38, 30)], fill=SAND)
    draw.arc([*at(12, 30), *at(52, 58)], start=200, end=340, fill=SAND, width=round(5 * unit))
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    icon(180, padded=True).convert("RGB").save(IMG / "apple-touch-icon.png", optimize=True)
    icon(192, padded=True).save(IMG / "icon-192.png", optimize=True)
    icon(512, padded=True).save(IMG / "icon-512.png", optimize=True)
    icon(48, padded=False).save(IMG / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
