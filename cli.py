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
import io
import threading
import time
import warnings
from pathlib import Path
from typing import Callable, NamedTuple

import nnscratch  # first: it sets numpy's BLAS threads before numpy loads  # noqa: I001
import click

from nnscratch import architecture, checks, landscape_cache
from nnscratch.activations import HIDDEN_ACTIVATIONS
from nnscratch.datasets import DATASETS, MANY_CLASS_NAMES, MAX_CLASSES, MAX_SAMPLES, TWO_D_DATASETS, train_size
from nnscratch.files import OutputPathError, check_output_folder, check_output_path, new_folders
from nnscratch.initializers import INITIALIZERS
from nnscratch.losses import LOSSES
from nnscratch.optimizers import OPTIMIZERS
from nnscratch.run import is_convolutional
from nnscratch.user_data import DEFAULT_IMAGE_SIZE, MAX_IMAGE_SIZE, MIN_IMAGE_SIZE, UNSAFE_CHARACTERS
from scenes.camera import stopping
from scenes.chapters.catalogue import (
    CHAPTERS, EXPLAINER_DATASET, NAMES, Chapter, chapters_of, planned_refusal, refusal_of,
)
from scenes.narration.speech import VOICES
from scenes.output.settings import FORMATS, GIF_RATES, QUALITIES

MAX_AT = 3600.0  # seconds: longer than any video nnscratch makes (an explainer lasts minutes)
MAX_INPUT_MAGNITUDE = 100.0  # a custom input this far outside every dataset's range shows nothing the data can
MAX_MESSAGE = 400
FLAGS = {"weight_init": "--init", "learning_rate": "--lr"}  # the option that sets each RunSpec field
DEFAULTS = nnscratch.RunSpec()
shown = checks.shown  # user input as it goes into a message


def flag(field: str) -> str:
    return FLAGS.get(field, "--" + field.replace("_", "-"))


def one_line(text: str) -> str:
    """A message as one line of sane length: control characters (a newline in a path) escaped,
    and the middle of a very long message cut."""
    text = UNSAFE_CHARACTERS.sub(lambda match: repr(match.group())[1:-1], text)
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE // 2] + " [...] " + text[-MAX_MESSAGE // 2:]
    return text


# -- what an option's text may be --------------------------------------------------------------

class FiniteFloat(click.ParamType):
    """A plain decimal number within bounds, read as ``checks.parse_decimal`` reads one."""

    name = "number"

    def __init__(self, what: str, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False) -> None:
        self.what, self.bounds = what, (low, high, low_open, high_open)

    def convert(self, value, param, ctx) -> float:
        try:
            return checks.finite_number(self.what, value if isinstance(value, float) else checks.parse_decimal(value),
                                        *self.bounds)
        except ValueError as error:
            self.fail(str(error), param, ctx)


class WholeNumber(click.ParamType):
    """A whole number written in plain digits 0-9 (``checks.parse_whole``), within bounds."""

    name = "integer"

    def __init__(self, low: int | None = None, high: int | None = None) -> None:
        self.low, self.high = low, high

    def convert(self, value, param, ctx) -> int:
        try:
            number = value if isinstance(value, int) and not isinstance(value, bool) else checks.parse_whole(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)
        if (self.low is not None and number < self.low) or (self.high is not None and number > self.high):
            bounds = f"between {self.low:,} and {self.high:,}" if self.high is not None else f">= {self.low:,}"
            self.fail(f"{number:,} is not {bounds}", param, ctx)
        return number


class CommaList(click.ParamType):
    """``"a,b,c"``: items read one by one by ``read`` (ValueError says what is wrong), then the whole
    list by ``whole``; for layer sizes, numbers, run files and chapter names alike."""

    def __init__(self, name: str, example: str, read: Callable[[str], object],
                 whole: Callable[[list], list] = list) -> None:
        self.name, self.example, self.read, self.whole = name, example, read, whole

    def convert(self, value, param, ctx) -> list:
        if isinstance(value, list):
            return value
        parts = [part.strip() for part in str(value).split(",")]
        if any(not part for part in parts):
            self.fail(f"{shown(value)} has an empty {self.name}; write {self.example}", param, ctx)
        try:
            return self.whole([self.read(part) for part in parts])
        except ValueError as error:
            self.fail(str(error), param, ctx)


def input_value(text: str) -> float:
    try:
        return checks.finite_number("each value", checks.parse_decimal(text), -MAX_INPUT_MAGNITUDE,
                                    MAX_INPUT_MAGNITUDE)
    except ValueError as error:  # a table's raw values (a body mass of 3750 g) are not what the network takes
        raise ValueError(f"{error}; on your own data (--data) the inputs are standardised: standard deviations "
                         "from each column's mean") from None


def chapter_names(names: list[str]) -> list[str]:
    unknown = [name for name in names if name not in NAMES]
    if unknown:
        raise ValueError(f"no chapter {shown(unknown[0])}; choose from {', '.join(NAMES)}")
    if len(set(names)) != len(names):
        raise ValueError(f"{shown(','.join(names))} names a chapter twice")
    return names


def run_files(paths: list[str]) -> list[Path]:
    from nnscratch.comparison import run_files as checked

    return checked(",".join(paths))


LAYERS = CommaList("layer size", architecture.EXAMPLE, architecture.read_token, architecture.checked_tokens)
INPUTS = CommaList("value", "values like 0.5,0.8,0.2,0.9", input_value)
CHAPTER_NAMES = CommaList("chapter name", "names like neuron,cost", str, chapter_names)
RUN_FILES = CommaList("file name", "a.npz,b.npz", str, run_files)


class Variation(click.ParamType):
    """``"lr=0.01,0.1,1"``: the option the runs of a comparison differ in, and its values."""

    name = "OPTION=V1,V2"

    def convert(self, value, param, ctx):
        from nnscratch.comparison import parse_variation

        try:
            return value if isinstance(value, tuple) else parse_variation(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


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


# -- the options shared by the commands ----------------------------------------------------------

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


def conv_defaults() -> str:
    """What a convolutional network trains with when left out, as --help says it."""
    given = nnscratch.CONV_DEFAULTS
    return (f"{given['activation']}, {given['weight_init']}, {given['optimizer']}, lr {given['learning_rate']:g}, "
            f"batch {given['batch_size']}, {given['epochs']} epochs")


def with_options(command, options: list):
    for option in reversed(options):
        command = option(command)
    return command


def training_options(command, dataset: str = DEFAULTS.dataset):
    """The options that pick the architecture, the data and the training, shared by train and render;
    the command sees the chosen dataset's defaults (DATASET_DEFAULTS) for every one left out."""

    @functools.wraps(command)
    def with_dataset_defaults(*args, **options):
        ctx = click.get_current_context()
        for field, value in defaults_of(ctx, options).items():
            if ctx.get_parameter_source(field) is click.core.ParameterSource.DEFAULT:
                options[field] = value
        return command(*args, **options)

    number = FiniteFloat
    return with_options(with_dataset_defaults, [
        click.option("--layers", type=LAYERS, default=shown_value(DEFAULTS.layers),
                     help="Neurons per layer, input first; or an image and its conv and pool layers before the "
                          f"dense ones, e.g. {nnscratch.DEFAULT_CNN} (which train by their own "
                          f"defaults: {conv_defaults()})." + shown_default("layers")),
        click.option("--activation", type=click.Choice(list(HIDDEN_ACTIVATIONS)), default=DEFAULTS.activation,
                     help="Activation of the hidden layers." + shown_default("activation")),
        click.option("--init", "weight_init", type=click.Choice(list(INITIALIZERS)), default=DEFAULTS.weight_init,
                     show_default=True, help="Weight initializer."),
        click.option("--dataset", type=click.Choice(list(DATASETS)), default=dataset, show_default=True,
                     help="'sample' is two Gaussian blobs with one feature per input neuron; 'digits' is 10,000 "
                          "handwritten MNIST digits of 28x28 pixels; the others are 2-D. The options left out "
                          "take the dataset's defaults."),
        click.option("--data", type=click.Path(path_type=str), default=None,
                     help="Your own data instead of --dataset: a CSV with a header row, a .npz of X and y, or a folder "
                          "with a subfolder of images per class (see the README)."),
        click.option("--label", default=None, metavar="COLUMN",
                     help="The CSV column --data predicts.  [default: the last]"),
        click.option("--image-size", type=WholeNumber(MIN_IMAGE_SIZE, MAX_IMAGE_SIZE), default=DEFAULT_IMAGE_SIZE,
                     show_default=True, help="The side, in pixels, a --data folder's images are resized to."),
        click.option("--loss", type=click.Choice(list(LOSSES)), default=None,
                     help="cross-entropy (default for classes) or mse (the one loss of a number to predict)."),
        click.option("--classes", type=WholeNumber(2, MAX_CLASSES), default=None,
                     help=f"Number of classes for {' and '.join(MANY_CLASS_NAMES)} (arms, clusters), 2 to "
                          f"{MAX_CLASSES}; the output layer left out follows it.  [default: 2]"),
        click.option("--samples", type=WholeNumber(4, MAX_SAMPLES), default=DEFAULTS.samples,
                     help="Number of samples, train and test together." + shown_default("samples")),
        click.option("--noise", type=number("--noise", 0, 5), default=DEFAULTS.noise,
                     help="Noise of the dataset (a standard deviation); each dataset has its own default, "
                          "and the digits take none."),
        click.option("--test-fraction", type=number("--test-fraction", 0, 1, high_open=True),
                     default=DEFAULTS.test_fraction, show_default=True, help="Share of samples held out for testing."),
        click.option("--epochs", type=WholeNumber(1, checks.MAX_EPOCHS), default=DEFAULTS.epochs,
                     help="Passes over the training samples." + shown_default("epochs")),
        click.option("--lr", "learning_rate", type=number("the learning rate", 0, checks.MAX_LEARNING_RATE,
                                                          low_open=True),
                     default=DEFAULTS.learning_rate, help="Learning rate." + shown_default("learning_rate")),
        click.option("--batch-size", type=WholeNumber(1), default=DEFAULTS.batch_size,
                     help="Mini-batch size." + shown_default("batch_size")),
        click.option("--optimizer", type=click.Choice(list(OPTIMIZERS)), default=DEFAULTS.optimizer,
                     help="How the gradient moves the weights." + shown_default("optimizer")),
        click.option("--l1", type=number("--l1", 0, checks.MAX_REGULARIZATION), default=DEFAULTS.l1,
                     help="L1 regularization strength."),
        click.option("--l2", type=number("--l2", 0, checks.MAX_REGULARIZATION), default=DEFAULTS.l2,
                     help="L2 regularization strength."),
        click.option("--dropout", type=number("--dropout", 0, 1, high_open=True), default=DEFAULTS.dropout,
                     help="Share of hidden neurons each training step silences at random (0 to under 1); "
                          "evaluation uses them all."),
        click.option("--probe", type=WholeNumber(0), default=DEFAULTS.probe, show_default=True,
                     help="Training sample whose activations are recorded."),
        click.option("--seed", type=WholeNumber(0, 2**32 - 1), default=DEFAULTS.seed, show_default=True),
    ])


def defaults_of(ctx: click.Context, options: dict) -> dict[str, object]:
    """The defaults of what the options train on: --data's (its file read once, here, before anything
    else: a bad file is one line), else the --dataset's."""
    data = options.get("data") if options.get("run_file") is None else None
    if data is not None and ctx.get_parameter_source("dataset") is click.core.ParameterSource.COMMANDLINE:
        raise click.BadParameter("--data trains on your own data and --dataset on a built-in set: give one of them",
                                 param_hint="'--dataset'")
    if options.get("data") is None and options.get("label") is not None:
        raise click.BadParameter("--label names the target column of --data; give --data too", param_hint="'--label'")
    with as_bad("--data", (nnscratch.UserDataError,)):
        return nnscratch.spec_defaults(options["dataset"], options.get("classes"), data, options.get("label"),
                                       options["image_size"], options["layers"])


def cluster_options(command):
    """Where the work goes: a Dask scheduler, or the local cluster's size."""
    return with_options(command, [
        click.option("--scheduler", metavar="ADDRESS", default=None,
                     help="A Dask scheduler to render on, e.g. tcp://10.0.0.5:8786 (default: DASK_SCHEDULER_ADDRESS, "
                          "else a local cluster started for the command)."),
        click.option("--workers", type=WholeNumber(1, 256), default=None,
                     help="Worker processes of the local cluster (default: one per core)."),
    ])


def check_fps(ctx: click.Context, param: click.Parameter, fps: int | None) -> int | None:
    if fps is not None and ctx.params.get("video_format") == "gif" and fps not in GIF_RATES:
        raise click.BadParameter(f"a GIF counts time in hundredths of a second, so it plays {fps} frames a second "
                                 f"only roughly; choose {', '.join(map(str, GIF_RATES))}")
    return fps


class VoiceChoice(NamedTuple):
    asked: str
    voice: object | None  # a scenes.narration.speech.Voice, or None for captions only


def resolve_voice(ctx: click.Context, param: click.Parameter, name: str) -> VoiceChoice:
    """The voice ``--voice`` names, chosen once, here, before any work: an engine that cannot run is
    exit 2. A still (``--still`` is eager) says nothing."""
    from scenes.narration.speech import VoiceUnavailable, choose_voice

    if ctx.params.get("still"):
        return VoiceChoice(name, None)
    try:
        return VoiceChoice(name, choose_voice(name))
    except VoiceUnavailable as error:
        raise click.BadParameter(str(error)) from None


def render_options(command, dataset: str | None = None, replay: bool = True):
    """Where the run comes from and how the video is written, shared by every render command;
    ``dataset`` is the one trained on when none is given; ``replay`` adds --run."""
    return training_options(with_options(command, [
        *([click.option("--run", "run_file", type=click.Path(path_type=str), default=None,
                        help="Replay a saved run (from `nnscratch train --out`) instead of training.")]
          if replay else []),
        click.option("--quality", type=click.Choice(list(QUALITIES)), default="high", show_default=True,
                     help="low is 480p15 for drafts, medium 720p30, high 1080p60, 4k 2160p60."),
        click.option("--fps", type=WholeNumber(1, 120), default=None, callback=check_fps,
                     help="Frames per second (default: the quality's; a GIF plays "
                          f"{', '.join(map(str, GIF_RATES[4:]))})."),
        click.option("--format", "video_format", type=click.Choice(list(FORMATS)), default="mp4",
                     show_default=True, is_eager=True),  # eager: --output's check reads it
        click.option("--still", is_flag=True, is_eager=True,
                     help="Write one frame as a PNG instead of the video, in seconds: the last one, or --at's."),
        click.option("--at", type=FiniteFloat("--at", 0, MAX_AT), default=None,
                     help="With --still: the frame that ends the sentence on screen at this many seconds."),
        click.option("--output", type=OutputFile(captions=True), default=None,
                     help="Where to write the video, a new file or a regular file ending in the --format "
                          "(default: media/videos/<scene>.<format>); its captions go beside it as .srt."),
        click.option("--voice", type=click.Choice(list(VOICES)), default="auto", show_default=True,
                     callback=resolve_voice, help="Who speaks the narration: piper (pip install nnscratch[voice]), espeak (espeak-ng), "
                          "auto (the first that works, else captions only) or none."),
        click.option("--preview", is_flag=True, help="Open the video when it is done."),
    ]), dataset or DEFAULTS.dataset)


# -- one line for every way a command ends ------------------------------------------------------

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


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
STOPPING: list[int] = []  # the signal that stopped the command, once one has


def _stop_on_signal(signum: int, frame) -> None:
    # Further signals would cut the cleanup short: it is quick, and SIGKILL still ends everything.
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    STOPPING.append(signum)
    if not stopping.deferred(signum):  # else a scene rendering raises it at its next frame
        raise Stopped(signum)


def version_option() -> click.Option:
    return click.version_option(nnscratch.__version__, prog_name="nnscratch")(lambda: None).__click_params__[0]


class OnceOnly(click.Command):
    """A command whose options may each be given once (click keeps the last of ``--out a --out b``
    silently, and a user who typed both meant something the command would not do), with --version."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(version_option())

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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(version_option())

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


@contextlib.contextmanager
def as_bad(option: str | None = None, errors: tuple = (ValueError,)):
    """A refusal of the core's (a ValueError, SpecError naming its field) as one line naming the option."""
    try:
        yield
    except errors as error:
        hint = flag(error.field) if isinstance(error, nnscratch.SpecError) and option is None else option
        raise click.BadParameter(str(error), param_hint=f"'{hint}'" if hint else None) from None


@contextlib.contextmanager
def written(path: Path):
    """Turn a failure to write ``path`` into one line (exit 1)."""
    try:
        yield
    except OutputPathError as error:
        raise click.ClickException(f"{error} (it changed while nnscratch worked)") from None
    except OSError as error:
        raise click.ClickException(f"cannot write {path}: {error.strerror or error}") from None


# -- the run a command works on -------------------------------------------------------------------

def run_spec(options: dict) -> nnscratch.RunSpec:
    """Pop the training options into a checked RunSpec (BadParameter naming the option, before any work)."""
    fields = {name: options.pop(name) for name in nnscratch.RunSpec.__dataclass_fields__}
    with as_bad():
        return nnscratch.RunSpec(**{**fields, "layers": tuple(fields["layers"])}).check()


def run_training(spec: nnscratch.RunSpec) -> nnscratch.TrainingHistory:
    """Train as the spec says, with a progress bar on a terminal; divergence becomes a one-line error,
    a run that did not learn, is unstable or overfits a one-line warning."""
    progress = sys.stderr.isatty()
    with click.progressbar(length=spec.epochs, label="training", file=sys.stderr) if progress \
            else contextlib.nullcontext() as bar, as_bad(errors=(nnscratch.SpecError,)):
        try:
            history = nnscratch.record_run(spec, on_epoch=(lambda *_: bar.update(1)) if progress else None)
        except nnscratch.DivergenceError as error:
            raise click.ClickException(str(error)) from None
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


def loaded(path) -> nnscratch.TrainingHistory:
    try:
        return nnscratch.TrainingHistory.load(path)
    except nnscratch.RunFileError as error:
        raise click.ClickException(str(error)) from None


def given(ctx: click.Context) -> list[str]:
    """The training options given on the command line."""
    return [name for name in nnscratch.RunSpec.__dataclass_fields__
            if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE]


def obtain_history(ctx: click.Context, options: dict, stem: str, check_run=None) -> nnscratch.TrainingHistory:
    """Check every option, then load the --run file or train as the options say, before any rendering.
    ``check_run(history)`` may refuse a loaded run (BadParameter) before anything is said about it."""
    run_file = options.pop("run_file")
    if run_file is not None and given(ctx):  # said first: the spec's own checks would judge a run not made
        name = flag(given(ctx)[0])
        raise click.BadParameter(f"--run replays a saved run, so {name} has no effect; leave it out or drop --run",
                                 param_hint=f"'{name}'")
    spec = run_spec(options)
    settle_output(ctx, options, stem, replayed=[run_file] if run_file is not None else [])
    if run_file is None:
        checked_only(ctx)
        return run_training(spec)
    history = loaded(run_file)
    if check_run is not None:
        check_run(history)
    checked_only(ctx)
    warn_about(history)
    return history


CHECK_ONLY = "nnscratch.check_only"  # a context's meta key: check the options, train and render nothing


class Checked(Exception):
    """A command checked in CHECK_ONLY mode got as far as its work: its options are good."""


def checked_only(ctx: click.Context) -> None:
    if ctx.meta.get(CHECK_ONLY):
        raise Checked()


def settle_output(ctx: click.Context, options: dict, stem: str, replayed: list) -> None:
    """Check the still's options and --output (set to its default when left out): BadParameter
    if they make no sense together, the output cannot be written, or it is a run being replayed."""
    if options["at"] is not None and not options["still"]:
        raise click.BadParameter("--at picks the frame of a still; add --still", param_hint="'--at'")
    if options["still"]:  # a PNG has no frame rate, container, voice or player
        for name, flag_name in (("fps", "--fps"), ("video_format", "--format"), ("voice", "--voice"),
                                ("preview", "--preview")):
            if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE:
                raise click.BadParameter(f"{flag_name} has no effect on a still, which is one PNG; leave it out "
                                         "or drop --still", param_hint=f"'{flag_name}'")
    if options["output"] is None:
        options["output"] = (Path("media") / "images" / f"{stem}.png" if options["still"] else
                             Path("media") / "videos" / f"{stem}.{options['video_format']}")
        try:
            check_output_folder(options["output"].parent)
            if options["output"].parent.is_dir():
                OutputFile(captions=True).convert(str(options["output"]), None, ctx)
        except (OutputPathError, click.BadParameter) as error:
            message = error.message if isinstance(error, click.BadParameter) else str(error)
            raise click.BadParameter(message, param_hint="'--output'") from None
    for run_file in replayed:
        for path in (options["output"], options["output"].with_suffix(".srt")):
            if same_file(run_file, path):
                raise click.BadParameter(f"{one_line(str(path))} is a run file being replayed; the video and its "
                                         "captions need paths of their own", param_hint="'--output'")


def same_file(a, b) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# -- rendering ------------------------------------------------------------------------------------

NO_VOICE = "voice: none found, captions only (pip install nnscratch[voice], or install espeak-ng)"
MADE: list = []  # the videos this process made, last last (a batch's job reports its own)


def import_manim() -> None:
    """Manim, quietly: its dependencies warn on import (pydub's audioop), and PYTHONWARNINGS=error
    must not turn that into a traceback. Only when a picture is asked for: it takes a second and a half."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import manim  # noqa: F401


@contextlib.contextmanager
def frame_bar():
    """One progress bar for a whole render on a terminal: frames done of those expected, and the
    time left. None when stderr is not a terminal: piped into a log, a redrawn bar is noise."""
    from scenes.output import cluster

    if cluster.task_progress() is not None:  # a batch's job on a worker: its progress goes to the batch
        yield cluster.task_progress()
        return
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=1, label="rendering", file=sys.stderr, show_pos=True, show_eta=True) as bar:
        def show(done: int, total: int) -> None:
            bar.length = max(total, done, 1)
            bar.update(done - bar.pos)

        yield show


@contextlib.contextmanager
def on_cluster(options: dict):
    """The Dask client of --scheduler's cluster (or a local one, started and closed here), with its
    dashboard's link said when one runs; None for a job of a batch, already a task of its cluster."""
    from scenes.output import cluster

    scheduler, workers = options.pop("scheduler", None), options.pop("workers", None)
    if cluster.task_progress() is not None or cluster.inside_a_task():
        yield None
        return
    try:
        with cluster.connected(scheduler, workers) as client:
            link = cluster.dashboard(client)
            if link:
                click.echo(f"dask dashboard: {link}", err=True)
            yield client
    except cluster.ClusterUnavailable as error:
        if STOPPING:  # the signal reached a cluster starting up, which failed for it: it is the signal's end
            raise Stopped(STOPPING[-1]) from None
        raise click.ClickException(str(error)) from None


def render_video(video: str, options: dict, history=None, histories=None, client=None, **scene_options) -> None:
    """Build the request for ``video`` of ``history`` (a comparison's ``histories``), make it, and
    say what was written in one line."""
    import_manim()
    from scenes.narration.speech import VoiceUnavailable
    from scenes.output.request import RenderRequest, make_still, make_video

    request = RenderRequest(video, options["output"], history, histories, options["quality"], options["fps"],
                            options["video_format"], options["voice"].voice, options["still"], options["at"],
                            scene_options)
    output, started = request.output, time.perf_counter()
    if request.still:
        with written(output), new_folders(output.parent):
            scene = make_still(request)
        click.echo(f"wrote {one_line(str(output))} (the frame at {getattr(scene, 'video_time', scene.time):.1f} s, "
                   f"{scene.camera.pixel_width}x{scene.camera.pixel_height}) in {time.perf_counter() - started:.1f} s")
        return
    try:
        with written(output), new_folders(output.parent), frame_bar() as progress:
            made = make_video(request, progress, client)
    except VoiceUnavailable as error:  # its model would not load, mid-render
        raise click.ClickException(f"{error}; try --voice espeak or --voice none") from None
    spoken = (f"voice: {made.voice}" if made.voice is not None else
              NO_VOICE if options["voice"].asked == "auto" else "voice: none, captions only")
    captions = f"; captions {one_line(str(made.subtitles))}" if made.subtitles else ""
    chapters = f", {len(made.chapters)} chapters" if made.chapters else ""
    click.echo(f"wrote {one_line(str(made.path))} ({made.duration:.1f} s{chapters}, {made.width}x{made.height} at "
               f"{made.fps} fps) in {time.perf_counter() - started:.1f} s; {spoken}{captions}")
    MADE.append(made)
    if options["preview"] and click.launch(str(made.path)) != 0:
        click.echo("warning: no program could open the video here (is there a display?)", err=True)


# -- the commands ---------------------------------------------------------------------------------

@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
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
    layers = architecture.parse_layers(spec.layers)
    shown_layers = layers.text if layers.is_convolutional else list(spec.layers)
    trained_on = one_line(Path(spec.data).name) if spec.data is not None else spec.dataset
    click.echo(f"trained {shown_layers} {spec.activation} on {trained_on} for {spec.epochs} epochs in "
               f"{elapsed:.2f} s: {history.metrics_words()}; saved {one_line(str(out))}")


@main.command()
@click.argument("run", type=click.Path(path_type=str))  # a str: Path('') would be '.', not the '' given
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
    rows = [("file", f"{one_line(str(run))} ({size})"), *loaded(run).describe()]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        click.echo(f"{name:<{width}}  {one_line(value)}")


@main.group()
def render() -> None:
    """Render a video of a network: the whole story (explainer), or one part of it.

    \b
    Example:
      nnscratch render explainer
      nnscratch render forward
      nnscratch render training --epochs 500 --quality low
      nnscratch render forward --run run.npz --input 0.5,0.8,0.2,0.9
    """


def check_sample(sample: int | None, count: int | None, option: str = "--sample") -> None:
    """A training sample's number, against the run's count of them (None: not known yet)."""
    if sample is not None and count is not None and sample >= count:
        raise click.BadParameter(f"there are {count} training samples, so {option} must be below {count}",
                                 param_hint=f"'{option}'")


def planned_samples(options: dict) -> int | None:
    """The training samples the options will make (None when a saved run is replayed)."""
    return train_size(options["samples"], options["test_fraction"]) if options["run_file"] is None else None


def check_extras(name: str, extras: dict, options: dict, history=None) -> None:
    """The chapter's own options against the run (from the options before training, then the run)."""
    samples = len(history.X_train) if history is not None else planned_samples(options)
    inputs = history.layer_sizes[0] if history is not None else (
        options["layers"][0] if options["run_file"] is None else None)
    epochs = history.epochs if history is not None else options["epochs"] if options["run_file"] is None else None
    check_sample(extras.get("sample"), samples)
    values = extras.get("input_values")
    if values is not None and extras.get("sample") is not None:
        raise click.BadParameter("give --input or --sample, not both", param_hint="'--sample'")
    if values is not None and inputs is not None and len(values) != inputs:
        raise click.BadParameter(f"{len(values)} values for an input layer of {inputs}", param_hint="'--input'")
    epoch = extras.get("epoch")
    if epoch is not None and epochs is not None and epoch > epochs:
        raise click.BadParameter(f"the run has {epochs:,} epochs, so --epoch must be at most {epochs:,}",
                                 param_hint="'--epoch'")


SAMPLE = click.option("--sample", type=WholeNumber(0), default=None,
                      help="The training sample to follow (default: the run's probe sample).")
# Each chapter's own options, beside the render options every one takes.
CHAPTER_OPTIONS: dict[str, list] = {
    "network": [click.option("--trained", is_flag=True,
                             help="Colour the edges with the trained weights, not the initial ones.")],
    "neuron": [SAMPLE],
    "forward": [click.option("--input", "input_values", type=INPUTS, default=None,
                             help="A custom input, one value per input neuron, e.g. 0.5,0.8,0.2,0.9; on your own "
                                  "data (--data), in the run's standardised units: standard deviations from "
                                  "each column's mean, as the chapter shows them."), SAMPLE],
    "backprop": [SAMPLE, click.option("--epoch", type=WholeNumber(0), default=None,
                                      help="The epoch to look at, the nearest recorded one (default: early, where "
                                           "gradients are large).")],
    "training": [click.option("--duration", type=FiniteFloat("--duration", 3, 600), default=12.0, show_default=True,
                              help="Length of the replay in seconds, whatever the number of epochs; a part of it "
                                   "lasts longer when its sentence needs the time.")],
}


def refused_before_training(chapters: list[Chapter], option: str, options: dict) -> None:
    """Refuse chapters that cannot tell the run the options will train (on --data, or the --dataset)."""
    with as_bad("--data", (nnscratch.UserDataError,)):
        why = planned_refusal(chapters, options["dataset"], options["layers"], options.get("data"),
                              options.get("label"), options["image_size"], options.get("loss"))
    if why is not None:  # before training, the option that chose the run is named: --loss, --data or --dataset
        named = ("layers" if "convolution" in why else "loss" if "--loss" in why else
                 "data" if options.get("data") is not None else "dataset")
        raise click.BadParameter(why, param_hint=f"'{option if option != '--dataset' else flag(named)}'")


def refused_untold(whys: list[str | None], convolutional: bool, option: str) -> None:
    """Refuse a run no chapter of the explainer tells (``whys``, each chapter's reason or None), naming why
    the first that could tell its kind of network cannot: an empty video is no story."""
    if any(why is None for why in whys):
        return
    telling = [why for chapter, why in zip(CHAPTERS, whys) if chapter.networks != "dense"] if convolutional else []
    raise click.BadParameter(f"no chapter of the explainer tells this run: {(telling or whys)[0]}",
                             param_hint=f"'{option}'")


def refused_run(chapters: list[Chapter], option: str, run) -> None:
    why = next((why for why in (refusal_of(chapter, run) for chapter in chapters) if why is not None), None)
    if why is not None:
        raise click.BadParameter(why, param_hint=f"'{option}'")


def chapter_command(chapter: Chapter):
    """``nnscratch render NAME`` for one chapter, made from its record."""

    def command(ctx: click.Context, **options) -> None:
        extras = {option.name: options.pop(option.name) for option in params}
        check_extras(chapter.name, extras, options)
        if options["run_file"] is None:
            refused_before_training([chapter], "--dataset", options)

        def check_run(run) -> None:
            refused_run([chapter], "--run", run)

        history = obtain_history(ctx, options, chapter.file_stem, check_run)
        check_extras(chapter.name, extras, options, history)
        if chapter.surface:
            landscape_cache.prefetch(history)  # computed while Manim loads
        if "trained" in extras:
            extras = {"snapshot": -1 if extras.pop("trained") else 0}
        render_video(chapter.name, options, history, **extras)

    command.__doc__ = f"{chapter.about}\n\n\b\nExample:\n  nnscratch render {chapter.name} {chapter.example}\n"
    params = [option(lambda: None).__click_params__[0] for option in CHAPTER_OPTIONS.get(chapter.name, [])]
    decorated = functools.partial(render_options, dataset=chapter.dataset)(click.pass_context(command))
    return render.command(chapter.name, params=list(params))(decorated)  # click extends the list it is given


for _chapter in CHAPTERS:
    chapter_command(_chapter)


@render.command("explainer")
@functools.partial(render_options, dataset=EXPLAINER_DATASET)
@cluster_options
@click.option("--shared-dir", "shared", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="A folder every worker reads at the same path (a shared file system): the run goes there as a "
                   "file instead of to each worker as bytes.")
@click.option("--chapters", type=CHAPTER_NAMES, default=None,
              help="Only these chapters, comma-separated, in the story's order whatever the order given "
                   "(default: all of them).")
@click.pass_context
def render_explainer(ctx: click.Context, chapters: list[str] | None, shared: Path | None, **options) -> None:
    """The whole story of one run in one chaptered, narrated video: the task and its data, the network,
    one neuron, the forward pass, the cost, backpropagation, gradient descent, training, what the first
    layer looks for (on images) and a summary. Chapters render as tasks on a Dask cluster: a local one,
    one worker per core, unless --scheduler names another.

    \b
    Example:
      nnscratch render explainer
      nnscratch render explainer --dataset digits --quality low
      nnscratch render explainer --chapters neuron,cost --run run.npz
    """
    if options["run_file"] is None and chapters:  # refused before training
        refused_before_training(chapters_of(chapters), "--chapters", options)
    elif options["run_file"] is None:
        with as_bad("--data", (nnscratch.UserDataError,)):
            whys = [planned_refusal([chapter], options["dataset"], options["layers"], options.get("data"),
                                    options.get("label"), options["image_size"], options.get("loss"))
                    for chapter in CHAPTERS]
        refused_untold(whys, is_convolutional(options["layers"]), "--layers")

    def check_run(run) -> None:
        refused_run(chapters_of(chapters) if chapters else [], "--chapters", run)
        if not chapters:
            refused_untold([refusal_of(chapter, run) for chapter in CHAPTERS], run.is_convolutional, "--run")

    history = obtain_history(ctx, options, "explainer", check_run)
    if any(chapter.surface for chapter in chapters_of(chapters, history)):
        landscape_cache.prefetch(history)  # on disk before the descent's chapter asks for it
    if options["still"]:
        render_video("explainer", options, history, chapters=chapters)
        return
    if shared is not None:
        with as_bad("--shared-dir", (OutputPathError,)):
            check_output_path(Path(shared) / "run.npz", ".npz")
    with on_cluster(options) as client:
        render_video("explainer", options, history, client=client, chapters=chapters,
                     **({"shared": shared} if shared is not None and client is not None else {}))


@render.command("compare")
@functools.partial(render_options, replay=False)
@cluster_options
@click.option("--vary", type=Variation(), default=None,
              help="The option the runs differ in and its 2 to 4 values, e.g. lr=0.01,0.1,1 or "
                   "activation=sigmoid,tanh,relu; one of activation, init, lr, optimizer, dropout, batch-size, "
                   "l1, l2, loss, layers. Every other training option is shared. The values of layers are "
                   "separated by ';' (a layer string has commas), e.g. "
                   "'layers=784,16,16,10;28x28,conv8:3,pool2,conv16:3,pool2,10': an MLP and a CNN, each "
                   "trained by its own kind's defaults for what is not given, on the digits unless --dataset "
                   "or --data says otherwise.")
@click.option("--runs", "run_files", type=RUN_FILES, default=None,
              help="Replay 2 to 4 saved runs (one dataset, one choice apart) instead of training, e.g. a.npz,b.npz.")
@click.option("--out-dir", type=click.Path(path_type=Path), default=None,
              help="Save each run trained for --vary in this folder, as OPTION-VALUE.npz.")
@click.option("--duration", type=FiniteFloat("--duration", 3, 600), default=12.0, show_default=True,
              help="Length of the replay in seconds, whatever the number of epochs.")
@click.pass_context
def render_compare(ctx: click.Context, vary, run_files: list[Path] | None, out_dir: Path | None, duration: float,
                   **options) -> None:
    """Runs that differ in one choice, side by side: their networks recolouring in step (or, for a CNN
    or networks of different layers, their first layers' weights as pictures), their curves on one axis,
    and how each ended, diverged or did not learn included. Each value trains its own run from the same
    data and seed, in parallel when the machine has the cores; an MLP and a CNN each by their own kind's
    defaults for the options left out.

    \b
    Example:
      nnscratch render compare --vary lr=0.01,0.1,1,10
      nnscratch render compare --vary "layers=784,16,16,10;28x28,conv8:3,pool2,conv16:3,pool2,10"
      nnscratch render compare --vary activation=sigmoid,tanh,relu --dataset moons --quality low
      nnscratch render compare --vary init=random,xavier,he --layers 2,16,16,16,16,1 --dataset moons --activation sigmoid --optimizer sgd --lr 1
      nnscratch render compare --runs a.npz,b.npz
    """
    from nnscratch.comparison import ComparisonError, compared_specs, distinct_runs, varied_in
    from scenes.output.cluster import record_runs

    if (vary is None) == (run_files is None):
        raise click.BadParameter("say what the runs differ in, e.g. --vary lr=0.01,0.1,1, or give saved runs with "
                                 "--runs" if vary is None else "--vary trains new runs and --runs replays saved ones: "
                                 "give one of them", param_hint="'--vary'" if vary is None else "'--runs'")
    if run_files is not None and given(ctx):
        name = flag(given(ctx)[0])
        raise click.BadParameter(f"--runs replays saved runs, so {name} has no effect; leave it out",
                                 param_hint=f"'{name}'")
    if run_files is not None and out_dir is not None:
        raise click.BadParameter("--out-dir saves runs trained for --vary; --runs are saved already",
                                 param_hint="'--out-dir'")
    if vary is not None and vary[0].field in given(ctx):
        variable = vary[0]
        raise click.BadParameter(f"--vary {variable.option} sets {flag(variable.field)} of each run; leave "
                                 f"{flag(variable.field)} out", param_hint=f"'{flag(variable.field)}'")
    fields = {name: options.pop(name) for name in nnscratch.RunSpec.__dataclass_fields__}
    if vary is not None:
        # Each run as it would train alone: what was given, and its own kind's defaults for the rest.
        variable, values = vary
        try:
            specs = compared_specs({name: fields[name] for name in given(ctx)}, variable, values)
        except nnscratch.SpecError as error:
            hint = "--vary" if error.field == variable.field else flag(error.field)
            raise click.BadParameter(str(error), param_hint=f"'{hint}'") from None
        except ComparisonError as error:
            raise click.BadParameter(str(error), param_hint="'--vary'") from None
    settle_output(ctx, options, "compare", replayed=run_files or [])
    checked_only(ctx)
    if run_files is not None:
        histories = [loaded(path) for path in run_files]
        with as_bad("--runs", (ComparisonError,)):
            variable, values = varied_in(histories, [str(path) for path in run_files])
    else:
        saved = [out_dir / name for name in variable.file_names(values)] if out_dir is not None else []
        with as_bad("--out-dir", (OutputPathError,)):
            if out_dir is not None:
                check_output_folder(out_dir)
                for path in saved if out_dir.is_dir() else []:
                    check_output_path(path, ".npz")
        with as_bad(errors=(nnscratch.SpecError,)), on_cluster(options) as client:  # one class drawn: told as bad
            histories = record_runs(specs, client)
        with as_bad("--vary", (ComparisonError,)):  # values too close to change a step: before anything is written
            distinct_runs(histories, variable.labels(values))
        if saved:
            with written(out_dir), new_folders(out_dir):
                for history, path in zip(histories, saved):
                    history.save(path)
    render_video("compare", options, histories=histories, option=variable.option, values=values, duration=duration)


# -- many videos ------------------------------------------------------------------------------------

def check_job(ctx: click.Context, job) -> None:
    """Every option of ``job`` checked as its command checks them, nothing trained or rendered:
    UsageError (exit 2) naming the job."""
    command = render.get_command(ctx, job.scene)
    try:
        with command.make_context(job.scene, list(job.args), parent=ctx) as sub:
            sub.meta[CHECK_ONLY] = True
            command.invoke(sub)
    except Checked:
        return
    except click.ClickException as error:
        raise click.UsageError(f"{job.name}: {error.format_message()}") from None
    raise click.UsageError(f"{job.name}: its options could not be checked")


def run_job(job, output: Path) -> tuple[str | None, float]:
    """Render ``job`` to ``output`` with its command, in this process (a task on a worker): its error
    in one line (None when it made its video) and the video's length."""
    quiet = io.StringIO()
    MADE.clear()
    try:
        with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            main.main(args=["render", job.scene, *job.args, "--output", str(output)], standalone_mode=False)
    except click.ClickException as error:
        return one_line(error.format_message()), 0.0
    except Exception as error:  # the job's own failure: the others go on
        return one_line(f"{type(error).__name__}: {error}"), 0.0
    return None, MADE[-1].duration if MADE else 0.0


@render.command("batch", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("jobs_file", metavar="JOBS", type=click.Path(path_type=str))
@cluster_options
@click.pass_context
def render_batch(ctx: click.Context, jobs_file: str, **where) -> None:
    """Many videos at once, as tasks on a Dask cluster: each [[video]] table of the TOML file JOBS is a
    render command's options (scene, output, and any option by its name); options given here go to every
    job that does not set them. Every job is checked before any work; a failed job is reported and the
    rest are made; the exit code is 1 if any failed.

    \b
    Example:
      nnscratch render batch course.toml --quality low --voice none
      nnscratch render batch course.toml --scheduler tcp://10.0.0.5:8786
    """
    from scenes.output import batch

    with as_bad("JOBS"):
        jobs = batch.read_jobs(jobs_file, list(ctx.args), [*NAMES, "explainer", "compare"])
    for job in jobs:
        check_job(ctx, job)
    started = time.perf_counter()
    with on_cluster(where) as client, frame_bar() as bar:
        results = batch.run_jobs(client, jobs, run_job, bar)
    rows = batch.summary(jobs, results)
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    failed = [job for job in jobs if results[job.number].error is not None]
    click.echo(f"{len(jobs) - len(failed)} of {len(jobs)} videos written in {time.perf_counter() - started:.1f} s")
    for job in failed:
        click.echo(f"Error: {job.name} failed: {results[job.number].error}", err=True)
    if failed:
        sys.exit(1)

if __name__ == "__main__":
    main()
