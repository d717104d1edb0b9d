"""The ``nnscratch`` command: parse and check options, build the run, train or render it."""
from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

import click

import nnscratch
from nnscratch.activations import HIDDEN_ACTIVATIONS
from nnscratch.datasets import DATASETS, MAX_SAMPLES, train_size
from nnscratch.initializers import INITIALIZERS
from nnscratch.network import check_layer_sizes
from nnscratch.optimizers import OPTIMIZERS


def parse_layers(ctx: click.Context, param: click.Parameter, value: str) -> list[int]:
    """Turn ``"4,6,4,1"`` into ``[4, 6, 4, 1]``, refusing anything that is not a sane architecture."""
    parts = [part.strip() for part in value.split(",")]
    if any(part == "" for part in parts):
        raise click.BadParameter(f"{value!r} has an empty layer size; write sizes like 4,6,4,1")
    sizes = []
    for part in parts:
        try:
            sizes.append(int(part))
        except ValueError:
            raise click.BadParameter(f"{part!r} is not a whole number; write sizes like 4,6,4,1") from None
    try:
        return check_layer_sizes(sizes)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _finite_number(minimum: float, inclusive: bool, what: str):
    def check(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
        if value is None:
            return None
        below = value < minimum if inclusive else value <= minimum
        if not math.isfinite(value) or below:
            bound = f">= {minimum:g}" if inclusive else f"> {minimum:g}"
            raise click.BadParameter(f"{what} must be a finite number {bound}, got {value}")
        return value
    return check


DEFAULTS = nnscratch.RunSpec()


def training_options(command):
    """The options that pick the architecture, the data and the training, shared by train and render."""
    options = [
        click.option("--layers", default=",".join(map(str, DEFAULTS.layers)), show_default=True,
                     callback=parse_layers, help="Neurons per layer, input first."),
        click.option("--activation", type=click.Choice(list(HIDDEN_ACTIVATIONS)), default=DEFAULTS.activation,
                     show_default=True, help="Activation of the hidden layers."),
        click.option("--init", "weight_init", type=click.Choice(list(INITIALIZERS)), default=DEFAULTS.weight_init,
                     show_default=True, help="Weight initializer."),
        click.option("--dataset", type=click.Choice(list(DATASETS)), default=DEFAULTS.dataset, show_default=True,
                     help="'sample' is two Gaussian blobs with one feature per input neuron; the others are 2-D."),
        click.option("--samples", type=click.IntRange(4, MAX_SAMPLES), default=DEFAULTS.samples, show_default=True,
                     help="Number of samples, train and test together."),
        click.option("--noise", type=click.FloatRange(0, 5), default=DEFAULTS.noise,
                     help="Noise of the dataset (a standard deviation); each dataset has its own default."),
        click.option("--test-fraction", type=click.FloatRange(0, 1, max_open=True), default=DEFAULTS.test_fraction,
                     show_default=True, help="Share of samples held out for testing."),
        click.option("--epochs", type=click.IntRange(1, 1_000_000), default=DEFAULTS.epochs, show_default=True),
        click.option("--lr", "learning_rate", type=float, default=DEFAULTS.learning_rate, show_default=True,
                     callback=_finite_number(0, False, "the learning rate"), help="Learning rate."),
        click.option("--batch-size", type=click.IntRange(1), default=DEFAULTS.batch_size,
                     help="Mini-batch size; full batch when left out."),
        click.option("--optimizer", type=click.Choice(list(OPTIMIZERS)), default=DEFAULTS.optimizer,
                     show_default=True),
        click.option("--l1", type=float, default=DEFAULTS.l1, callback=_finite_number(0, True, "--l1"),
                     help="L1 regularization strength."),
        click.option("--l2", type=float, default=DEFAULTS.l2, callback=_finite_number(0, True, "--l2"),
                     help="L2 regularization strength."),
        click.option("--probe", type=click.IntRange(0), default=DEFAULTS.probe, show_default=True,
                     help="Training sample whose activations are recorded."),
        click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=DEFAULTS.seed, show_default=True),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def run_spec(options: dict) -> nnscratch.RunSpec:
    """Check what needs several options at once (BadParameter, before any work) and pop them into a RunSpec."""
    names = nnscratch.RunSpec.__dataclass_fields__
    spec = nnscratch.RunSpec(**{name: options.pop(name) for name in names})
    if spec.dataset != "sample" and spec.layers[0] != 2:
        raise click.BadParameter(
            f"the {spec.dataset} dataset has 2 features, so the input layer must be 2 (got {spec.layers[0]})",
            param_hint="'--layers'",
        )
    n_train = train_size(spec.samples, spec.test_fraction)
    if spec.probe >= n_train:
        raise click.BadParameter(f"there are {n_train} training samples, so the probe must be below {n_train}",
                                 param_hint="'--probe'")
    return spec


def run_training(spec: nnscratch.RunSpec) -> nnscratch.TrainingHistory:
    """Train as the spec says with a progress bar; divergence becomes a one-line error."""
    with click.progressbar(length=spec.epochs, label="training", file=sys.stderr) as bar:
        try:
            return nnscratch.record_run(spec, on_epoch=lambda epoch, loss, accuracy: bar.update(1))
        except nnscratch.DivergenceError as error:
            raise click.ClickException(str(error)) from None


def check_writable(path: Path) -> None:
    """Fail early (exit 1) when the output could never be written, rather than after the work."""
    folder = path.resolve().parent
    if not folder.is_dir():
        raise click.ClickException(f"cannot write {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise click.ClickException(f"cannot write {path}: the folder {folder} is not writable")
    if path.is_dir():
        raise click.ClickException(f"cannot write {path}: it is a folder")


def describe_metrics(history: "nnscratch.TrainingHistory") -> str:
    text = f"loss {history.train_loss[-1]:.4f}"
    if not math.isnan(history.train_accuracy[-1]):
        text += f", accuracy {history.train_accuracy[-1]:.1%}"
    if history.has_test and not math.isnan(history.test_accuracy[-1]):
        text += f" (test {history.test_accuracy[-1]:.1%})"
    return text


class OneLineErrors(click.Group):
    """A group whose usage errors are one line (``Error: ...``) rather than usage, hint and error."""

    def main(self, *args, **kwargs):
        standalone = kwargs.pop("standalone_mode", True)
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except click.ClickException as error:
            if not standalone:
                raise
            if not isinstance(error, click.exceptions.NoArgsIsHelpError):
                error.ctx = None
            error.show()
            sys.exit(error.exit_code)
        except click.exceptions.Abort:
            if not standalone:
                raise
            click.echo("Aborted.", err=True)
            sys.exit(1)


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
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=Path("run.npz"),
              show_default=True, help="Where to save the run.")
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
def train(out: Path, **options) -> None:
    """Train a network and save every recorded step to a run file.

    \b
    Example:
      nnscratch train --layers 4,6,4,1 --epochs 500 --lr 1 --out run.npz
    """
    spec = run_spec(options)
    check_writable(out)
    started = time.perf_counter()
    history = run_training(spec)
    elapsed = time.perf_counter() - started
    try:
        history.save(out)
    except OSError as error:
        raise click.ClickException(f"cannot write {out}: {error.strerror or error}") from None
    click.echo(f"trained {list(spec.layers)} {spec.activation} on {spec.dataset} for "
               f"{spec.epochs} epochs in {elapsed:.2f} s: {describe_metrics(history)}; saved {out}")


@main.command()
@click.argument("run", type=click.Path(path_type=Path))
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
def info(run: Path) -> None:
    """Describe what a run file holds.

    \b
    Example:
      nnscratch info run.npz
    """
    try:
        history = nnscratch.TrainingHistory.load(run)
    except nnscratch.RunFileError as error:
        raise click.ClickException(str(error)) from None
    meta = history.metadata
    dataset = meta.get("dataset", {})
    rows = [
        ("file", f"{run} ({run.stat().st_size:,} bytes)"),
        ("layers", f"{meta['layer_sizes']} ({history.network_at().n_parameters:,} parameters)"),
        ("activation", f"{meta['activation']} hidden, {meta['output']} output, {meta.get('loss', '?')} loss"),
        ("init", meta["weight_init"]),
        ("training", f"{meta['optimizer']}, lr {meta.get('learning_rate')}, "
                     f"batch {meta.get('batch_size') or 'full'}, l1 {meta['l1']}, l2 {meta['l2']}, seed {meta['seed']}"),
        ("data", f"{dataset.get('name', '?')}: {len(history.X_train)} train, {len(history.X_test)} test, "
                 f"noise {dataset.get('noise', '?')}"),
        ("epochs", f"{history.epochs} ({history.n_snapshots} snapshots)"),
        ("first", f"loss {history.train_loss[0]:.4f}, accuracy {history.train_accuracy[0]:.1%}"),
        ("final", describe_metrics(history)),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        click.echo(f"{name:<{width}}  {value}")


def parse_input(ctx: click.Context, param: click.Parameter, value: str | None) -> list[float] | None:
    if value is None:
        return None
    values = []
    for part in value.split(","):
        try:
            number = float(part)
        except ValueError:
            raise click.BadParameter(f"{part.strip()!r} is not a number; write values like 0.5,0.8,0.2,0.9") from None
        if not math.isfinite(number):
            raise click.BadParameter(f"{part.strip()} is not a finite number")
        values.append(number)
    return values


def check_output_suffix(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    video_format = ctx.params.get("video_format", "mp4")
    if value is not None and value.suffix.lower() != f".{video_format}":
        raise click.BadParameter(f"{value} does not end in .{video_format}, the --format")
    return value


def render_options(command):
    """Where the run comes from and how the video is written, shared by every render command."""
    options = [
        click.option("--run", "run_file", type=click.Path(path_type=Path), default=None,
                     help="Replay a saved run (from `nnscratch train --out`) instead of training."),
        click.option("--quality", type=click.Choice(["low", "medium", "high", "4k"]), default="high",
                     show_default=True, help="low is 480p15 for drafts, medium 720p30, high 1080p60, 4k 2160p60."),
        click.option("--fps", type=click.IntRange(1, 120), default=None, help="Frames per second (default: the quality's)."),
        click.option("--format", "video_format", type=click.Choice(["mp4", "gif", "webm"]), default="mp4",
                     show_default=True, is_eager=True),  # eager: --output's check reads it
        click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     callback=check_output_suffix,
                     help="Where to write the video (default: media/videos/<scene>.<format>)."),
        click.option("--preview", is_flag=True, help="Open the video when it is done."),
    ]
    for option in reversed(options):
        command = option(command)
    return training_options(command)


def obtain_history(ctx: click.Context, options: dict) -> nnscratch.TrainingHistory:
    """Load the --run file, or train as the options say; either way before any rendering."""
    run_file = options.pop("run_file")
    spec = run_spec(options)
    if run_file is None:
        return run_training(spec)
    explicit = [name for name in nnscratch.RunSpec.__dataclass_fields__
                if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE]
    if explicit:
        flag = "--" + {"weight_init": "init", "learning_rate": "lr"}.get(explicit[0], explicit[0]).replace("_", "-")
        raise click.BadParameter(f"--run replays a saved run, so {flag} has no effect; leave it out or drop --run",
                                 param_hint=f"'{flag}'")
    try:
        return nnscratch.TrainingHistory.load(run_file)
    except nnscratch.RunFileError as error:
        raise click.ClickException(str(error)) from None


def render_video(scene_name: str, default_stem: str, history, options: dict, **scene_kwargs) -> None:
    """Render one scene of ``history`` and report the file in one line."""
    output = options["output"]
    if output is None:
        output = Path("media") / "videos" / f"{default_stem}.{options['video_format']}"
        output.parent.mkdir(parents=True, exist_ok=True)
    check_writable(output)
    import scenes  # manim loads only when a video is asked for
    from scenes.render import render

    scene_class = getattr(scenes, scene_name)
    started = time.perf_counter()
    try:
        # Manim's per-animation progress bars redraw with carriage returns: on a terminal they
        # tell how far a render is; piped into a log they are thousands of lines of noise.
        video = render(scene_class, output, quality=options["quality"], fps=options["fps"],
                       video_format=options["video_format"], progress=sys.stderr.isatty(), history=history,
                       **scene_kwargs)
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror or error}") from None
    elapsed = time.perf_counter() - started
    captions = f"; captions {video.subtitles}" if video.subtitles else ""
    click.echo(f"wrote {video.path} ({video.duration:.1f} s, {video.width}x{video.height} at {video.fps} fps) "
               f"in {elapsed:.1f} s{captions}")
    if options["preview"]:
        click.launch(str(video.path))


@main.group()
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
def render() -> None:
    """Render a video of a network: its architecture, a forward pass, or its training.

    \b
    Example:
      nnscratch render forward
      nnscratch render training --epochs 500 --quality low
      nnscratch render forward --run run.npz --input 0.5,0.8,0.2,0.9
    """


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
    history = obtain_history(ctx, options)
    render_video("NetworkScene", "network", history, options, snapshot=-1 if trained else 0)


@render.command("forward")
@render_options
@click.option("--input", "input_values", callback=parse_input, default=None,
              help="A custom input, one value per input neuron, e.g. 0.5,0.8,0.2,0.9.")
@click.option("--sample", type=click.IntRange(0), default=None, help="Use training sample N as the input.")
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
    history = obtain_history(ctx, options)
    if input_values is not None and len(input_values) != history.layer_sizes[0]:
        raise click.BadParameter(f"{len(input_values)} values for an input layer of {history.layer_sizes[0]}",
                                 param_hint="'--input'")
    if sample is not None and sample >= len(history.X_train):
        raise click.BadParameter(f"there are {len(history.X_train)} training samples, so --sample must be below "
                                 f"{len(history.X_train)}", param_hint="'--sample'")
    render_video("ForwardPassScene", "forward_pass", history, options, input_values=input_values, sample=sample)


@render.command("training")
@render_options
@click.option("--duration", type=click.FloatRange(8, 600), default=18.0, show_default=True,
              help="Length of the video in seconds, whatever the number of epochs.")
@click.version_option(nnscratch.__version__, prog_name="nnscratch")
@click.pass_context
def render_training(ctx: click.Context, duration: float, **options) -> None:
    """Training replayed: edges recolour as the weights change, loss and accuracy curves draw along.

    \b
    Example:
      nnscratch render training --epochs 500
      nnscratch render training --dataset spiral --layers 2,8,8,1 --activation tanh --optimizer adam --lr 0.02 --epochs 3000
    """
    history = obtain_history(ctx, options)
    render_video("TrainingScene", "training", history, options, duration=duration)


if __name__ == "__main__":
    main()
