"""The browser-tab icon, drawn here: a `:material/…:` page icon would be fetched from a font CDN."""

from __future__ import annotations

from functools import lru_cache

from PIL import Image, ImageDraw


@lru_cache(maxsize=1)
def favicon() -> Image.Image:
    """A blue shield with a gold star, 64×64."""
    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.polygon([(32, 3), (58, 12), (55, 38), (32, 61), (9, 38), (6, 12)], fill="#1a5c99")
    star = [
        (32, 16),
        (36, 28),
        (49, 28),
        (38, 35),
        (42, 48),
        (32, 40),
        (22, 48),
        (26, 35),
        (15, 28),
        (28, 28),
    ]
    draw.polygon(star, fill="#f2c94c")
    return img
