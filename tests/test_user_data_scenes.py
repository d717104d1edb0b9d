"""Scenes of a run on the user's own data say its own names: the data scene its file, features, target and
classes, the forward pass its features, the summary its classes or, for regression, its error and R²."""
import pytest

from nnscratch import RunSpec, record_run
from tests import user_files
from tests.timeline import told_as

pytestmark = pytest.mark.slow


def run_of(tmp_path, maker, **options):
    return record_run(RunSpec.for_data(str(maker(tmp_path)), epochs=60, **options))


def captions(chapter, history):
    return told_as(chapter, history, brief=False).narration.captions


def test_a_table_of_classes_is_told_by_its_names(tmp_path):
    run = run_of(tmp_path, user_files.penguins)
    data = captions("data", run)
    assert data[0].endswith("from penguins.csv, 4 numbers each: bill_length_mm, bill_depth_mm, flipper_length_mm "
                            "and body_mass_g.")
    assert data[1] == "Each comes labelled with its species: Adelie, Chinstrap and Gentoo."
    forward = " ".join(captions("forward", run))
    assert "standardised: bill_length_mm" in forward
    summary = " ".join(captions("summary", run))
    assert "The data: penguins.csv, Adelie, Chinstrap and Gentoo;" in summary


def test_a_regression_speaks_of_error_and_r_squared_never_accuracy(tmp_path):
    run = run_of(tmp_path, user_files.regression_csv)
    told = {chapter: " ".join(captions(chapter, run)) for chapter in ("data", "forward", "training", "summary")}
    assert "Each comes with its price_k, the number the network should predict." in told["data"]
    assert f"R² of {run.r_squared():.3f}" in told["summary"] and "price_k" in told["summary"]
    for chapter, text in told.items():
        assert "accuracy" not in text.lower() and " right" not in text, (chapter, text)


def test_an_image_folder_and_a_plane_are_told_by_their_names(tmp_path):
    images = run_of(tmp_path, user_files.image_folder, image_size=8)
    data = captions("data", images)
    assert data[0] == f"{len(images.X_train)} images from shapes to learn from."
    assert data[1] == "Each comes labelled with its class: circle and square."
    assert "handwritten" not in " ".join(data)
    plane = run_of(tmp_path, user_files.plane_csv)
    told = " ".join(captions("data", plane))
    assert "temperature against humidity from weather.tsv" in told and "temperature and humidity" in told


def test_images_of_the_users_are_not_called_digits(tmp_path):
    images = run_of(tmp_path, user_files.image_folder, image_size=8)
    told = " ".join(captions("training", images)) + " ".join(captions("forward", images))
    assert "digit" not in told and "images" in told


def test_the_notebook_trains_on_data(tmp_path):
    from scenes import show

    source = user_files.penguins(tmp_path)
    with pytest.raises(ValueError, match="give one of them"):
        show("data", data=str(source), dataset="moons")
    shown = show("data", data=str(source), epochs=20, output=tmp_path / "data.mp4")
    assert "Each comes labelled with its species: Adelie, Chinstrap and Gentoo." in shown.video.scene.narration.captions
    assert shown.path.stat().st_size > 0


def test_a_regression_replay_shows_predicted_against_true_closing_on_the_diagonal(tmp_path):
    import numpy as np

    run = record_run(RunSpec.for_data(str(user_files.regression_csv(tmp_path)), epochs=200))
    scene = told_as("training", run, brief=False)
    scatter = scene.scatter
    assert scatter is not None and len(scatter.dots) == len(run.X_test)
    # Its last score is the run's own test R², computed apart from the scene; the first far below it.
    assert scatter.scores[-1] == pytest.approx(run.r_squared(test=True), abs=1e-6)
    assert scatter.scores[0] < 0.5 < scatter.scores[-1]
    # Each dot sits at its example's true price across and the final prediction up, in the file's units.
    final = run.raw_targets(run.network_at().forward(run.X_test.astype(float))[:, 0])
    truth = run.raw_targets(run.y_test[:, 0].astype(float))
    left, bottom = scatter.box.get_corner([-1, -1, 0])[:2]
    side = scatter.box.width
    for dot, x, y in zip(scatter.dots, truth, final):
        assert dot.get_center()[0] == pytest.approx(left + scatter.to_box(x) * side, abs=1e-6)
        assert dot.get_center()[1] == pytest.approx(bottom + scatter.to_box(y) * side, abs=1e-6)
    assert truth.min() > 50  # prices in thousands, as the file wrote them
    captions = " ".join(scene.narration.captions)
    assert f"an R² of {run.r_squared(test=True):.3f}" in captions and "accuracy" not in captions
    assert np.isfinite(scatter.scores).all()


def test_a_test_part_of_equal_targets_has_an_undefined_r_squared_never_nan_nor_accuracy(tmp_path):
    import numpy as np

    run = run_of(tmp_path, user_files.regression_csv)
    run.y_test = np.full_like(run.y_test, 0.5)  # every test target the same: no spread for R² to measure
    summary = " ".join(captions("summary", run))
    assert "and undefined on the test examples, whose true values are all equal" in summary
    assert f"reach an R² of {run.r_squared():.3f}" in summary
    assert "nan" not in summary and "accuracy" not in summary.lower()
