"""Small data files of the user's kind, written by the tests into a temporary folder."""
from __future__ import annotations

from pathlib import Path

import numpy as np

PENGUINS = """bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,species
39.1,18.7,181,3750,Adelie
39.5,17.4,186,3800,Adelie
40.3,18.0,195,3250,Adelie
36.7,19.3,193,3450,Adelie
39.3,20.6,190,3650,Adelie
38.9,17.8,181,3625,Adelie
46.5,17.9,192,3500,Chinstrap
50.0,19.5,196,3900,Chinstrap
51.3,19.2,193,3650,Chinstrap
45.4,18.7,188,3525,Chinstrap
52.7,19.8,197,3725,Chinstrap
45.2,17.8,198,3950,Chinstrap
46.1,13.2,211,4500,Gentoo
50.0,16.3,230,5700,Gentoo
48.7,14.1,210,4450,Gentoo
50.0,15.2,218,5700,Gentoo
47.6,14.5,215,5400,Gentoo
46.5,13.5,210,4550,Gentoo
"""


def penguins(folder: Path, text: str = PENGUINS, name: str = "penguins.csv", encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def plane_csv(folder: Path, n: int = 40) -> Path:
    """Two features on a tab-separated table, the class by which side of a line a point is on."""
    rng = np.random.default_rng(1)
    points = rng.uniform(-3, 3, size=(n, 2))
    lines = ["temperature\thumidity\toutcome"]
    lines += [f"{x:.3f}\t{y:.3f}\t{'rain' if x + y > 0 else 'dry'}" for x, y in points]
    path = folder / "weather.tsv"
    path.write_text("\n".join(lines) + "\n")
    return path


def regression_csv(folder: Path, n: int = 60) -> Path:
    """Semicolon-separated houses whose price follows their area, rooms and age."""
    rng = np.random.default_rng(2)
    lines = ["area_m2;rooms;age_years;price_k"]
    for _ in range(n):
        area, age = rng.uniform(40, 200), rng.uniform(0, 80)
        rooms = int(area // 30) + 1
        lines.append(f"{area:.1f};{rooms};{age:.0f};{1.8 * area + 10 * rooms - 0.5 * age + rng.normal(0, 8):.1f}")
    path = folder / "houses.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def arrays_npz(folder: Path, n: int = 40) -> Path:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)
    path = folder / "signals.npz"
    np.savez(path, X=X, y=y, class_names=np.array(["low", "mid", "high"]),
             feature_names=np.array(["voltage", "current", "phase"]))
    return path


def image_folder(folder: Path, per_class: int = 8, size: int = 20) -> Path:
    """Circles and squares of growing size, white on black, as PNG files in one subfolder per class."""
    from PIL import Image

    root = folder / "shapes"
    rows, columns = np.mgrid[:size, :size] - size / 2
    for name in ("circle", "square"):
        (root / name).mkdir(parents=True)
        for k in range(per_class):
            radius = size / 5 + k * size / (4 * per_class)
            inside = rows ** 2 + columns ** 2 < radius ** 2 if name == "circle" else \
                (abs(rows) < radius) & (abs(columns) < radius)
            Image.fromarray((inside * 255).astype(np.uint8)).save(root / name / f"{k}.png")
    return root
