"""The ``nnscratch`` command: parse and check options, build the run, train or render it."""
from __future__ import annotations

import os
import signal
import sys


def _stopped_while_starting(signum: int, frame) -> None:
    # Before the command runs nothing has been written: say so and leave at once.
    sys.stderr.write(f"Stopped by {signal.Signals(signum).name}: nothing was written.\n")
    os._exit(128 + signum)


# The `nnscratch` program itself (not a test importing this module): a signal while the
# imports below load leaves at once, and after the command has finished it is ignored.
OWN_PROCESS = __name__ == "__main__" or os.path.basename(sys.argv[0]) == "nnscratch"
if OWN_PROCESS:
    for _number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(_number, _stopped_while_starting)

import contextlib
import functools
import math
import re
import threading
import time
import warnings
from pathlib import Path
from typing import NamedTuple

import nnscratch  # first: it sets numpy's BLAS threads before numpy loads  # noqa: I001
import click

from nnscratch import checks, landscape_cache
from nnscratch.activations import HIDDEN_ACTIVATIONS
from nnscratch.datasets import (
    DATASETS, MANY_CLASS_NAMES, MAX_CLASSES, MAX_SAMPLES, TWO_D_DATASETS, train_size, what_it_learned,
)
from nnscratch.files import OutputPathError, check_output_folder, check_output_path, new_folders
from nnscratch.initializers import INITIALIZERS
from nnscratch.optimizers import OPTIMIZERS

MAX_AT = 3600.0  # seconds: longer than any video nnscratch makes (an explainer lasts minutes)
MAX_INPUT_MAGNITUDE = 100.0  # a custom input this far outside every dataset's range shows nothing the data can
# The option that sets each RunSpec field, for messages that name what to change.
FLAGS = {"weight_init": "--init", "learning_rate": "--lr"}


def flag(field: str) -> str:
    return FLAGS.get(field, "--" + field.replace("_", "-"))


shown = checks.shown  # user input as it goes into a message


class FiniteFloat(click.ParamType):
    """A plain decimal number within bounds, read as ``checks.parse_decimal`` reads one: nan, inf,
    Python's digit separators and digits other than 0-9 are refused."""

    name = "number"

    def __init__(self, what: str, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False) -> None:
        self.what, self.bounds = what, (low, high, low_open, high_open)

    def convert(self, value, param, ctx) -> float:
        if isinstance(value, float):
            number = value
        else:
            try:
                number = checks.parse_decimal(value)
            except ValueError as error:
                self.fail(str(error), param, ctx)
        low, high, low_open, high_open = self.bounds
        try:
            return checks.finite_number(self.what, number, low, high, low_open, high_open)
        except ValueError as error:
            self.fail(str(error), param, ctx)


class WholeNumber(click.ParamType):
    """A whole number written in plain digits 0-9 (``checks.parse_whole``), within bounds."""

    name = "integer"

    def __init__(self, low: int | None = None, high: int | None = None) -> None:
        self.low, self.high = low, high

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = checks.parse_whole(value)
            except ValueError as error:
                self.fail(str(error), param, ctx)
        if (self.low is not None and number < self.low) or (self.high is not None and number > self.high):
            bounds = f"between {self.low:,} and {self.high:,}" if self.high is not None else f">= {self.low:,}"
            self.fail(f"{number:,} is not {bounds}", param, ctx)
        return number


class LayerSizes(click.ParamType):
    """``"4,6,4,1"`` as ``[4, 6, 4, 1]``: plain digits only, and an architecture nnscratch supports."""

    name = "sizes"

    def convert(self, value, param, ctx) -> list[int]:
        if isinstance(value, list):
            return value
        parts = [part.strip() for part in str(value).split(",")]
        if any(part == "" for part in parts):
            self.fail(f"{shown(value)} has an empty layer size; write sizes like 4,6,4,1", param, ctx)
        if len(parts) > 2 * checks.MAX_LAYERS:
            self.fail(f"{len(parts)} layers; at most {checks.MAX_LAYERS} are supported", param, ctx)
        for part in parts:
            if not re.fullmatch(r"-?[0-9]{1,9}", part):
                self.fail(f"{shown(part)} is not a whole number; write sizes like 4,6,4,1", param, ctx)
        try:
            return checks.layer_sizes([int(part) for part in parts])
        except ValueError as error:
            self.fail(str(error), param, ctx)


class Numbers(click.ParamType):
    """``"0.5,0.8,0.2,0.9"`` as a list of finite numbers of sane size."""

    name = "values"

    def convert(self, value, param, ctx) -> list[float]:
        if isinstance(value, list):
            return value
        check = FiniteFloat("each value", -MAX_INPUT_MAGNITUDE, MAX_INPUT_MAGNITUDE)
        values = []
        for part in str(value).split(","):
            if not part.strip():
                self.fail(f"{shown(value)} has an empty value; write values like 0.5,0.8,0.2,0.9", param, ctx)
            values.append(check.convert(part, param, ctx))
        return values


class OutputFile(click.ParamType):
    """A path nnscratch may write (see ``nnscratch.files``), ending in ``suffix`` or in the ``--format``'s."""

    name = "path"

    def __init__(self, suffix: str | None = None, captions: bool = False) -> None:
        self.suffix, self.captions = suffix, captions

    def convert(self, value, param, ctx) -> Path:
        if isinstance(value, Path) and value is getattr(param, "default", None):
            return value
        still = ctx.params.get("still", False)
        suffix = self.suffix or (".png" if still else f".{ctx.params.get('video_format', 'mp4')}")
        try:
            path = check_output_path(value, suffix)
            if self.captions and not still:
                check_output_path(path.with_suffix(".srt"))
        except OutputPathError as error:
            self.fail(str(error), param, ctx)
        return path


DEFAULTS = nnscratch.RunSpec()


def shown_value(value) -> str:
    """A default as a user would type it: layers as 4,6,4,1, no batch size as full batch."""
    if value is None:
        return "full batch"
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def shown_default(field: str) -> str:
    """The defaults of a training option as --help shows them: RunSpec's, then each dataset's own."""
    by_value: dict[str, list[str]] = {}
    for dataset, defaults in nnscratch.DATASET_DEFAULTS.items():
        if field in defaults and defaults[field] != getattr(DEFAULTS, field):
            by_value.setdefault(shown_value(defaults[field]), []).append(dataset)
    parts = [shown_value(getattr(DEFAULTS, field))]
    for value, datasets in by_value.items():
        parts.append(f"{value} for {'the 2-D sets' if set(datasets) == set(TWO_D_DATASETS) else ', '.join(datasets)}")
    return f"  [default: {'; '.join(parts)}]"


def with_dataset_defaults(command):
    """``command`` run with the chosen dataset's defaults (DATASET_DEFAULTS) for every training option
    left at click's default: a value the user gave always wins."""

    @functools.wraps(command)
    def run(*args, **options):
        ctx = click.get_current_context()
        for field, value in nnscratch.dataset_defaults(options["dataset"], options.get("classes")).items():
            if ctx.get_parameter_source(field) is click.core.ParameterSource.DEFAULT:
                options[field] = value
        return command(*args, **options)

    return run


def training_options(command, dataset: str = DEFAULTS.dataset):
    """The options that pick the architecture, the data and the training, shared by train and render;
    the command sees the chosen dataset's defaults for the ones left out. ``dataset`` is the default one."""
    options = [
        click.option("--layers", type=LayerSizes(), default=",".join(map(str, DEFAULTS.layers)),
                     help="Neurons per layer, input first." + shown_default("layers")),
        click.option("--activation", type=click.Choice(list(HIDDEN_ACTIVATIONS)), default=DEFAULTS.activation,
                     help="Activation of the hidden layers." + shown_default("activation")),
        click.option("--init", "weight_init", type=click.Choice(list(INITIALIZERS)), default=DEFAULTS.weight_init,
                     show_default=True, help="Weight initializer."),
        click.option("--dataset", type=click.Choice(list(DATASETS)), default=dataset, show_default=True,
                     help="'sample' is two Gaussian blobs with one feature per input neuron; 'digits' is 10,000 "
                          "handwritten MNIST digits of 28x28 pixels; the others are 2-D. The options left out "
                          "take the dataset's defaults."),
        click.option("--classes", type=WholeNumber(2, MAX_CLASSES), default=None,
                     help=f"Number of classes for {' and '.join(MANY_CLASS_NAMES)} (arms, clusters), 2 to "
                          f"{MAX_CLASSES}; the output layer left out follows it.  [default: 2]"),
        click.option("--samples", type=WholeNumber(4, MAX_SAMPLES), default=DEFAULTS.samples,
                     help="Number of samples, train and test together." + shown_default("samples")),
        click.option("--noise", type=FiniteFloat("--noise", 0, 5), default=DEFAULTS.noise,
                     help="Noise of the dataset (a standard deviation); each dataset has its own default, "
                          "and the digits take none."),
        click.option("--test-fraction", type=FiniteFloat("--test-fraction", 0, 1, high_open=True),
                     default=DEFAULTS.test_fraction,
                     show_default=True, help="Share of samples held out for testing."),
        click.option("--epochs", type=WholeNumber(1, checks.MAX_EPOCHS), default=DEFAULTS.epochs,
                     help="Passes over the training samples." + shown_default("epochs")),
        click.option("--lr", "learning_rate", type=FiniteFloat("the learning rate", 0, checks.MAX_LEARNING_RATE,
                                                             low_open=True),
                     default=DEFAULTS.learning_rate, help="Learning rate." + shown_default("learning_rate")),
        click.option("--batch-size", type=WholeNumber(1), default=DEFAULTS.batch_size,
                     help="Mini-batch size." + shown_default("batch_size")),
        click.option("--optimizer", type=click.Choice(list(OPTIMIZERS)), default=DEFAULTS.optimizer,
                     help="How the gradient moves the weights." + shown_default("optimizer")),
        click.option("--l1", type=FiniteFloat("--l1", 0, checks.MAX_REGULARIZATION), default=DEFAULTS.l1,
                     help="L1 regularization strength."),
        click.option("--l2", type=FiniteFloat("--l2", 0, checks.MAX_REGULARIZATION), default=DEFAULTS.l2,
                     help="L2 regularization strength."),
        click.option("--dropout", type=FiniteFloat("--dropout", 0, 1, high_open=True), default=DEFAULTS.dropout,
                     help="Share of hidden neurons each training step silences at random (0 to under 1); "
                          "evaluation uses them all."),
        click.option("--probe", type=WholeNumber(0), default=DEFAULTS.probe, show_default=True,
                     help="Training sample whose activations are recorded."),
        click.option("--seed", type=WholeNumber(0, 2**32 - 1), default=DEFAULTS.seed, show_default=True),
    ]
    command = with_dataset_defaults(command)
    for option in reversed(options):
        command = option(command)
    return command


def run_spec(options: dict) -> nnscratch.RunSpec:
    """Pop the training options into a RunSpec and check what needs several of them at once
    (BadParameter naming the option to change, before any work)."""
    fields = {name: options.pop(name) for name in nnscratch.RunSpec.__dataclass_fields__}
    spec = nnscratch.RunSpec(**{**fields, "layers": tuple(fields["layers"])})  # a tuple, as RunSpec holds it
    try:
        return spec.check()
    except nnscratch.SpecError as error:
        raise click.BadParameter(str(error), param_hint=f"'{flag(error.field)}'") from None


def run_training(spec: nnscratch.RunSpec) -> nnscratch.TrainingHistory:
    """Train as the spec says, with a progress bar on a terminal; divergence becomes a one-line error,
    a run that did not learn or overfits a one-line warning."""
    progress = sys.stderr.isatty()
    with click.progressbar(length=spec.epochs, label="training", file=sys.stderr) if progress \
            else contextlib.nullcontext() as bar:
        try:
            history = nnscratch.record_run(spec, on_epoch=(lambda *_: bar.update(1)) if progress else None)
        except nnscratch.DivergenceError as error:
            raise click.ClickException(str(error)) from None
        except nnscratch.SpecError as error:  # what only the data made can show (one class drawn)
            raise click.BadParameter(str(error), param_hint=f"'{flag(error.field)}'") from None
    warn_about(history)
    return history


def warn_about(history: nnscratch.TrainingHistory) -> None:
    verdict = nnscratch.judge(history)
    if not verdict.learned:
        click.echo(f"warning: it did not learn: {verdict.why_not}", err=True)
    if verdict.unstable:
        click.echo(f"warning: it is unstable: {verdict.unstable}; a smaller learning rate would steady it", err=True)
    if verdict.overfit:
        click.echo(f"warning: it overfits: {verdict.overfit}", err=True)


def describe_metrics(history: "nnscratch.TrainingHistory") -> str:
    text = f"loss {history.train_loss[-1]:.4f}"
    if not math.isnan(history.train_accuracy[-1]):
        text += f", accuracy {history.train_accuracy[-1]:.1%}"
    if history.has_test and not math.isnan(history.test_accuracy[-1]):
        text += f" (test {history.test_accuracy[-1]:.1%})"
    return text


class Stopped(KeyboardInterrupt):
    """A signal asked the run to stop: raised where the program is, so every cleanup
    (``finally``, temporary files) runs on the way out, as for Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class StoppedRun(Exception):
    """A run stopped by a signal, once its cleanup has run; not a KeyboardInterrupt, so click passes it on."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop_on_signal(signum: int, frame) -> None:
    # Further signals would cut the cleanup short: it is quick, and SIGKILL still ends everything.
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    raise Stopped(signum)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


MAX_MESSAGE = 400


def one_line(text: str) -> str:
    """A message as one line of sane length: control characters (a newline in a path) escaped,
    and the middle of a very long message cut."""
    text = re.sub(r"[\x00-\x1f\x7f]", lambda match: repr(match.group())[1:-1], text)
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE // 2] + " [...] " + text[-MAX_MESSAGE // 2:]
    return text


class OnceOnly(click.Command):
    """A command whose options may each be given once: click keeps the last of ``--out a --out b``
    silently, and a user who typed both meant something the command would not do."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        names = {name: param for param in self.params if isinstance(param, click.Option) and not param.multiple
                 for name in param.opts + param.secondary_opts}
        seen: dict[click.Option, str] = {}
        for arg in args:
            if arg == "--":
                break
            param = names.get(arg.split("=", 1)[0]) if arg.startswith("-") else None
            if param is None:
                continue
            if param in seen:
                raise click.UsageError(f"{seen[param]} is given twice; give it once", ctx)
            seen[param] = arg.split("=", 1)[0]
        return super().parse_args(ctx, args)


class OneLineErrors(click.Group):
    """A group whose usage errors are one line (``Error: ...``) rather than usage, hint and error,
    and whose runs stop cleanly on SIGINT, SIGTERM and SIGHUP (exit 128 + the signal's number)."""

    command_class = OnceOnly
    group_class = type  # the render group is one of these too

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as error:
            raise StoppedRun(getattr(error, "signum", signal.SIGINT)) from None

    def main(self, *args, **kwargs):
        standalone = kwargs.pop("standalone_mode", True)
        previous = {}
        if threading.current_thread() is threading.main_thread():
            previous = {number: signal.signal(number, _stop_on_signal) for number in STOP_SIGNALS}
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except click.ClickException as error:
            if not standalone:
                raise
            if isinstance(error, click.exceptions.NoArgsIsHelpError):
                error.show()
            else:
                click.echo(f"Error: {one_line(error.format_message())}", err=True)
            sys.exit(error.exit_code)
        except MemoryError:
            if not standalone:
                raise
            click.echo("Error: out of memory: this run needs more than the machine (or its limits) gives", err=True)
            sys.exit(1)
        except StoppedRun as error:
            if not standalone:
                raise
            if sys.stderr.isatty():
                click.echo(err=True)  # past the terminal's ^C
            click.echo(f"Stopped by {signal.Signals(error.signum).name}: nothing was written.", err=True)
            sys.exit(128 + error.signum)
        except Exception as error:  # a bug, or the environment: still one line, the traceback on request
            if not standalone or os.environ.get("NNSCRATCH_DEBUG"):
                raise
            click.echo(f"Error: nnscratch failed: {type(error).__name__}: {one_line(str(error))} "
                       "(NNSCRATCH_DEBUG=1 shows where)", err=True)
            sys.exit(1)
        finally:
            for number, handler in previous.items():
                # Once the command is over its files are in place: a late signal changes nothing.
                signal.signal(number, signal.SIG_IGN if OWN_PROCESS else handler)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
def main() -> None:
    """Explainer videos of a neural network that really trains.

    \b
    Example:
      nnscratch render forward
      nnscratch render training --epochs 500
      nnscratch train --layers 2,8,8,1 --dataset spiral --activation tanh --epochs 2000 --out spiral.npz
      nnscratch info spiral.npz
    """


@main.command()
@training_options
@click.option("--out", "out", type=OutputFile(".npz"), default="run.npz", show_default=True,
              help="Where to save the run (a new file or a regular file, ending in .npz).")
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
def train(out: Path, **options) -> None:
    """Train a network and save every recorded step to a run file.

    \b
    Example:
      nnscratch train --layers 4,6,4,1 --epochs 500 --lr 1 --out run.npz
    """
    spec = run_spec(options)
    started = time.perf_counter()
    history = run_training(spec)
    elapsed = time.perf_counter() - started
    with written(out):
        history.save(out)
    click.echo(f"trained {list(spec.layers)} {spec.activation} on {spec.dataset} for "
               f"{spec.epochs} epochs in {elapsed:.2f} s: {describe_metrics(history)}; saved {one_line(str(out))}")


@main.command()
@click.argument("run", type=click.Path(path_type=str))  # a str: Path('') would be '.', not the '' given
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
def info(run: str) -> None:
    """Describe what a run file holds.

    \b
    Example:
      nnscratch info run.npz
    """
    try:
        size = f"{os.stat(run).st_size:,} bytes"
    except OSError:
        size = "size unknown"
    try:
        history = nnscratch.TrainingHistory.load(run)
    except nnscratch.RunFileError as error:
        raise click.ClickException(str(error)) from None
    meta = history.metadata
    dataset = meta.get("dataset", {})
    classes = f" ({dataset['classes']} classes)" if "classes" in dataset else ""
    first = f"loss {history.train_loss[0]:.4f}" + (f", accuracy {history.train_accuracy[0]:.1%}"
                                                   if not math.isnan(history.train_accuracy[0]) else "")
    rows = [
        ("file", f"{one_line(str(run))} ({size})"),
        ("layers", f"{meta['layer_sizes']} ({history.network_at().n_parameters:,} parameters)"),
        ("activation", f"{meta['activation']} hidden, {meta['output']} output, {meta.get('loss', '?')} loss"),
        ("init", meta["weight_init"]),
        ("training", f"{meta['optimizer']}, lr {meta.get('learning_rate')}, "
                     f"batch {meta.get('batch_size') or 'full'}, l1 {meta['l1']}, l2 {meta['l2']}, "
                     f"dropout {meta.get('dropout', 0)}, seed {meta['seed']}"),
        ("data", f"{dataset.get('name', '?')}{classes}: {len(history.X_train)} train, {len(history.X_test)} test, "
                 f"noise {dataset.get('noise', '?')}"),
        ("epochs", f"{history.epochs} ({history.n_snapshots} snapshots)"),
        ("first", first),
        ("final", describe_metrics(history)),
        *([("diverged", one_line(meta["diverged"]["cause"]))] if "diverged" in meta else []),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        click.echo(f"{name:<{width}}  {value}")


NO_VOICE = "voice: none found, captions only (pip install nnscratch[voice], or install espeak-ng)"


def import_scenes():
    """The scenes package (and Manim with it), quietly: Manim's dependencies warn on import
    (pydub's audioop), and PYTHONWARNINGS=error must not turn that into a traceback."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import scenes
    return scenes


def check_fps(ctx: click.Context, param: click.Parameter, fps: int | None) -> int | None:
    if fps is None or ctx.params.get("video_format") != "gif":
        return fps
    import_scenes()  # only here: Manim's import is a second and a half a still need not wait for yet
    from scenes.output.render import GIF_RATES

    if fps not in GIF_RATES:
        raise click.BadParameter(f"a GIF counts time in hundredths of a second, so it plays {fps} frames a second "
                                 f"only roughly; choose {', '.join(map(str, GIF_RATES))}")
    return fps


class VoiceChoice(NamedTuple):
    asked: str
    voice: object | None  # a scenes.narration.speech.Voice, or None for captions only


def resolve_voice(ctx: click.Context, param: click.Parameter, name: str) -> VoiceChoice:
    """The voice for ``--voice``, or None for captions only; an engine that cannot run is exit 2. A still
    (``--still``, eager) says nothing, and does not wait for Manim's import here."""
    if ctx.params.get("still"):
        return VoiceChoice(name, None)
    import_scenes()
    from scenes.narration.speech import VoiceUnavailable, choose_voice

    try:
        return VoiceChoice(name, choose_voice(name))
    except VoiceUnavailable as error:
        raise click.BadParameter(str(error)) from None


def render_options(command, dataset: str = DEFAULTS.dataset, replay: bool = True):
    """Where the run comes from and how the video is written, shared by every render command;
    ``dataset`` is the one trained on when none is given; ``replay`` adds --run."""
    options = [
        *([click.option("--run", "run_file", type=click.Path(path_type=str), default=None,
                        help="Replay a saved run (from `nnscratch train --out`) instead of training.")]
          if replay else []),
        click.option("--quality", type=click.Choice(["low", "medium", "high", "4k"]), default="high",
                     show_default=True, help="low is 480p15 for drafts, medium 720p30, high 1080p60, 4k 2160p60."),
        click.option("--fps", type=WholeNumber(1, 120), default=None, callback=check_fps,
                     help="Frames per second (default: the quality's; a GIF plays 10, 20, 25 or 50)."),
        click.option("--format", "video_format", type=click.Choice(["mp4", "gif", "webm"]), default="mp4",
                     show_default=True, is_eager=True),  # eager: --output's check reads it
        click.option("--still", is_flag=True, is_eager=True,
                     help="Write one frame as a PNG instead of the video, in seconds: the last one, or --at's."),
        click.option("--at", type=FiniteFloat("--at", 0, MAX_AT), default=None,
                     help="With --still: the frame that ends the sentence on screen at this many seconds."),
        click.option("--output", type=OutputFile(captions=True), default=None,
                     help="Where to write the video, a new file or a regular file ending in the --format "
                          "(default: media/videos/<scene>.<format>); its captions go beside it as .srt."),
        click.option("--voice", type=click.Choice(["auto", "piper", "espeak", "none"]), default="auto",
                     show_default=True, callback=resolve_voice,
                     help="Who speaks the narration: piper (pip install nnscratch[voice]), espeak (espeak-ng), "
                          "auto (the first that works, else captions only) or none."),
        click.option("--preview", is_flag=True, help="Open the video when it is done."),
    ]
    for option in reversed(options):
        command = option(command)
    return training_options(command, dataset)


def obtain_history(ctx: click.Context, options: dict, default_stem: str,
                   check_run=None) -> nnscratch.TrainingHistory:
    """Check every option, then load the --run file or train as the options say, before any rendering.
    ``check_run(history)`` may refuse a loaded run (BadParameter) before anything is said about it."""
    run_file = options.pop("run_file")
    explicit = [name for name in nnscratch.RunSpec.__dataclass_fields__
                if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE]
    if run_file is not None and explicit:  # said first: the spec's own checks would judge a run not made
        raise click.BadParameter(f"--run replays a saved run, so {flag(explicit[0])} has no effect; "
                                 "leave it out or drop --run", param_hint=f"'{flag(explicit[0])}'")
    spec = run_spec(options)
    settle_output(ctx, options, default_stem)
    if run_file is not None:
        for written_path in (options["output"], options["output"].with_suffix(".srt")):
            if same_file(run_file, written_path):
                raise click.BadParameter(f"{one_line(str(written_path))} is the run file being replayed; "
                                         "the video and its captions need paths of their own",
                                         param_hint="'--output'")
    if run_file is None:
        return run_training(spec)
    try:
        history = nnscratch.TrainingHistory.load(run_file)
    except nnscratch.RunFileError as error:
        raise click.ClickException(str(error)) from None
    if check_run is not None:
        check_run(history)
    warn_about(history)
    return history


def settle_output(ctx: click.Context, options: dict, default_stem: str) -> None:
    """Check --at, and set --output to its default when it was left out (BadParameter if that
    default cannot be written)."""
    if options["at"] is not None and not options["still"]:
        raise click.BadParameter("--at picks the frame of a still; add --still", param_hint="'--at'")
    if options["still"]:  # a PNG has no frame rate, container, voice or player
        for name, flag_name in (("fps", "--fps"), ("video_format", "--format"), ("voice", "--voice"),
                                ("preview", "--preview")):
            if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE:
                raise click.BadParameter(f"{flag_name} has no effect on a still, which is one PNG; leave it out "
                                         "or drop --still", param_hint=f"'{flag_name}'")
    if options["output"] is None:
        options["output"] = (Path("media") / "images" / f"{default_stem}.png" if options["still"] else
                             Path("media") / "videos" / f"{default_stem}.{options['video_format']}")
        try:
            check_output_folder(options["output"].parent)
            if options["output"].parent.is_dir():
                OutputFile(captions=True).convert(str(options["output"]), None, ctx)
        except (OutputPathError, click.BadParameter) as error:
            message = error.message if isinstance(error, click.BadParameter) else str(error)
            raise click.BadParameter(message, param_hint="'--output'") from None


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


@contextlib.contextmanager
def written(path: Path):
    """Turn a failure to write ``path`` into one line (exit 1)."""
    try:
        yield
    except OutputPathError as error:
        raise click.ClickException(f"{error} (it changed while nnscratch worked)") from None
    except OSError as error:
        raise click.ClickException(f"cannot write {path}: {error.strerror or error}") from None


@contextlib.contextmanager
def voice_failures():
    """A voice that fails mid-render (its model will not load) ends in one line (exit 1)."""
    from scenes.narration.speech import VoiceUnavailable

    try:
        yield
    except VoiceUnavailable as error:
        raise click.ClickException(f"{error}; try --voice espeak or --voice none") from None


@contextlib.contextmanager
def frame_bar():
    """One progress bar for a whole render on a terminal: frames done of those expected, and the
    time left. None when stderr is not a terminal: piped into a log, a redrawn bar is noise."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=1, label="rendering", file=sys.stderr, show_pos=True, show_eta=True) as bar:
        def show(done: int, total: int) -> None:
            bar.length = max(total, done, 1)
            bar.update(done - bar.pos)

        yield show


def render_video(scene_name: str, history, options: dict, **scene_kwargs) -> None:
    """Render one scene of ``history`` (or, for "explainer", its chapters) and report the file in one line."""
    output = options["output"]
    scenes = import_scenes()  # manim loads only when a video is asked for
    from scenes.output.parallel import render_explainer, render_explainer_still
    from scenes.output.render import render, render_still

    explainer = scene_name == "explainer"
    if options["still"]:
        started = time.perf_counter()
        with written(output), new_folders(output.parent):
            if explainer:
                scene = render_explainer_still(history, output, quality=options["quality"], at=options["at"],
                                               **scene_kwargs)
            else:
                scene = render_still(getattr(scenes, scene_name), output, quality=options["quality"],
                                     at=options["at"], history=history, **scene_kwargs)
        moment = f"the frame at {getattr(scene, 'video_time', scene.time):.1f} s"
        click.echo(f"wrote {one_line(str(output))} ({moment}, {scene.camera.pixel_width}x{scene.camera.pixel_height})"
                   f" in {time.perf_counter() - started:.1f} s")
        return

    started = time.perf_counter()
    settings = {"quality": options["quality"], "fps": options["fps"], "video_format": options["video_format"],
                "voice": options["voice"].voice}
    with written(output), voice_failures(), new_folders(output.parent), frame_bar() as progress:
        if explainer:
            video = render_explainer(history, output, progress=progress, **settings, **scene_kwargs)
        else:
            video = render(getattr(scenes, scene_name), output, progress=progress, history=history, **settings,
                           **scene_kwargs)
    elapsed = time.perf_counter() - started
    if video.voice is not None:
        spoken = f"; voice: {video.voice}"
    else:
        spoken = "; " + (NO_VOICE if options["voice"].asked == "auto" else "voice: none, captions only")
    captions = f"; captions {one_line(str(video.subtitles))}" if video.subtitles else ""
    chapters = f", {len(video.chapters)} chapters" if video.chapters else ""
    click.echo(f"wrote {one_line(str(video.path))} ({video.duration:.1f} s{chapters}, {video.width}x{video.height} "
               f"at {video.fps} fps) in {elapsed:.1f} s{spoken}{captions}")
    if options["preview"] and click.launch(str(video.path)) != 0:
        click.echo("warning: no program could open the video here (is there a display?)", err=True)


@main.group()
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
def render() -> None:
    """Render a video of a network: the whole story (explainer), or one part of it.

    \b
    Example:
      nnscratch render explainer
      nnscratch render forward
      nnscratch render training --epochs 500 --quality low
      nnscratch render forward --run run.npz --input 0.5,0.8,0.2,0.9
    """


@render.command("data")
@render_options
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
@click.pass_context
def render_data(ctx: click.Context, **options) -> None:
    """The task: the run's examples (digits, points in the plane or rows of numbers), their labels,
    the example the other scenes follow, and the test examples kept apart.

    \b
    Example:
      nnscratch render data --dataset spiral --classes 3
    """
    history = obtain_history(ctx, options, "data")
    render_video("DataScene", history, options)


@render.command("network")
@render_options
@click.option("--trained", is_flag=True, help="Colour the edges with the trained weights, not the initial ones.")
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
@click.pass_context
def render_network(ctx: click.Context, trained: bool, **options) -> None:
    """The architecture: layers, edges in the colours of the real weights, labels and a legend.

    \b
    Example:
      nnscratch render network --layers 8,16,12,8,4,1 --activation relu --init he
    """
    history = obtain_history(ctx, options, "network")
    render_video("NetworkScene", history, options, snapshot=-1 if trained else 0)


@render.command("forward")
@render_options
@click.option("--input", "input_values", type=Numbers(), default=None,
              help="A custom input, one value per input neuron, e.g. 0.5,0.8,0.2,0.9.")
@click.option("--sample", type=WholeNumber(0), default=None, help="Use training sample N as the input.")
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
@click.pass_context
def render_forward(ctx: click.Context, input_values: list[float] | None, sample: int | None, **options) -> None:
    """One input flowing through the trained network, layer by layer, with the real numbers.

    \b
    Example:
      nnscratch render forward --input 0.5,0.8,0.2,0.9
      nnscratch render forward --sample 12 --quality low
    """
    if input_values is not None and sample is not None:
        raise click.BadParameter("give --input or --sample, not both", param_hint="'--sample'")
    if sample is not None and options["run_file"] is None:
        n_train = train_size(options["samples"], options["test_fraction"])
        if sample >= n_train:
            raise click.BadParameter(f"there are {n_train} training samples, so --sample must be below {n_train}",
                                     param_hint="'--sample'")
    if input_values is not None and options["run_file"] is None and len(input_values) != options["layers"][0]:
        raise click.BadParameter(f"{len(input_values)} values for an input layer of {options['layers'][0]}",
                                 param_hint="'--input'")
    history = obtain_history(ctx, options, "forward_pass")
    if input_values is not None and len(input_values) != history.layer_sizes[0]:
        raise click.BadParameter(f"{len(input_values)} values for an input layer of {history.layer_sizes[0]}",
                                 param_hint="'--input'")
    if sample is not None and sample >= len(history.X_train):
        raise click.BadParameter(f"there are {len(history.X_train)} training samples, so --sample must be below "
                                 f"{len(history.X_train)}", param_hint="'--sample'")
    render_video("ForwardPassScene", history, options, input_values=input_values, sample=sample)


@render.command("backprop")
@render_options
@click.option("--sample", type=WholeNumber(0), default=None,
              help="The training sample to follow (default: the run's probe sample).")
@click.option("--epoch", type=WholeNumber(0), default=None,
              help="The epoch to look at, the nearest recorded one (default: early, where gradients are large).")
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
@click.pass_context
def render_backprop(ctx: click.Context, sample: int | None, epoch: int | None, **options) -> None:
    """Backpropagation for one example: its cost, the nudges it wishes, dC/dw on the edges, the step.

    \b
    Example:
      nnscratch render backprop --epochs 500 --sample 3 --epoch 20
    """
    if options["run_file"] is None:  # before any training, from what the options make
        n_train = train_size(options["samples"], options["test_fraction"])
        if sample is not None and sample >= n_train:
            raise click.BadParameter(f"there are {n_train} training samples, so --sample must be below {n_train}",
                                     param_hint="'--sample'")
        if epoch is not None and epoch > options["epochs"]:
            raise click.BadParameter(f"the run has {options['epochs']:,} epochs, so --epoch must be at most "
                                     f"{options['epochs']:,}", param_hint="'--epoch'")
    history = obtain_history(ctx, options, "backprop")
    if sample is not None and sample >= len(history.X_train):
        raise click.BadParameter(f"there are {len(history.X_train)} training samples, so --sample must be below "
                                 f"{len(history.X_train)}", param_hint="'--sample'")
    if epoch is not None and epoch > history.epochs:
        raise click.BadParameter(f"the run has {history.epochs:,} epochs, so --epoch must be at most "
                                 f"{history.epochs:,}", param_hint="'--epoch'")
    render_video("BackpropScene", history, options, sample=sample, epoch=epoch)


@render.command("descent")
@render_options
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
@click.pass_context
def render_descent(ctx: click.Context, **options) -> None:
    """Gradient descent on the real loss surface: the run's path on the plane its weights moved most in.

    \b
    Example:
      nnscratch render descent --dataset moons
    """
    history = obtain_history(ctx, options, "descent")
    landscape_cache.prefetch(history)  # computed while the renderer loads
    render_video("GradientDescentScene", history, options)


def check_sample(options: dict, sample: int | None, history=None) -> None:
    """--sample names a training sample: checked before training from the options, and after it."""
    count = len(history.X_train) if history is not None else (
        train_size(options["samples"], options["test_fraction"]) if options["run_file"] is None else None)
    if sample is not None and count is not None and sample >= count:
        raise click.BadParameter(f"there are {count} training samples, so --sample must be below {count}",
                                 param_hint="'--sample'")


@render.command("neuron")
@render_options
@click.option("--sample", type=WholeNumber(0), default=None,
              help="The training sample to feed it (default: the run's probe sample).")
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
@click.pass_context
def render_neuron(ctx: click.Context, sample: int | None, **options) -> None:
    """One neuron up close: its inputs times its weights, plus its bias, and the activation curve at z.

    \b
    Example:
      nnscratch render neuron --sample 3
    """
    check_sample(options, sample)
    history = obtain_history(ctx, options, "neuron")
    check_sample(options, sample, history)
    render_video("NeuronScene", history, options, sample=sample)


@render.command("cost")
@render_options
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
@click.pass_context
def render_cost(ctx: click.Context, **options) -> None:
    """The cost: how wrong the network is on each example, before and after training, and the loss as their average.

    \b
    Example:
      nnscratch render cost --dataset digits
    """
    history = obtain_history(ctx, options, "cost")
    render_video("CostScene", history, options)


@render.command("summary")
@render_options
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
@click.pass_context
def render_summary(ctx: click.Context, **options) -> None:
    """The run in its final numbers: data, network, training, loss and accuracy, and whether it learned.

    \b
    Example:
      nnscratch render summary --run run.npz
    """
    history = obtain_history(ctx, options, "summary")
    render_video("SummaryScene", history, options)


class ChapterNames(click.ParamType):
    """``"neuron,cost"``: chapters of the explainer by name."""

    name = "names"

    def convert(self, value, param, ctx) -> list[str]:
        if isinstance(value, list):
            return value
        from scenes.chapters.explainer import CHAPTER_NAMES

        names = [part.strip() for part in str(value).split(",")]
        for name in names:
            if name not in CHAPTER_NAMES:
                self.fail(f"no chapter {shown(name)}; choose from {', '.join(CHAPTER_NAMES)}", param, ctx)
        if len(set(names)) != len(names):
            self.fail(f"{shown(value)} names a chapter twice", param, ctx)
        return names


@render.command("explainer")
@functools.partial(render_options, dataset=nnscratch.video_dataset("explainer"))
@click.option("--chapters", type=ChapterNames(), default=None,
              help="Only these chapters, comma-separated, in the story's order whatever the order given "
                   "(default: all of them).")
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
@click.pass_context
def render_explainer(ctx: click.Context, chapters: list[str] | None, **options) -> None:
    """The whole story of one run in one chaptered, narrated video: the task and its data, the network,
    one neuron, the forward pass, the cost, backpropagation, gradient descent, training, what the first
    layer looks for (on images) and a summary. Chapters render in parallel, one process per core.

    \b
    Example:
      nnscratch render explainer
      nnscratch render explainer --dataset digits --quality low
      nnscratch render explainer --chapters neuron,cost --run run.npz
    """
    from scenes.chapters.explainer import chapter_specs

    def chapters_fit(history: nnscratch.TrainingHistory) -> None:
        try:
            chapter_specs(chapters, history)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="'--chapters'") from None

    if options["run_file"] is None and chapters:  # refused before training
        for spec in chapter_specs(chapters):
            if spec.needs_learned and what_it_learned(options["dataset"], options["layers"]) is None:
                raise click.BadParameter(spec.refusal(), param_hint="'--chapters'")
    history = obtain_history(ctx, options, "explainer", chapters_fit)
    if any(spec.name == "descent" for spec in chapter_specs(chapters, history)):
        landscape_cache.prefetch(history)  # on disk before the descent's chapter asks for it
    render_video("explainer", history, options, chapters=chapters)


@render.command("training")
@render_options
@click.option("--duration", type=FiniteFloat("--duration", 3, 600), default=12.0, show_default=True,
              help="Length of the replay in seconds, whatever the number of epochs; a part of it lasts "
                   "longer when its sentence needs the time.")
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
@click.pass_context
def render_training(ctx: click.Context, duration: float, **options) -> None:
    """Training replayed: edges recolour as the weights change, loss and accuracy curves draw along.

    \b
    Example:
      nnscratch render training --epochs 500
      nnscratch render training --dataset spiral --layers 2,8,8,1 --activation tanh --optimizer adam --lr 0.02 --epochs 3000
    """
    history = obtain_history(ctx, options, "training")
    render_video("TrainingScene", history, options, duration=duration)


class Variation(click.ParamType):
    """``"lr=0.01,0.1,1"``: the option the runs of a comparison differ in, and its values."""

    name = "OPTION=V1,V2"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        from nnscratch.comparison import parse_variation

        try:
            return parse_variation(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


class RunFiles(click.ParamType):
    """``"a.npz,b.npz"``: 2 to 4 saved runs, to be replayed side by side."""

    name = "files"

    def convert(self, value, param, ctx) -> list[Path]:
        if isinstance(value, list):
            return value
        from nnscratch.comparison import run_files

        try:
            return run_files(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


@contextlib.contextmanager
def comparable(option: str):
    """A comparison its runs cannot make (ComparisonError) as one line naming ``option``, exit 2."""
    from nnscratch.comparison import ComparisonError

    try:
        yield
    except ComparisonError as error:
        raise click.BadParameter(str(error), param_hint=f"'{option}'") from None


@render.command("compare")
@functools.partial(render_options, replay=False)
@click.option("--vary", type=Variation(), default=None,
              help="The option the runs differ in and its 2 to 4 values, e.g. lr=0.01,0.1,1 or "
                   "activation=sigmoid,tanh,relu; one of activation, init, lr, optimizer, dropout, batch-size, "
                   "l1, l2. Every other training option is shared.")
@click.option("--runs", "run_files", type=RunFiles(), default=None,
              help="Replay 2 to 4 saved runs of one network on the same data instead of training, e.g. "
                   "a.npz,b.npz.")
@click.option("--out-dir", type=click.Path(path_type=Path), default=None,
              help="Save each run trained for --vary in this folder, as OPTION-VALUE.npz.")
@click.option("--duration", type=FiniteFloat("--duration", 3, 600), default=12.0, show_default=True,
              help="Length of the replay in seconds, whatever the number of epochs.")
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
@click.pass_context
def render_compare(ctx: click.Context, vary, run_files: list[Path] | None, out_dir: Path | None, duration: float,
                   **options) -> None:
    """Runs that differ in one choice, side by side: their networks recolouring in step, their curves
    on one axis, and how each ended, diverged or did not learn included. Each value trains its own run
    from the same data and seed, in parallel when the machine has the cores.

    \b
    Example:
      nnscratch render compare --vary lr=0.01,0.1,1,10
      nnscratch render compare --vary activation=sigmoid,tanh,relu --dataset moons --quality low
      nnscratch render compare --vary init=random,xavier,he --layers 2,16,16,16,16,1 --dataset moons --activation sigmoid --optimizer sgd --lr 1
      nnscratch render compare --runs a.npz,b.npz
    """
    from nnscratch.comparison import distinct_runs, record_runs, varied_in, varied_specs

    if vary is None and run_files is None:
        raise click.BadParameter("say what the runs differ in, e.g. --vary lr=0.01,0.1,1, or give saved runs "
                                 "with --runs", param_hint="'--vary'")
    if vary is not None and run_files is not None:
        raise click.BadParameter("--vary trains new runs and --runs replays saved ones: give one of them",
                                 param_hint="'--runs'")
    explicit = [name for name in nnscratch.RunSpec.__dataclass_fields__
                if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE]
    if run_files is not None:
        if explicit:
            raise click.BadParameter(f"--runs replays saved runs, so {flag(explicit[0])} has no effect; leave it out",
                                     param_hint=f"'{flag(explicit[0])}'")
        if out_dir is not None:
            raise click.BadParameter("--out-dir saves runs trained for --vary; --runs are saved already",
                                     param_hint="'--out-dir'")
    else:
        variable, values = vary
        if variable.field in explicit:
            raise click.BadParameter(f"--vary {variable.option} sets {flag(variable.field)} of each run; leave "
                                     f"{flag(variable.field)} out", param_hint=f"'{flag(variable.field)}'")
    base = run_spec(options)
    settle_output(ctx, options, "compare")
    if run_files is not None:
        for path in run_files:
            for written_path in (options["output"], options["output"].with_suffix(".srt")):
                if same_file(path, written_path):
                    raise click.BadParameter(f"{one_line(str(written_path))} is a run file being replayed",
                                             param_hint="'--output'")
        try:
            histories = [nnscratch.TrainingHistory.load(path) for path in run_files]
        except nnscratch.RunFileError as error:
            raise click.ClickException(str(error)) from None
        with comparable("--runs"):
            variable, values = varied_in(histories, [str(path) for path in run_files])
    else:
        try:
            specs = varied_specs(base, variable, values)
        except nnscratch.SpecError as error:
            raise click.BadParameter(str(error), param_hint="'--vary'") from None
        saved = []
        if out_dir is not None:
            saved = [out_dir / name for name in variable.file_names(values)]
            try:
                check_output_folder(out_dir)
                for path in saved if out_dir.is_dir() else []:
                    check_output_path(path, ".npz")
            except OutputPathError as error:
                raise click.BadParameter(str(error), param_hint="'--out-dir'") from None
        try:
            histories = record_runs(specs)
        except nnscratch.SpecError as error:  # what only the data made can show (one class drawn)
            raise click.BadParameter(str(error), param_hint=f"'{flag(error.field)}'") from None
        with comparable("--vary"):  # values too close to change a step: told before anything is written
            distinct_runs(histories, variable.labels(values))
        if saved:
            with written(out_dir), new_folders(out_dir):
                for history, path in zip(histories, saved):
                    history.save(path)
    render_video("CompareScene", None, options, histories=histories, option=variable.option, values=values,
                 duration=duration)


@render.command("features")
@functools.partial(render_options, dataset=nnscratch.video_dataset("features"))
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
@click.pass_context
def render_features(ctx: click.Context, **options) -> None:
    """What the network learned: for images, each first-layer neuron's weights drawn as a picture; for
    points in the plane, each hidden neuron's answer across the plane, and the output's.

    \b
    Example:
      nnscratch render features
      nnscratch render features --dataset moons --quality low
      nnscratch render features --run digits.npz --quality low
    """
    needs = ("draws what the network learned for images (--dataset digits) or points in the plane with a "
             "hidden layer")
    if options["run_file"] is None and what_it_learned(options["dataset"], options["layers"]) is None:
        raise click.BadParameter(f"render features {needs}, not {options['dataset']} data into "
                                 f"{','.join(map(str, options['layers']))}", param_hint="'--dataset'")

    def drawable(history: nnscratch.TrainingHistory) -> None:
        name = history.dataset_name or "unnamed"
        if what_it_learned(name, history.layer_sizes) is None:
            raise click.BadParameter(f"render features {needs}; this run is on {name} data", param_hint="'--run'")

    history = obtain_history(ctx, options, "features", drawable)
    render_video(import_scenes().scene_for("features", history).__name__, history, options)


if __name__ == "__main__":
    main()
