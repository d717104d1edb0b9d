"""`--loss mse` on class outputs: mean squared error on the activated outputs, its gradient checked by
finite differences; a run records it and replays it; `compare --vary loss=...` trains one run of each."""
import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from nnscratch import RunSpec, SpecError, TrainingHistory, record_run
from nnscratch.comparison import parse_variation, varied_specs
from nnscratch.losses import output_layer


@pytest.mark.parametrize("output, n_out", [("sigmoid", 1), ("softmax", 3), ("identity", 2)])
def test_mse_gradient_matches_finite_differences(output, n_out):
    rng = np.random.default_rng(0)
    z = rng.normal(size=(5, n_out))
    y = np.eye(n_out)[rng.integers(0, n_out, 5)] if output == "softmax" else rng.uniform(0, 1, (5, n_out))
    layer = output_layer(output, "mse")
    a = layer.activation(z)
    assert layer.loss(z, y) == pytest.approx(np.mean((a - y) ** 2))
    analytic = layer.loss_gradient(z, a, y)
    numeric = np.zeros_like(z)
    for index in np.ndindex(z.shape):
        step = np.zeros_like(z)
        step[index] = 1e-6
        numeric[index] = (layer.loss(z + step, y) - layer.loss(z - step, y)) / 2e-6
    np.testing.assert_allclose(analytic, numeric, atol=1e-8)
    stacked = layer.stacked_loss(np.stack([z.T, 2 * z.T]), y.T)
    assert stacked[0] == pytest.approx(layer.loss(z, y)) and stacked[1] == pytest.approx(layer.loss(2 * z, y))


def test_cross_entropy_cannot_train_a_real_target():
    with pytest.raises(ValueError, match="trained with mse"):
        output_layer("identity", "cross-entropy")


def test_a_run_with_mse_records_it_and_its_network_replays_it():
    history = record_run(RunSpec.for_dataset("moons", loss="mse", epochs=200))
    assert history.metadata["loss"] == "mean squared error" and history.output_activation == "sigmoid"
    network = history.network_at()
    assert network.output_layer.loss_name == "mean squared error"
    X, y = history.X_train.astype(float), history.y_train.astype(float)
    assert network.loss(X, y) == pytest.approx(np.mean((network.forward(X) - y) ** 2), rel=1e-5)
    assert history.train_loss[-1] == pytest.approx(network.loss(X, y), rel=1e-4)
    assert history.train_accuracy[-1] > 0.8
    default = record_run(RunSpec.for_dataset("moons", epochs=200))
    assert default.metadata["loss"] == "binary cross-entropy" and default.loss_choice is None


def test_vary_loss_trains_one_run_of_each():
    variable, values = parse_variation("loss=cross-entropy,mse")
    specs = varied_specs(RunSpec.for_dataset("moons", epochs=30), variable, values)
    assert [spec.loss for spec in specs] == ["cross-entropy", "mse"]
    losses = [record_run(spec).metadata["loss"] for spec in specs]
    assert losses == ["binary cross-entropy", "mean squared error"]
    with pytest.raises(SpecError, match="loss"):
        RunSpec(loss="hinge").check()


@pytest.mark.slow
def test_render_compare_vary_loss_on_a_table(tmp_path):
    from tests import user_files

    source = user_files.penguins(tmp_path)
    out = tmp_path / "compare.png"
    result = CliRunner().invoke(main, ["render", "compare", "--vary", "loss=cross-entropy,mse", "--data", str(source),
                                       "--epochs", "50", "--still", "--quality", "low", "--workers", "1",
                                       "--output", str(out), "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    runs = [TrainingHistory.load(tmp_path / name) for name in ("loss-cross-entropy.npz", "loss-mse.npz")]
    assert [run.metadata["loss"] for run in runs] == ["cross-entropy", "mean squared error"]
    assert all(run.class_names == ("Adelie", "Chinstrap", "Gentoo") for run in runs)


def test_chapters_that_write_cross_entropy_refuse_classes_trained_with_mse(tmp_path):
    from scenes.chapters.catalogue import chapters_of

    history = record_run(RunSpec.for_dataset("moons", loss="mse", epochs=20))
    told = [chapter.name for chapter in chapters_of(None, history)]
    assert "cost" not in told and "backprop" not in told and "training" in told and "summary" in told
    with pytest.raises(ValueError, match="the cost chapter writes a class's cost as cross-entropy"):
        chapters_of(["cost"], history)
    result = CliRunner().invoke(main, ["render", "backprop", "--dataset", "moons", "--loss", "mse",
                                       "--output", str(tmp_path / "b.mp4")])
    assert result.exit_code == 2 and result.output.startswith("Error: Invalid value for '--loss': the backprop")
    assert list(tmp_path.iterdir()) == []
    regression = record_run(RunSpec.for_data(str(_houses(tmp_path)), epochs=20))
    assert {"cost", "backprop"} <= {chapter.name for chapter in chapters_of(None, regression)}  # its square is told


def _houses(folder):
    from tests import user_files

    return user_files.regression_csv(folder)
