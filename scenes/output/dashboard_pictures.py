"""The dashboard's pictures, as PNG bytes: the network painted by the fast Cairo camera, the curves,
the plane's decision boundary, a digit, a weight layer as a heatmap.

The network is the scenes' own ``NetworkMobject`` (edges by weight, neurons by activation, the
same colours and widths), laid out once and painted from its arrays by ``FastCamera`` at each
repaint: no Scene, no play, a few milliseconds for the digits' 784-16-16-10. Values of a forward
pass are written beside the neurons over the painted frame.
"""
from __future__ import annotations

import io
import math
from typing import Sequence

import cairo
import numpy as np
from manim import tempconfig
from PIL import Image, ImageDraw, ImageFont

from nnscratch.datasets import class_names, image_shape_of
from nnscratch.snapshot_outputs import class_probabilities
from scenes.camera.painter import FastCamera
from scenes.mobjects.layout import Region, fit_network
from scenes.mobjects.network import NetworkMobject
from scenes.mobjects.plane_maps import Plane
from scenes.mobjects.style import (
    LABEL, MAX_DRAWN_NEURONS, MUTED, NEGATIVE, POSITIVE, class_rgbs, pixel_greys, plane_colors, weight_image_colors,
)

BACKGROUND = (0, 0, 0)  # the scenes' black
TEXT = tuple(int(255 * c) for c in LABEL.to_rgb())
WARNING = tuple(int(255 * c) for c in NEGATIVE.to_rgb())
LOSS_RGB = POSITIVE.to_rgb()
ACCURACY_RGB = tuple(MUTED.to_rgb())
PLOT_MARGINS = (48, 44, 22, 28)  # pixels left, right, above and below the curves' frame


def png(rgb: np.ndarray) -> bytes:
    """PNG bytes of an (h, w, 3 or 4) uint8 array, compressed lightly: a repaint's time, not a file's size."""
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


class NetworkPicture:
    """A network of ``layer_sizes`` drawn as the scenes draw it, repainted from weights and activations."""

    def __init__(self, layer_sizes: Sequence[int], activation: str, output: str, input_kind: str,
                 output_labels: Sequence[str], input_indices: np.ndarray | None = None,
                 width: int = 800, height: int = 450) -> None:
        self.width, self.height = width, height
        self.output_labels = list(output_labels)
        with tempconfig({"pixel_width": width, "pixel_height": height, "disable_caching": True,
                         "verbosity": "WARNING"}):
            self.camera = FastCamera()
            self.frame_width, self.frame_height = self.camera.frame_width, self.camera.frame_height
            half_w, half_h = self.frame_width / 2 - 0.35, self.frame_height / 2 - 0.5

            def make(**layout) -> NetworkMobject:
                return NetworkMobject(layer_sizes, activation=activation, output=output, input_kind=input_kind,
                                      output_labels=output_labels, input_indices=input_indices, **layout)

            # Room on the left for the input values and at the top for the message line.
            self.mobject = fit_network(make, Region(-half_w + 0.6, half_w, -half_h, half_h - 0.3))
            self.mobject.use_fast_drawing()
        self.centres = [self.to_pixel(point) for point in self.mobject.neuron_centers]
        self.radius_pixels = self.mobject.radius / self.frame_height * height

    def to_pixel(self, point) -> tuple[float, float]:
        return ((point[0] / self.frame_width + 0.5) * self.width, (0.5 - point[1] / self.frame_height) * self.height)

    def paint(self, weights: Sequence[np.ndarray], activations: Sequence[np.ndarray], *, scale: float | None = None,
              values: bool = False, message: str = "", warning: bool = False) -> bytes:
        """The network with edges coloured by ``weights`` (widths relative to ``scale``, default the largest
        |w| drawn) and neurons lit by ``activations`` (one vector per layer, input first); ``values``
        writes each drawn neuron's activation beside it; ``message`` goes on the top line (red if ``warning``)."""
        network = self.mobject
        network.set_weights(weights, scale=scale or None)
        network.set_activations(activations)
        self.camera.reset()
        self.camera.capture_mobject(network)
        image = Image.fromarray(self.camera.pixel_array[:, :, :3])
        draw = ImageDraw.Draw(image)
        if values:
            font = _font(12)
            flat = network.drawn_activations(activations)
            for (x, y), value in zip(self.centres, flat):  # left of each neuron, on a dark plate over the edges
                box = draw.textbbox((x - self.radius_pixels - 3, y), f"{value:.2f}", font=font, anchor="rm")
                draw.rectangle(box, fill=BACKGROUND)
                draw.text((x - self.radius_pixels - 3, y), f"{value:.2f}", fill=TEXT, font=font, anchor="rm")
        if message:
            draw.text((10, 8), message, fill=WARNING if warning else TEXT, font=_font(16))
        return png(np.asarray(image))


def network_picture(layer_sizes: Sequence[int], activation: str, output: str, dataset: str, X_train: np.ndarray,
                    **size) -> NetworkPicture:
    """The picture of a run's network, drawn with the choices the scenes make for its run
    (``HistoryScene.make_network``): its class names at the outputs, the pixels that vary most drawn of an image."""
    n_out = layer_sizes[-1]
    if output == "identity":
        labels = [f"y{k + 1}" if n_out > 1 else "y" for k in range(n_out)]
    elif output == "sigmoid":
        labels = [f"p({class_names(dataset, 2)[1]})"]
    else:
        labels = list(class_names(dataset, n_out))
    indices = None
    if image_shape_of(dataset, layer_sizes[0]) is not None and layer_sizes[0] > MAX_DRAWN_NEURONS:
        spread = X_train.astype(np.float32).var(axis=0)
        indices = np.sort(np.argsort(-spread, kind="stable")[:MAX_DRAWN_NEURONS])
    kind = "unit" if X_train.min() >= 0 and X_train.max() <= 1 else "real"
    return NetworkPicture(layer_sizes, activation, output, kind, labels, indices, **size)


def curves_png(train_loss: Sequence[float], train_accuracy: Sequence[float], test_loss: Sequence[float] = (),
               test_accuracy: Sequence[float] = (), width: int = 420, height: int = 260) -> bytes:
    """Loss (left axis, blue; test dashed) and accuracy (right axis, grey; test dashed) over the epochs so far."""
    surface = cairo.ImageSurface(cairo.FORMAT_RGB24, width, height)
    ctx = cairo.Context(surface)
    ctx.set_source_rgb(0, 0, 0)
    ctx.paint()
    left, right, top, bottom = PLOT_MARGINS[0], width - PLOT_MARGINS[1], PLOT_MARGINS[2], height - PLOT_MARGINS[3]
    ctx.set_source_rgb(*MUTED.to_rgb())
    ctx.set_line_width(1)
    ctx.rectangle(left, top, right - left, bottom - top)
    ctx.stroke()
    losses = np.asarray(train_loss, dtype=float)
    epochs = max(len(losses) - 1, 1)
    finite = np.concatenate([losses, np.asarray(test_loss, dtype=float)])
    finite = finite[np.isfinite(finite)]
    top_loss = float(finite.max()) if len(finite) else 1.0
    top_loss = top_loss if top_loss > 0 else 1.0

    def plot(values, low: float, high: float, rgb, dashed: bool) -> None:
        values = np.asarray(values, dtype=float)
        if len(values) == 0 or not np.isfinite(values).any():
            return
        drawn = drawn_points(values, 2 * (right - left))
        xs = left + (right - left) * drawn / epochs
        ys = bottom - (bottom - top) * (values[drawn] - low) / (high - low)
        ctx.set_source_rgb(*rgb)
        ctx.set_line_width(2)
        ctx.set_dash([5, 4] if dashed else [])
        ctx.new_path()
        for x, y in zip(xs, ys):
            ctx.line_to(x, y)
        if len(values) == 1:
            ctx.arc(xs[0], ys[0], 2.5, 0, 2 * math.pi)
            ctx.fill()
        else:
            ctx.stroke()
        ctx.set_dash([])

    plot(losses, 0.0, top_loss, LOSS_RGB, False)
    plot(test_loss, 0.0, top_loss, LOSS_RGB, True)
    plot(train_accuracy, 0.0, 1.0, ACCURACY_RGB, False)
    plot(test_accuracy, 0.0, 1.0, ACCURACY_RGB, True)
    ctx.select_font_face("sans-serif")
    ctx.set_font_size(12)
    for text, x, y, rgb in ((f"{top_loss:.3g}", 4, top + 10, LOSS_RGB), ("0", 4, bottom, LOSS_RGB),
                            ("100%", right + 4, top + 10, ACCURACY_RGB), ("0%", right + 4, bottom, ACCURACY_RGB),
                            (f"epoch {len(losses) - 1}", right - 60, height - 8, LABEL.to_rgb()),
                            ("loss", left + 4, 15, LOSS_RGB), ("accuracy (test dashed)", left + 44, 15, ACCURACY_RGB)):
        ctx.set_source_rgb(*rgb)
        ctx.move_to(x, y)
        ctx.show_text(text)
    surface.flush()
    return _surface_png(surface)


def drawn_points(values: np.ndarray, runs: int) -> np.ndarray:
    """The epochs of ``values`` a curve is drawn through: every finite one when they are few, else of each of
    ``runs`` runs of them (half a pixel wide) its first, lowest, highest and last, in order. The line looks
    the same, every spike included, and a curve of a million epochs costs what one of a few thousand does."""
    finite = np.flatnonzero(np.isfinite(values))
    if len(finite) <= 4 * runs:
        return finite
    kept = []
    for run in np.array_split(finite, runs):
        part = values[run]
        kept.extend(sorted({int(run[0]), int(run[np.argmin(part)]), int(run[np.argmax(part)]), int(run[-1])}))
    return np.array(kept)


def _surface_png(surface: cairo.ImageSurface) -> bytes:
    buffer = io.BytesIO()
    surface.write_to_png(buffer)
    return buffer.getvalue()


def plane_png(forward, X: np.ndarray, labels: np.ndarray, plane: Plane, grid: int = 96, scale: int = 3) -> bytes:
    """The plane coloured by the network's answer (``forward`` of points, shape (n, 2)), dark where it cannot
    decide, with the training points in their classes' colours on it."""
    with np.errstate(all="ignore"):
        probabilities = class_probabilities(forward(plane.grid(grid))).reshape(grid, grid, -1)
    probabilities = np.nan_to_num(probabilities, nan=1.0 / max(probabilities.shape[-1], 2))
    rgb = np.clip(plane_colors(probabilities), 0, 1)
    image = np.repeat(np.repeat((rgb * 255).astype(np.uint8), scale, axis=0), scale, axis=1)
    side = grid * scale
    unit = plane.to_unit(X)
    columns = np.clip((unit[:, 0] * side).astype(int), 2, side - 3)
    rows = np.clip(((1 - unit[:, 1]) * side).astype(int), 2, side - 3)
    colours = (class_rgbs(max(int(labels.max()) + 1, 2)) * 255).astype(np.uint8)[labels.astype(int)]
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            image[rows + dr, columns + dc] = colours
    return png(image)


def digit_png(pixels: np.ndarray, shape: tuple[int, int], scale: int = 6) -> bytes:
    """An image input (values in [0, 1]) as the scenes show it, grey on black, enlarged."""
    rgb = (pixel_greys(np.asarray(pixels).reshape(shape)) * 255).astype(np.uint8)
    return png(np.repeat(np.repeat(rgb, scale, axis=0), scale, axis=1))


def heatmap_png(W: np.ndarray, image_shape: tuple[int, int] | None = None, max_width: int = 800) -> bytes:
    """A weight matrix (n_out rows, n_in columns) as the scenes colour weights: blue positive, red negative,
    as bright as |w| against the matrix's largest. Weights from an image's pixels are drawn as 3Blue1Brown
    draws them: each neuron's row as a picture of the image's shape, the pictures side by side in rows of 8."""
    W = np.asarray(W, dtype=float)
    scale = float(np.abs(W[np.isfinite(W)]).max()) if np.isfinite(W).any() else 1.0
    rgb = (weight_image_colors(np.nan_to_num(W), scale) * 255).astype(np.uint8)
    if image_shape is not None and W.shape[1] == image_shape[0] * image_shape[1]:
        return png(_tiles(rgb.reshape(len(W), *image_shape, 3), zoom=3))
    cell_width = max(1, min(24, max_width // W.shape[1]))
    cell_height = max(cell_width, min(24, 160 // W.shape[0]))  # a wide matrix's rows still tall enough to see
    return png(np.repeat(np.repeat(rgb, cell_height, axis=0), cell_width, axis=1))


def _tiles(images: np.ndarray, zoom: int, per_row: int = 8, gap: int = 4) -> np.ndarray:
    """Images (n, h, w, 3) enlarged ``zoom`` times, in rows of ``per_row`` with ``gap`` grey pixels between."""
    count, height, width = images.shape[:3]
    rows, columns = -(-count // per_row), min(count, per_row)
    sheet = np.full((rows * (height * zoom + gap) - gap, columns * (width * zoom + gap) - gap, 3), 60, np.uint8)
    for index, image in enumerate(images):
        top, left = (index // per_row) * (height * zoom + gap), (index % per_row) * (width * zoom + gap)
        sheet[top:top + height * zoom, left:left + width * zoom] = np.repeat(np.repeat(image, zoom, 0), zoom, 1)
    return sheet
