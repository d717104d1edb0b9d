"""The seed's controls, live in a notebook: ``Dashboard(**training options)`` trains a network step by step
under ipywidgets and renders the video of what it trained.

``d = Dashboard(dataset="moons"); d.widget`` shows the panel. Every control is an attribute a notebook or a
test can drive: ``d.step_button.click()``, ``d.learning_rate.value = 0.01``, ``d.input_box.value = "0.5, 0.8"``.
The network is a ``LiveRun``'s: after ``n`` epochs its weights are those ``record_run`` gives with ``epochs=n``,
and ``d.history`` is the run so far as a TrainingHistory that every scene can render.

Training N epochs runs in a thread, so the kernel keeps answering the widgets (the learning rate, Stop);
the picture is repainted at most ``REPAINTS_PER_SECOND`` times a second while it runs. Mid-run only the
recorder's per-epoch checks (a loss no longer a number, or exploded) stop training; whether a run ended far
above its start is judged when a Train of N epochs ends, as ``record_run`` judges a run that long, so no
verdict depends on when a repaint fell. Every handler shows what went wrong in ``message`` rather than
raising into the notebook; the message line always says the state shown (a divergence first, in red, until
Reset). A convolutional network is refused until the picture draws conv and pool layers.
"""
from __future__ import annotations

import base64
import copy
import functools
import html
import logging
import math
import re
import threading
import time
from pathlib import Path
from typing import Callable

import ipywidgets as widgets
import numpy as np

from nnscratch import checks
from nnscratch.datasets import image_shape_of
from nnscratch.history import TrainingHistory
from nnscratch.live import LiveRun
from nnscratch.network import NeuralNetwork
from nnscratch.run import RunSpec, SpecError, is_convolutional
from scenes.mobjects.plane_maps import Plane
from scenes.output.dashboard_pictures import (
    curves_png, digit_png, heatmap_png, network_picture, plane_png,
)

REPAINTS_PER_SECOND = 4
MAX_TABLE_CELLS = 400  # a layer with more weights is shown as an image, not a table of numbers
MAX_ECHOED = 20  # characters of a bad token said back: enough to find it, never the whole paste
VIDEO_FOLDER = Path("media") / "videos" / "dashboard"
log = logging.getLogger(__name__)


def _guarded(handler: Callable) -> Callable:
    """A widget's handler that shows any failure in the message line instead of raising into the notebook."""
    @functools.wraps(handler)
    def guarded(self: "Dashboard", *args, **kwargs):
        try:
            return handler(self, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 - the notebook is shown every failure, in words
            log.exception("dashboard: %s failed", handler.__name__)
            self.say(f"{handler.__name__.strip('_').replace('_', ' ')} failed: {error}", warning=True)
    return guarded


class Dashboard:
    """A network of ``RunSpec.for_dataset(dataset, **options)`` (or ``RunSpec.for_data(data, ...)`` on the
    user's own data), its picture, curves and controls as widgets.

    ``epochs`` (of the options) is the Train button's N to start with; ``video_folder`` is where
    the videos go (default media/videos/dashboard)."""

    def __init__(self, *, video_folder: str | Path = VIDEO_FOLDER, **options) -> None:
        if options.get("data") is not None:  # the user's own data: its own defaults, as --data takes them
            if "dataset" in options:
                raise SpecError("data", "data= trains on your own data and dataset= on a built-in set: give one")
            self.spec = RunSpec.for_data(options.pop("data"), **options).check()
        else:
            self.spec = RunSpec.for_dataset(options.pop("dataset", RunSpec.dataset), **options).check()
        if is_convolutional(self.spec.layers):  # the picture would draw the dense part as the whole network
            raise SpecError("layers", "a convolutional network cannot be shown in the dashboard yet: its picture "
                                      "draws dense layers only, so it would show the dense part as the whole "
                                      "network; use dense layers such as layers=(784, 16, 16, 10)")
        self.run = LiveRun(self.spec)
        self.video_folder = Path(video_folder)
        self._lock = threading.RLock()  # the network, its run and the pictures: one thread at a time
        self._stop = threading.Event()
        self._worker: threading.Thread | None = None
        self._custom: np.ndarray | None = None  # the input of the last forward pass, drawn until the sample moves
        self._activity: str | None = None  # the training or render under way, in words, for the message line
        network = self.run.network
        self.image_shape = image_shape_of(self.spec.dataset, network.layer_sizes[0])
        self.painter = network_picture(network.layer_sizes, network.activation_name, network.output_name,
                                       self.spec.dataset, self.run.X)
        self.plane = Plane.around(np.concatenate([self.run.X, self.run.X_test])) if network.layer_sizes[0] == 2 \
            else None
        self._build_widgets()
        self.repaint()

    # -- the live objects --------------------------------------------------------------------------

    @property
    def network(self) -> NeuralNetwork:
        """The live network: the one every click trains."""
        return self.run.network

    @property
    def history(self) -> TrainingHistory | None:
        """The whole epochs trained so far as a TrainingHistory following the sample the slider shows (the
        example a video follows), None before the first epoch ends."""
        with self._lock:
            return self.run.history(self.sample.value) if self.run.epoch >= 1 else None

    @property
    def busy(self) -> bool:
        """Whether training or a render is under way in its thread."""
        return self._worker is not None and self._worker.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        """Until the training or render under way has ended (for scripts and tests)."""
        if self._worker is not None:
            self._worker.join(timeout)

    # -- widgets -----------------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        run, sizes = self.run, self.run.network.layer_sizes
        self.picture = widgets.Image(format="png", layout=widgets.Layout(width="720px", height="405px"))
        self.curves = widgets.Image(format="png", layout=widgets.Layout(width="320px", height="198px"))
        self.boundary = (widgets.Image(format="png", layout=widgets.Layout(width="240px", height="240px"))
                         if self.plane else None)
        self.digit = (widgets.Image(format="png", layout=widgets.Layout(width="168px", height="168px"))
                      if self.image_shape else None)
        self.answer = widgets.HTML()
        self.message = widgets.HTML()
        wide = {"description_width": "initial"}
        exponent = math.log10(run.learning_rate)  # the slider reaches the rate given, however small or large
        self.learning_rate = widgets.FloatLogSlider(value=run.learning_rate, base=10, min=min(-4, math.floor(exponent)),
                                                    max=max(2, math.ceil(exponent)), step=0.05,
                                                    description="learning rate", readout_format=".3g",
                                                    continuous_update=False, style=wide)
        self.sample = widgets.IntSlider(value=run.probe_index, min=0, max=len(run.X) - 1, description="sample",
                                        continuous_update=False)
        self.layer = widgets.IntSlider(value=1, min=1, max=len(sizes) - 1, description="weight layer", style=wide)
        self.layer_view = widgets.HTML()
        self.epochs = widgets.BoundedIntText(value=self.spec.epochs, min=1, max=checks.MAX_EPOCHS, description="epochs",
                                             layout=widgets.Layout(width="180px"))
        self.train_button = widgets.Button(description="Train", button_style="primary", icon="play")
        self.stop_button = widgets.Button(description="Stop", icon="stop")
        self.step_button = widgets.Button(description="Step", icon="step-forward")
        self.reset_button = widgets.Button(description="Reset", icon="undo")
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="", bar_style="info")
        self.input_box = widgets.Text(placeholder=f"{counted(sizes[0], 'number')}, e.g. "
                                      + ", ".join(f"{v:.2f}" for v in run.X[0][:4]) + (" ..." if sizes[0] > 4 else ""),
                                      description="input")
        self.forward_button = widgets.Button(description="Forward")
        from scenes.chapters.catalogue import NAMES
        self.video_scene = widgets.Dropdown(options=["explainer", *NAMES], value="training", description="video")
        self.video_button = widgets.Button(description="Render video", icon="film")
        self.video = widgets.HTML()

        self.train_button.on_click(lambda _: self.train())
        self.stop_button.on_click(lambda _: self.stop())
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.forward_button.on_click(lambda _: self.forward())
        self.video_button.on_click(lambda _: self.render_video())
        self.learning_rate.observe(lambda change: self._set_learning_rate(change["new"]), names="value")
        self.sample.observe(lambda _: self._show_sample(), names="value")
        self.layer.observe(lambda _: self._show_layer(), names="value")

        side = [self.curves] + [part for part in (self.boundary, self.digit) if part is not None] + [self.answer]
        controls = widgets.VBox([
            widgets.HBox([self.train_button, self.epochs, self.stop_button, self.step_button, self.reset_button]),
            widgets.HBox([self.learning_rate, self.sample, self.progress]),
            widgets.HBox([self.input_box, self.forward_button]),
            widgets.HBox([self.video_scene, self.video_button]),
        ])
        self.widget = widgets.VBox([
            self.message, widgets.HBox([self.picture, widgets.VBox(side)]), controls,
            widgets.VBox([self.layer, self.layer_view]), self.video,
        ])

    def _ipython_display_(self) -> None:
        from IPython.display import display
        display(self.widget)

    def say(self, text: str, warning: bool = False) -> None:
        colour = "#FC6255" if warning else "#444"
        self.message.value = f'<span style="color:{colour}">{html.escape(text)}</span>'

    # -- actions -------------------------------------------------------------------------------------

    def _refused_while_busy(self, action: str) -> bool:
        if self.busy:
            self.say(f"{action} waits: training or a render is under way (Stop ends training)", warning=True)
            return True
        return False

    def _refused_when_diverged(self) -> bool:
        if self.run.diverged is not None:
            self._tell()
            return True
        return False

    def _tell(self, note: str | None = None) -> None:
        """The message line for the state shown: while the run is diverged, that first and in red until Reset;
        then ``note``, or the training or render under way, or a forward pass shown, or the headline."""
        note = note or self._activity
        if self.run.diverged is not None:
            self.say(f"{self.run.diverged}. Reset starts again from the same weights."
                     + (f" ({note})" if note else ""), warning=True)
        elif note is not None:
            self.say(note)
        elif self._custom is not None:
            self.say("your input, through the network as it is now (move the sample slider to go back)")
        else:
            self.say(self._headline() + self._thinned())

    def _thinned(self) -> str:
        """A word when the history no longer holds every epoch's snapshot (past its memory budget)."""
        exact = self.run.exact_epochs
        if self.run.epoch <= exact:
            return ""
        return (f"   (past {exact:,} epochs a video's snapshots are the kept epochs nearest those nnscratch train "
                "would record)")

    @_guarded
    def step(self) -> None:
        """One step of gradient descent (one mini-batch, or the whole set for full-batch runs)."""
        if self._refused_while_busy("Step") or self._refused_when_diverged():
            return
        with self._lock:
            self.run.step()  # mid-run: only a loss that is no number or explodes stops it, as in record_run
        self.repaint()

    @_guarded
    def train(self, epochs: int | None = None, background: bool = True) -> None:
        """``epochs`` (default: the epochs box) more epochs, in a thread unless ``background`` is False."""
        if self._refused_while_busy("Train") or self._refused_when_diverged():
            return
        epochs = int(epochs if epochs is not None else self.epochs.value)
        if not 1 <= epochs <= checks.MAX_EPOCHS:
            self.say(f"train 1 to {checks.MAX_EPOCHS:,} epochs at a time, as nnscratch train does (got {epochs:,})",
                     warning=True)
            return
        self._stop.clear()
        # What is left of the epoch under way counts as the first epoch.
        total = epochs * self.run.steps_per_epoch - self.run.steps_into_epoch
        self.progress.max, self.progress.value = max(total, 1), 0
        self._activity = f"training: 0 of {total:,} steps (Stop ends it)"
        self._tell()  # at once: an earlier message is no longer true
        if background:
            self._worker = threading.Thread(target=self._train_steps, args=(total,), daemon=True)
            self._worker.start()
        else:
            self._train_steps(total)

    @_guarded
    def _train_steps(self, total: int) -> None:
        last = time.monotonic()
        done = 0
        try:
            while done < total and not self._stop.is_set():
                with self._lock:
                    self.run.step()
                done += 1
                if self.run.diverged is not None:
                    break
                if time.monotonic() - last >= 1 / REPAINTS_PER_SECOND:
                    self.progress.value = done
                    self._activity = f"training: {done:,} of {total:,} steps (Stop ends it)"
                    self.repaint()
                    last = time.monotonic()
            self.progress.value = done
            if done == total:  # the end of a run this many epochs long: judged as record_run judges its end
                with self._lock:
                    self.run.judge()
        finally:
            self._activity = None
        self.repaint()
        if self.run.diverged is None and done < total:
            self.say(f"stopped after {done:,} of {total:,} steps, at epoch {self.run.epoch}"
                     + (f" and {self.run.steps_into_epoch} steps" if self.run.steps_into_epoch else ""))

    def stop(self) -> None:
        """End the training under way after its current step."""
        self._stop.set()

    @_guarded
    def reset(self) -> None:
        """Back to the same starting weights (same seed, same order of mini-batches): the run from its start."""
        if self._refused_while_busy("Reset"):
            return
        rate = self._slider_rate()  # checked before anything is reset
        with self._lock:
            self.run.reset()
            self.run.set_learning_rate(rate)
            self._custom = None
        self.video.value = ""
        self.repaint()

    def _slider_rate(self) -> float:
        """The slider's rate if it is one, else the rate in use (a value set from Python may not be)."""
        try:
            return checks.learning_rate(self.learning_rate.value)
        except (ValueError, TypeError):
            return self.run.learning_rate

    @_guarded
    def _set_learning_rate(self, value: float) -> None:
        try:
            rate = checks.learning_rate(value)
        except (ValueError, TypeError) as error:
            kept = self.run.learning_rate
            self.learning_rate.value = kept  # the slider shows the rate in use (this calls back with it)
            self.say(f"{error}; the learning rate stays {kept:.3g}", warning=True)
            return
        with self._lock:
            self.run.set_learning_rate(rate)
        if not self.busy:  # the headline names the rate; training repaints it soon enough
            self.repaint()

    @_guarded
    def _show_sample(self) -> None:
        self._custom = None
        self.repaint()

    @_guarded
    def forward(self) -> None:
        """The input box's numbers through the network, drawn with every neuron's value."""
        if self._refused_while_busy("Forward"):
            return
        values = parse_input(self.input_box.value, self.run.network.layer_sizes[0])
        if isinstance(values, str):
            self.say(values, warning=True)
            return
        self._custom = values
        self.repaint()

    @_guarded
    def render_video(self, background: bool = True) -> None:
        """Render the chosen scene (or the explainer) of the epochs trained so far, shown inline when done."""
        if self._refused_while_busy("The video"):
            return
        history = self.history
        if history is None:
            if self.run.diverged is not None:
                self._tell("no video: it diverged before a whole epoch was recorded")
            else:
                self.say("train at least one whole epoch first: the video replays the epochs recorded", warning=True)
            return
        scene = self.video_scene.value
        self.progress.max, self.progress.value = 1, 0
        self._activity = f"rendering the {scene} of {history.epochs:,} epochs (low quality, no voice) ..."
        self._tell()
        if background:
            self._worker = threading.Thread(target=self._render, args=(scene, history), daemon=True)
            self._worker.start()
        else:
            self._render(scene, history)

    @_guarded
    def _render(self, scene: str, history: TrainingHistory) -> None:
        from scenes.output.notebook import show

        def progress(done: int, total: int) -> None:
            self.progress.max, self.progress.value = max(total, 1), min(done, max(total, 1))

        try:
            self.last_video = show(scene, history, quality="low", voice="none",
                                   output=self.video_folder / f"{scene}.mp4", progress=progress)
        finally:
            self._activity = None
        self.video.value = self.last_video._repr_html_()
        self._tell(f"the {scene} of epochs 0 to {history.epochs:,}: {self.last_video.path}")

    # -- pictures ----------------------------------------------------------------------------------

    @_guarded
    def repaint(self) -> None:
        """Every picture from the network as it is now (or, once diverged, as it was at its last epoch)."""
        with self._lock:
            run = self.run
            network = self._shown_network()
            weights = network.weights
            x = self._custom if self._custom is not None else run.X[self.sample.value]
            activations = [a[0] for a in network.trace(x).a]
            self.picture.value = self.painter.paint(weights, activations, values=self._custom is not None,
                                                    message=self._headline(), warning=run.diverged is not None)
            metrics = run.metrics.T
            self.curves.value = curves_png(*(metrics if len(run.X_test) else metrics[:2]))
            if self.boundary is not None:
                self.boundary.value = plane_png(network.forward, run.X, np.argmax(run.y, axis=1) if run.y.shape[1] > 1
                                                else run.y[:, 0], self.plane)
            if self.digit is not None:
                self.digit.value = digit_png(x, self.image_shape)
            self.answer.value = self._answer(network, x)
            self._paint_layer(network)
        self._tell()

    def _headline(self) -> str:
        run = self.run
        if run.diverged is not None:
            return f"DIVERGED - shown at epoch {run.epoch}, its last: {run.diverged}"[:110]
        loss, accuracy, *_ = run.metrics[-1]
        text = f"epoch {run.epoch}"
        if run.steps_into_epoch:
            text += f" + {run.steps_into_epoch} of {run.steps_per_epoch} steps"
        text += f"   loss {loss:.4f}"
        if not math.isnan(accuracy):
            text += f"   accuracy {accuracy:.1%}"
        return text + f"   learning rate {run.learning_rate:.3g}"

    def _answer(self, network: NeuralNetwork, x: np.ndarray) -> str:
        output = network.forward(x)[0]
        if network.output_name == "softmax":
            best = int(np.argmax(output))
            name = self.painter.output_labels[best]
            text = f"answer: <b>{html.escape(name)}</b> ({output[best]:.1%} sure)"
        elif network.output_name == "sigmoid":
            text = f"answer: p = <b>{output[0]:.3f}</b> ({'yes' if output[0] >= 0.5 else 'no'})"
        else:
            text = "answer: " + ", ".join(f"{value:.3g}" for value in output)
        if self._custom is None:
            target = self.run.y[self.sample.value]
            label = int(np.argmax(target)) if len(target) > 1 else int(target[0])
            text += f"<br>label of sample {self.sample.value}: {label}"
        return text

    def _shown_network(self) -> NeuralNetwork:
        """The live network, or once the run has diverged, one holding its last recorded weights (the live
        ones may no longer be numbers)."""
        run = self.run
        if run.diverged is None:
            return run.network
        row = run.last_snapshot()
        return _with_parameters(run.network, row["weights"], row["biases"])

    @_guarded
    def _show_layer(self) -> None:
        with self._lock:
            self._paint_layer(self._shown_network())

    def _paint_layer(self, network: NeuralNetwork) -> None:
        layer = self.layer.value - 1
        W = np.asarray(network.weights[layer], dtype=float)
        title = (f"weights from layer {layer} ({W.shape[1]} neurons) to layer {layer + 1} ({W.shape[0]}), "
                 f"row = neuron of layer {layer + 1}")
        if W.size <= MAX_TABLE_CELLS:
            self.layer_view.value = f"<div>{html.escape(title)}</div>" + weight_table(W)
        else:
            data = base64.b64encode(heatmap_png(W, self.image_shape if layer == 0 else None)).decode("ascii")
            drawn = "each neuron's weights as a picture; " if layer == 0 and self.image_shape else ""
            self.layer_view.value = (f"<div>{html.escape(title)}; {drawn}blue positive, red negative, from "
                                     f"{np.nanmin(W):.3g} to {np.nanmax(W):.3g}</div>"
                                     f'<img src="data:image/png;base64,{data}">')


def _with_parameters(network: NeuralNetwork, weights, biases) -> NeuralNetwork:
    """A shallow copy of ``network`` holding these weights and biases (the live one keeps its own)."""
    shown = copy.copy(network)
    shown.weights = [np.asarray(W, dtype=float) for W in weights]
    shown.biases = [np.asarray(b, dtype=float) for b in biases]
    return shown


def parse_input(text: str, count: int) -> np.ndarray | str:
    """``count`` numbers from the input box (commas or spaces between them), or what is wrong with it, in words."""
    parts = [part for part in re.split(r"[,\s;]+", text.strip()) if part]
    if not parts:
        return f"type {counted(count, 'number')} into the input box, separated by commas"
    values = []
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            return f"{shown(part)!r} is not a number; type {counted(count, 'number')}, separated by commas"
        if not math.isfinite(value) or abs(value) > 1e6:
            return f"{shown(part)} is not a finite number of at most a million; type {counted(count, 'number')}"
        values.append(value)
    if len(values) != count:
        typed = counted(len(values), "number")
        return f"the network takes {counted(count, 'input')}, and {typed} {'was' if len(values) == 1 else 'were'} typed"
    return np.array(values)


def shown(token: str) -> str:
    """A token typed, cut to MAX_ECHOED characters to be said back."""
    return token if len(token) <= MAX_ECHOED else token[:MAX_ECHOED] + "..."


def counted(count: int, noun: str) -> str:
    """'1 number', '4 numbers'."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def weight_table(W: np.ndarray) -> str:
    """A matrix as an HTML table, each cell coloured as the scenes colour weights, its value in it and on hover."""
    scale = float(np.abs(W).max()) or 1.0
    rows = []
    for r, row in enumerate(W):
        cells = []
        for c, value in enumerate(row):
            strength = min(abs(value) / scale, 1.0)
            rgb = (88, 196, 221) if value >= 0 else (252, 98, 85)
            colour = ",".join(str(int(v * strength)) for v in rgb)
            cells.append(f'<td title="w[{r},{c}] = {value:.6g}" style="background:rgb({colour});color:#eee;'
                         f'padding:2px 4px;font-family:monospace">{value:+.2f}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table style="border-collapse:collapse">' + "".join(rows) + "</table>"
