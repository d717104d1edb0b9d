"""The layer grammar: one parser for the API and the CLI, and every network that cannot work refused
in one line with its shape arithmetic (ValueError in the API; exit 2, nothing written, in the CLI)."""
import os

import pytest
from click.testing import CliRunner

import nnscratch
from cli import main
from nnscratch import NeuralNetwork, RunSpec
from nnscratch.architecture import Conv, Image, Pool, parse_layers

TWO_CONVS = "28x28,conv8:3,pool2,conv16:3,pool2,10"  # the example; DEFAULT_CNN adds a dense 64 to it


def test_two_convs_parse_with_their_shape_arithmetic():
    architecture = parse_layers(TWO_CONVS)
    assert architecture.image == Image(28, 28)
    assert architecture.stages == (Conv(8, 3), Pool(2), Conv(16, 3), Pool(2))
    assert architecture.map_shapes() == [(1, 28, 28), (8, 26, 26), (8, 13, 13), (16, 11, 11), (16, 5, 5)]
    assert architecture.kernel_shapes() == [(8, 1, 3, 3), (16, 8, 3, 3)]
    assert architecture.dense == (400, 10)
    assert architecture.n_inputs == 784 and architecture.text == TWO_CONVS
    assert architecture.tokens == ["28x28", "conv8:3", "pool2", "conv16:3", "pool2", 10]
    assert parse_layers(architecture.tokens) == architecture
    assert parse_layers(["28x28", "conv8:3", "pool2", "conv16:3", "pool2", "10"]) == architecture


def test_dense_sizes_stay_what_they_were():
    assert parse_layers([4, 6, 4, 1]).dense == (4, 6, 4, 1)
    assert parse_layers("4,6,4,1").tokens == [4, 6, 4, 1]
    assert not parse_layers("28x28,16,10").is_convolutional
    assert parse_layers("28x28,16,10").dense == (784, 16, 10)


BAD_LAYERS = [
    ("8x8,conv4:5,conv16:5,10", "conv16:5 on 4x4 maps leaves nothing: a 5x5 kernel does not fit in 4x4"),
    ("5x5,conv2:7,10", "conv2:7 on 5x5 maps leaves nothing"),
    ("6x6,conv2:3,pool5,10", "pool5 on 4x4 maps leaves nothing: 4x4 // 5 is 0x0"),
    ("28x28,conv8:3,pool2,conv16:3,pool2,pool2,pool2,pool2,10", "pool2 on 1x1 maps leaves nothing"),
    ("28x28,16,conv8:3,10", "conv8:3 comes after the dense layer of 16"),
    ("784,conv8:3,10", "conv8:3 needs an image input such as 28x28, not a flat input of 784"),
    ("conv8:3,10", "conv8:3 needs an image input before it"),
    ("28x28,conv8:3,28x28,10", "28x28 is an image input, which only the first layer can be"),
    ("28x28,conv8:3,pool2", "has no dense output layer"),
    ("300x300,conv8:3,10", "an image input of 300x300 is larger than the 256x256 supported"),
    ("28x28,conv999:3,10", "conv999:3: a conv layer has 1 to 256 kernels, got 999"),
    ("28x28,conv0:3,10", "a conv layer has 1 to 256 kernels, got 0"),
    ("28x28,conv8:30,10", "conv8:30: kernels are 1x1 to 15x15, got 30x30"),
    ("28x28,conv8:3,pool1,10", "pool1: a max-pool is 2x2 to 16x16, got 1x1"),
    ("28x28,conv8:3,pool99,10", "a max-pool is 2x2 to 16x16"),
    ("256x256,conv64:3,10", "conv64:3 makes 64 maps of 254x254, 4,129,024 values a sample, more than the 200,000"),
    ("28x28,conv32:3,10", "conv32:3 leaves 32 maps of 26x26, 21,632 values to flatten, more than the 10,000"),
    ("28x28,conv8:3,0,10", "layer sizes must be between 1 and 10000, got 0"),
    ("28x28,conv8:3,99999,10", "layer sizes must be between 1 and 10000"),
    ("28x28,conv8:3,conv2x,10", "'conv2x' is not a whole number"),
    ("28x28,conv8:3,,10", "has an empty layer size"),
]


@pytest.mark.parametrize("layers, message", BAD_LAYERS)
def test_the_api_refuses_shapes_that_cannot_work_saying_why(layers, message):
    with pytest.raises(ValueError) as caught:
        NeuralNetwork(layers)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    if "," in layers and ",," not in layers:
        with pytest.raises(ValueError, match="^" + str(caught.value)[:20]):
            NeuralNetwork(layers.split(","))  # the list form says the same


RENDERS = [["render", "forward"], ["render", "explainer"]]
NOT_FOR_DIGITS = [
    ("28x14,conv8:3,pool2,10", "the digits dataset is 28x28 images, so the input must be 28x28 (got 28x14)"),
    ("28x28,conv8:3,pool2,2", "the digits dataset has 10 classes, so the output layer must be 10"),
]


@pytest.mark.parametrize("command, layers, message", [
    (command, layers, message) for command in [["train", "--out", "run.npz"], *RENDERS]
    for layers, message in BAD_LAYERS] + [
    (command, *case) for command in [["train", "--out", "run.npz"], ["render", "convolution"], ["render", "explainer"]]
    for case in NOT_FOR_DIGITS])
def test_the_cli_refuses_them_in_one_line_exit_2_writing_nothing(tmp_path, monkeypatch, layers, message, command):
    monkeypatch.chdir(tmp_path)

    def no_training(*_, **__):
        raise AssertionError("trained before refusing the layers")

    monkeypatch.setattr(nnscratch, "record_run", no_training)
    result = CliRunner().invoke(main, [*command, "--dataset", "digits", "--layers", layers])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and message in lines[0], result.output
    assert os.listdir(tmp_path) == []


def test_a_cnn_on_data_that_are_not_images_is_refused():
    with pytest.raises(nnscratch.SpecError, match="conv and pool layers need images, and the moons dataset"):
        RunSpec.for_dataset("moons", layers=("28x28", "conv2:3", 1)).check()


def test_the_default_cnn_is_the_two_convs_with_a_dense_layer_a_scene_can_draw():
    architecture = parse_layers(nnscratch.DEFAULT_CNN)
    assert architecture.stages == parse_layers(TWO_CONVS).stages and architecture.dense == (400, 64, 10)
    assert all(conv.filters <= 16 and conv.size == 3 for conv in architecture.convs)
    RunSpec.for_dataset("digits", layers=tuple(architecture.tokens)).check()


def test_conv_runs_take_their_own_defaults_and_given_options_win():
    spec = RunSpec.for_dataset("digits", layers=tuple(parse_layers(nnscratch.DEFAULT_CNN).tokens))
    assert (spec.activation, spec.weight_init, spec.optimizer) == ("relu", "he", "adam")
    assert (spec.learning_rate, spec.batch_size, spec.epochs) == (0.002, 32, 10)
    given = RunSpec.for_dataset("digits", layers=tuple(parse_layers(nnscratch.DEFAULT_CNN).tokens),
                                activation="tanh", epochs=2)
    assert (given.activation, given.epochs, given.optimizer) == ("tanh", 2, "adam")
    assert RunSpec.for_dataset("digits").activation == "sigmoid"  # the MLP's defaults are untouched


def test_the_cli_reads_the_grammar_into_the_spec(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    seen = []

    def recorded(spec, **_):
        seen.append(spec)
        raise nnscratch.SpecError("layers", "stop here")

    monkeypatch.setattr(nnscratch, "record_run", recorded)
    result = CliRunner().invoke(main, ["train", "--dataset", "digits", "--layers", " 28x28, conv8:3 ,pool2,10",
                                       "--epochs", "3"])
    assert result.exit_code == 2 and "stop here" in result.output
    spec = seen[0]
    assert spec.layers == ("28x28", "conv8:3", "pool2", 10)
    assert (spec.activation, spec.optimizer, spec.learning_rate, spec.batch_size, spec.epochs) == \
        ("relu", "adam", 0.002, 32, 3)
