"""The user's own data: CSV tables, NumPy files and folders of images, read with their own names or refused in one line."""
import zipfile

import numpy as np
import pytest

from nnscratch import RunSpec, TrainingHistory, record_run
from nnscratch.user_data import MAX_CLASSES, MAX_FILE_BYTES, UserDataError, load_user_data, split_user_data
from tests import user_files


def test_a_csv_of_string_labels_names_its_classes_sorted_and_its_features(tmp_path):
    data = load_user_data(user_files.penguins(tmp_path))
    assert data.class_names == ("Adelie", "Chinstrap", "Gentoo")
    assert data.feature_names == ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")
    assert data.target_name == "species" and not data.regression
    assert data.X.shape == (18, 4) and data.X[0].tolist() == [39.1, 18.7, 181, 3750]
    assert data.y[:6].tolist() == [0] * 6 and data.y[-1] == 2


def test_classes_are_named_in_sorted_order_whatever_the_order_of_the_rows(tmp_path):
    header, *rows = user_files.PENGUINS.strip().splitlines()
    reversed_table = user_files.penguins(tmp_path, "\n".join([header, *rows[::-1]]) + "\n", "reversed.csv")
    assert load_user_data(reversed_table).class_names == ("Adelie", "Chinstrap", "Gentoo")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters_are_sniffed_and_a_byte_order_mark_is_read(tmp_path, encoding, delimiter):
    text = user_files.PENGUINS.replace(",", delimiter)
    data = load_user_data(user_files.penguins(tmp_path, text, encoding=encoding))
    assert data.feature_names[0] == "bill_length_mm" and data.n_features == 4 and data.n_classes == 3


def test_label_names_any_column(tmp_path):
    data = load_user_data(user_files.regression_csv(tmp_path), label="area_m2")
    assert data.target_name == "area_m2" and data.regression  # 60 distinct decimals: a real target
    assert data.feature_names == ("rooms", "age_years", "price_k")
    # species is text in a feature column when another is the label: refused, not silently dropped
    with pytest.raises(UserDataError, match="line 2, column 'species': 'Adelie' is not a number"):
        load_user_data(user_files.penguins(tmp_path), label="body_mass_g")


def test_numeric_labels_with_few_whole_values_are_classes_else_regression(tmp_path):
    classes = tmp_path / "c.csv"
    classes.write_text("a,b,grade\n" + "".join(f"{k},{k * 2},{k % 3 + 1}\n" for k in range(12)))
    data = load_user_data(classes)
    assert data.class_names == ("1", "2", "3") and data.y[:3].tolist() == [0, 1, 2]
    data = load_user_data(user_files.regression_csv(tmp_path))
    assert data.regression and data.class_names == () and data.target_name == "price_k"
    assert data.y.min() > 50  # raw prices, in the file's own units


def test_an_npz_gives_its_names_and_an_npy_its_last_column(tmp_path):
    data = load_user_data(user_files.arrays_npz(tmp_path))
    assert data.class_names == ("low", "mid", "high") and data.feature_names == ("voltage", "current", "phase")
    npy = tmp_path / "table.npy"
    np.save(npy, np.column_stack([np.arange(10.0), np.arange(10.0) ** 2, np.arange(10) % 2]))
    data = load_user_data(npy)
    assert data.feature_names == ("x1", "x2") and data.class_names == ("0", "1")


def test_an_npz_of_images_is_pixels_with_their_shape(tmp_path):
    path = tmp_path / "tiny.npz"
    X = np.zeros((6, 5, 4), np.uint8)
    X[3:, 2, :] = 255
    np.savez(path, X=X, y=np.array([0, 0, 0, 1, 1, 1]))
    data = load_user_data(path)
    assert data.image_shape == (5, 4) and data.n_features == 20 and data.feature_names == ()
    assert data.X.max() == 255


def test_an_image_folder_is_greyscale_resized_with_its_subfolders_as_classes(tmp_path):
    root = user_files.image_folder(tmp_path)
    data = load_user_data(root, image_size=12)
    assert data.class_names == ("circle", "square") and data.image_shape == (12, 12)
    assert data.X.shape == (16, 144) and 0 <= data.X.min() and data.X.max() == 255
    assert data.y.tolist() == [0] * 8 + [1] * 8
    square = data.X[8:].reshape(8, 12, 12)
    assert square[:, 6, 6].min() == 255 and square[:, 0, 0].max() == 0  # white middle, black corner


def test_splitting_standardises_tables_on_the_training_part_and_keeps_the_scaling(tmp_path):
    data = load_user_data(user_files.regression_csv(tmp_path))
    dataset, scaling = split_user_data(data, 60, 0.25, seed=7)
    assert len(dataset.X_train) == 45 and len(dataset.X_test) == 15
    np.testing.assert_allclose(dataset.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(dataset.X_train.std(axis=0), 1, atol=1e-12)
    raw = dataset.X_train * np.array(scaling.feature_scale) + np.array(scaling.feature_mean)
    assert all(any(np.allclose(row, original) for original in data.X) for row in raw[:5])
    assert dataset.y_train.std() == pytest.approx(1.0)
    assert dataset.y_train[0, 0] * scaling.target_scale + scaling.target_mean in data.y


@pytest.mark.parametrize("maker", [user_files.penguins, user_files.plane_csv, user_files.regression_csv,
                                   user_files.arrays_npz, user_files.image_folder])
def test_each_kind_trains_and_its_run_file_replays_without_the_original(tmp_path, maker):
    source = maker(tmp_path)
    spec = RunSpec.for_data(str(source), epochs=60, **({"image_size": 8} if source.is_dir() else {}))
    history = record_run(spec)
    saved = history.save(tmp_path / "run.npz")
    if source.is_dir():
        for file in source.rglob("*.png"):
            file.unlink()
    else:
        source.unlink()
    again = TrainingHistory.load(saved)
    assert again.class_names == history.class_names and again.feature_names == history.feature_names
    assert again.image_shape == history.image_shape and again.regression == history.regression
    assert again.user_data["file"] == source.name
    np.testing.assert_array_equal(again.X_train, history.X_train)
    if again.regression:
        assert again.class_names == () and "R²" in again.metrics_words() and "accuracy" not in again.metrics_words()
        raw = again.raw_targets(again.y_train[:, 0])
        assert raw.min() > 50  # prices in thousands, as the file wrote them
    else:
        assert len(again.class_names) >= 2 and "accuracy" in again.metrics_words()


def test_a_table_learns(tmp_path):
    history = record_run(RunSpec.for_data(str(user_files.penguins(tmp_path)), epochs=300))
    assert history.train_accuracy[-1] == 1.0 and history.train_loss[-1] < 0.1 * history.train_loss[0]
    regression = record_run(RunSpec.for_data(str(user_files.regression_csv(tmp_path)), epochs=300))
    assert regression.r_squared() > 0.9 and regression.r_squared(0) < 0.5


def write(path, content: bytes | str):
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


BAD_CSVS = [
    ("", "the file is empty"),
    ("\n\n  \n", "holds no table, only blank lines"),
    ("a,b,label\n", "a header but no rows of data"),
    ("1,2,3\n4,5,6\n", "line 1 looks like data, not a header: the first line must name the columns"),
    # headerless, with text labels: the first row's features are numbers, and it would be lost as a header
    ("5.0,3.0,setosa\n5.1,3.1,versicolor\n4.9,3.2,setosa\n6.0,2.9,versicolor\n",
     "line 1 looks like data, not a header: the first line must name the columns"),
    # a numeric label with one slip is not 5 text classes
    ("a,price\n" + "".join(f"{k},{k * 1.5 + 0.25}\n" for k in range(8)) + "9,NA\n",
     "line 10, column 'price': 'NA' is not a number"),
    ("a,price\n" + "".join(f"{k},2.5\n" for k in range(8)),
     "the label column 'price' has one value only (2.5): nothing to predict"),
    ("a,b,label\n1,2,x\n3,4,y\n5,6,x\n", "3 rows of data; nnscratch needs at least 4"),
    ("a,b,label\n1,1e200,x\n3,4,y\n5,6,x\n7,8,y\n",
     "line 2, column 'b': 1e+200 is beyond ±1e+150, so its scale cannot be computed in float64"),
    ("a,b,label\n1,1e308,x\n3,4,y\n5,6,x\n7,8,y\n", "line 2, column 'b': 1e+308 is beyond ±1e+150"),
    ("a,price\n1,1.5\n2,-2e200\n3,4.5\n4,5.5\n", "line 3, column 'price': -2e+200 is beyond ±1e+150"),
    ("a,b\u202e,label\n1,2,x\n3,4,y\n", "holds control or text-direction characters"),
    ("a,b,label\n1,2,x\u0085z\n3,4,y\n5,6,x\n7,8,y\n", "holds control or text-direction characters"),
    ("a,b,label\n1,2,x\u2066\n3,4,y\n5,6,x\n7,8,y\n", "holds control or text-direction characters"),
    ("a,b,label\n1,2,x\n3,4\n", "line 3 has 2 values, but the header names 3 columns (comma-separated)"),
    ("a,b,label\n1,2,x\n3,4,y,5\n", "line 3 has 4 values"),
    ("a,b,label\n1,oops,x\n3,4,y\n", "line 2, column 'b': 'oops' is not a number"),
    ("a,b,label\n1,nan,x\n3,4,y\n", "line 2, column 'b': nan is not a finite number"),
    ("a,b,label\n1,2,x\n3,inf,y\n", "line 3, column 'b': inf is not a finite number"),
    ("a,b,label\n1,,x\n3,4,y\n", "line 2, column 'b': the value is missing"),
    ("a,a,label\n1,2,x\n3,4,y\n", "line 1: columns 1 and 2 are both named 'a'"),
    ("a,,label\n1,2,x\n3,4,y\n", "line 1: column 2 has no name"),
    ("a,b,label\n1,2,x\n3,4,x\n", "holds one class only ('x')"),
    ("a,b,label\n1,2,\n3,4,y\n", "line 2, column 'label': the label is empty"),
    ("only\n1\n2\n", "line 1 names one column"),
    ("a,b,label\n" + "".join(f"{k},{k},c{k}\n" for k in range(MAX_CLASSES + 1)),
     f"holds {MAX_CLASSES + 1} different labels; the scenes name at most {MAX_CLASSES} classes"),
]


@pytest.mark.parametrize("content, message", BAD_CSVS)
def test_bad_csvs_are_refused_naming_the_file_line_and_column(tmp_path, content, message):
    path = write(tmp_path / "bad.csv", content)
    with pytest.raises(UserDataError) as caught:
        load_user_data(path)
    assert message in str(caught.value) and str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_other_bad_inputs_are_refused_in_one_line(tmp_path):
    cases = [
        (tmp_path / "missing.csv", "no such file or folder"),
        (write(tmp_path / "binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00"), "a binary file, not a CSV"),
        (write(tmp_path / "latin.csv", "a,b,c\n1,2,caf\xe9\n".encode("latin-1")), "line 2 is not UTF-8 text"),
        (write(tmp_path / "fake.npz", b"not a zip at all"), "not an .npz archive"),
        (tmp_path / "empty_folder", "no images (PNG or JPEG)"),
    ]
    (tmp_path / "empty_folder").mkdir()
    for path, message in cases:
        with pytest.raises(UserDataError, match=None) as caught:
            load_user_data(path)
        assert message in str(caught.value), (path, str(caught.value))
    with pytest.raises(UserDataError, match="no column 'kind' to take the labels from; the columns are bill_length"):
        load_user_data(user_files.penguins(tmp_path), label="kind")


def test_a_file_too_large_is_refused_by_its_size_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written, and reading it would take 256 MiB
    read = []
    monkeypatch.setattr("nnscratch.user_data._read_bytes", lambda p: read.append(p))
    with pytest.raises(UserDataError, match=r"huge.csv: 256.0 MiB is larger than the 256.0 MiB nnscratch reads"):
        load_user_data(path)
    assert read == []


def test_a_fifo_is_not_read(tmp_path):
    import os

    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    with pytest.raises(UserDataError, match="not a regular file or a folder"):
        load_user_data(fifo)


def test_bad_npz_files_are_refused_before_their_data_is_read(tmp_path):
    def npz(name, **arrays):
        path = tmp_path / name
        np.savez(path, **arrays)
        return path

    good_y = np.array([0, 1] * 5)
    cases = [
        (npz("nox.npz", y=good_y), "no array X"),
        (npz("objects.npz", X=np.array([{}] * 10, dtype=object), y=good_y), "would need a pickle"),
        (npz("nan.npz", X=np.where(np.eye(10, 3) > 0, np.nan, 1.0), y=good_y), "X holds nan at sample 1, feature 1"),
        (npz("shape.npz", X=np.ones((10, 2)), y=np.array([0, 1])), "y must hold one label for each of X's 10"),
        (npz("one.npz", X=np.ones((10, 2)), y=np.zeros(10)), "holds one class only"),
        (npz("names.npz", X=np.ones((10, 2)), y=good_y * 3, class_names=np.array(["a", "b", "c"])),
         "y must hold class numbers 0 to 2"),
        (npz("feat.npz", X=np.ones((10, 2)), y=good_y, feature_names=np.array(["a"])),
         "feature_names names 1 features, but X has 2"),
        (npz("pixels.npz", X=np.full((10, 3, 3), 300.0), y=good_y), "pixels must lie in 0 to 255"),
    ]
    for path, message in cases:
        with pytest.raises(UserDataError) as caught:
            load_user_data(path)
        assert message in str(caught.value) and path.name in str(caught.value), str(caught.value)
    bomb = tmp_path / "bomb.npz"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        header = np.lib.format.header_data_from_array_1_0(np.zeros((1, 1)))
        header["shape"] = (10**9, 64)
        import io

        stream = io.BytesIO()
        np.lib.format.write_array_header_1_0(stream, header)
        archive.writestr("X.npy", stream.getvalue())
        archive.writestr("y.npy", b"")
    with pytest.raises(UserDataError, match="X holds 1,000,000,000 samples; nnscratch trains on at most 100,000"):
        load_user_data(bomb)


def test_bad_image_folders_name_the_folder_or_the_image(tmp_path):
    root = user_files.image_folder(tmp_path)
    (root / "circle" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nthis is no image")
    with pytest.raises(UserDataError, match=r"shapes/circle/broken.png: not a readable image"):
        load_user_data(root)
    (root / "circle" / "broken.png").unlink()
    (root / "triangle").mkdir()
    with pytest.raises(UserDataError, match="the subfolder 'triangle' holds no images"):
        load_user_data(root)
    lonely = tmp_path / "lonely"
    (lonely / "cat").mkdir(parents=True)
    (root / "circle" / "0.png").rename(lonely / "cat" / "0.png")
    with pytest.raises(UserDataError, match=r"one class only \('cat'\)"):
        load_user_data(lonely)


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(classes=["a", "b"]), "3 classes do not fit|2 classes do not fit"),
    (lambda d: d.update(classes=["Adelie", "Adelie", "Gentoo"]), "classes names one twice"),
    (lambda d: d.update(features=["x"] * 4), "features names one twice"),
    (lambda d: d.update(features=["a", "b"]), "2 feature names for an input layer of 4"),
    (lambda d: d.update(feature_scale=[1.0, 0.0, 1.0, 1.0]), "feature_scale must be a finite number > 0"),
    (lambda d: d.update(feature_mean=[1.0]), "feature_mean must hold 4 values"),
    (lambda d: d.update(kind="sound"), "unknown kind 'sound'"),
    (lambda d: d.update(extra=1), "has an unknown field 'extra'"),
    (lambda d: d.pop("file"), "lacks file"),
    (lambda d: d.update(file="a\nb.csv"), "printable"),
    (lambda d: d.update(target_mean=0.0), "classes take no target_mean"),
    (lambda d: d.pop("features"), "images have an image_shape and no feature names; tables the other way round"),
    (lambda d: d.update(classes=["Adelie", "Chin\u202estrap", "Gentoo"]), "classes must be names of 1 to 64 printable"),
    (lambda d: d.update(classes=["Adelie", "Chin\x9bstrap", "Gentoo"]), "classes must be names of 1 to 64 printable"),
    (lambda d: d.update(features=["a", "b", "c", "d\u2029"]), "features must be names of 1 to 64 printable"),
    (lambda d: d.update(target="spe\u2066cies"), "target must be names of 1 to 64 printable"),
    (lambda d: d.update(file="a\x85b.csv"), "file must be a file name of printable characters"),
    (lambda d: d.update(file="../../etc/passwd"), "file must be a file name, not a path"),
    (lambda d: d.update(feature_scale=[1.0, 1e300, 1.0, 1.0]), r"feature_scale must be a finite number > 0 and <= 1e\+150"),
    (lambda d: d.update(feature_mean=[1.0, -1e200, 1.0, 1.0]), r"feature_mean must be a finite number"),
    (lambda d: d.update(samples=17), "17 samples, but the arrays hold 18"),
])
def test_a_run_files_data_entry_is_checked_as_untrusted(tmp_path, change, message):
    from nnscratch import RunFileError
    from nnscratch.runfile import write_run

    history = record_run(RunSpec.for_data(str(user_files.penguins(tmp_path)), epochs=5))
    metadata = {**history.metadata, "data": dict(history.metadata["data"])}
    change(metadata["data"])
    path = write_run(tmp_path / "crafted.npz", metadata, history.arrays())
    with pytest.raises(RunFileError, match=message):
        TrainingHistory.load(path)


def test_a_run_file_of_images_needs_classes(tmp_path):
    from nnscratch import RunFileError
    from nnscratch.runfile import write_run

    history = record_run(RunSpec.for_data(str(user_files.regression_csv(tmp_path)), epochs=5, layers=[3, 4, 1]))
    data = {key: value for key, value in history.metadata["data"].items() if key != "features"}
    data.update(kind="images", image_shape=[1, 3], feature_mean=[0.0], feature_scale=[255.0])
    metadata = {**history.metadata, "data": data}
    with pytest.raises(RunFileError, match="images need classes; nnscratch does not tell a regression on images"):
        TrainingHistory.load(write_run(tmp_path / "crafted.npz", metadata, history.arrays()))


def test_a_regression_run_file_needs_its_target_scaling(tmp_path):
    from nnscratch import RunFileError
    from nnscratch.runfile import write_run

    history = record_run(RunSpec.for_data(str(user_files.regression_csv(tmp_path)), epochs=5))
    metadata = {**history.metadata, "data": dict(history.metadata["data"])}
    del metadata["data"]["target_scale"]
    with pytest.raises(RunFileError, match="a real-valued target needs one identity output, its target_mean"):
        TrainingHistory.load(write_run(tmp_path / "crafted.npz", metadata, history.arrays()))


def test_npz_files_that_cannot_be_told_honestly_are_refused_at_load(tmp_path):
    def npz(name, **arrays):
        path = tmp_path / name
        np.savez(path, X=arrays.pop("X", np.arange(20.0).reshape(10, 2)), **arrays)
        return path

    y = np.array([0, 1] * 5)
    rng = np.random.default_rng(0)
    cases = [
        (npz("longer.npz", y=y, class_names=np.array(["a", "b", "c"])),
         "class_names names 3 classes, but y holds 2 different class numbers"),
        (npz("shorter.npz", y=np.arange(10) % 3, class_names=np.array(["a", "b"])), "y must hold class numbers 0 to 1"),
        (npz("huge.npz", X=np.where(np.eye(10, 2) > 0, -1e308, 1.0), y=y),
         "X, sample 1, feature 1: -1e+308 is beyond ±1e+150, so its scale cannot be computed in float64"),
        (npz("hugey.npz", X=np.ones((20, 2)), y=np.linspace(0, 1, 20) * 1e200),  # 20 values: regression
         "y, sample 2: 5.263157894736842e+198 is beyond ±1e+150"),
        (npz("const.npz", y=np.full(10, 0.5)), "y has one value only (0.5): nothing to predict"),
        (npz("three.npz", X=np.ones((3, 2)), y=np.array([0, 1, 0])), "3 samples of data; nnscratch needs at least 4"),
        (npz("imgreg.npz", X=rng.integers(0, 256, (30, 8, 8)).astype(np.uint8), y=np.linspace(0, 1, 30)),
         "X holds images and y real values (regression); nnscratch tells images by their classes"),
        (npz("bidi.npz", y=y, feature_names=np.array(["a", "b\u202e"])), "holds control or text-direction"),
        (npz("c1.npz", y=y, class_names=np.array(["a\x9bz", "b"])), "holds control or text-direction"),
    ]
    for path, message in cases:
        with pytest.raises(UserDataError) as caught:
            load_user_data(path)
        assert message in str(caught.value) and path.name in str(caught.value), str(caught.value)
    folder = user_files.image_folder(tmp_path, per_class=1)
    with pytest.raises(UserDataError, match=r"shapes: 2 images of data; nnscratch needs at least 4"):
        load_user_data(folder)


def test_a_file_name_with_control_or_direction_characters_is_refused(tmp_path):
    for name in ("evil\u202egpj.csv", "a\x85b.csv", "line\u2028break.csv"):
        path = user_files.penguins(tmp_path, name=name)
        with pytest.raises(UserDataError, match="the file name holds control or text-direction characters"):
            load_user_data(path)


def test_values_within_the_bound_still_train_in_their_own_units(tmp_path):
    path = write(tmp_path / "big.csv", "a,b,label\n" + "".join(f"{k}e149,{k % 3},{'xy'[k % 2]}\n" for k in range(1, 9)))
    data = load_user_data(path)
    dataset, scaling = split_user_data(data, 8, 0.25, seed=1)
    assert scaling.feature_mean[0] > 1e149 and np.isfinite(dataset.X_train).all()
    np.testing.assert_allclose(dataset.X_train.std(axis=0), 1, atol=1e-9)


def test_r_squared_of_equal_targets_is_undefined_never_nan_and_never_accuracy(tmp_path):
    history = record_run(RunSpec.for_data(str(user_files.regression_csv(tmp_path)), epochs=20))
    history.y_test = np.full_like(history.y_test, 0.25)  # a test part whose targets are all equal
    words = history.metrics_words()
    assert "(test undefined)" in words and "nan" not in words and "accuracy" not in words
    assert history.r_squared_words(test=True) == "undefined" and history.r_squared_words() != "undefined"
    assert history.metrics_words(3) == f"loss {history.train_loss[3]:.4f}"  # no R² kept: loss only, no accuracy


def test_utf16_an_open_quote_and_an_npy_of_objects_are_named_plainly(tmp_path):
    table = user_files.PENGUINS
    for name, encoding in (("bom.csv", "utf-16"), ("le.csv", "utf-16-le"), ("be.csv", "utf-16-be")):
        with pytest.raises(UserDataError, match=f"{name}: a UTF-16 text file; save the table as UTF-8"):
            load_user_data(user_files.penguins(tmp_path, table, name, encoding))
    quoted = write(tmp_path / "open.csv", 'a,b,label\n1,2,x\n3,4,"y\n5,6,x\n7,8,y\n')
    with pytest.raises(UserDataError, match=r'open.csv: line 3: a quote \(\"\) opened in this row is never closed'):
        load_user_data(quoted)
    objects = tmp_path / "objects.npy"
    np.save(objects, np.array([{}, {}], dtype=object), allow_pickle=True)
    with pytest.raises(UserDataError) as caught:
        load_user_data(objects)
    assert "objects.npy: the array holds Python objects" in str(caught.value) and "array the" not in str(caught.value)


def test_a_big_picture_is_refused_by_its_size_and_pillow_prints_no_warning(tmp_path, monkeypatch):
    import warnings

    from PIL import Image

    root = user_files.image_folder(tmp_path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # Pillow warns past 100 pixels and refuses past 200
    monkeypatch.setattr("nnscratch.user_data.MAX_IMAGE_PIXELS", 120)
    Image.new("L", (12, 12)).save(root / "circle" / "0.png")  # 144 pixels: Pillow's warning, our refusal
    with warnings.catch_warnings(record=True) as caught, pytest.raises(UserDataError) as refused:
        warnings.simplefilter("always")
        load_user_data(root, image_size=8)
    assert "circle/0.png: 12x12 pixels is larger than the 120 pixels nnscratch reads" in str(refused.value)
    assert [w for w in caught if issubclass(w.category, Image.DecompressionBombWarning)] == []
    Image.new("L", (15, 15)).save(root / "circle" / "0.png")  # 225 pixels: Pillow's own refusal, said with its size
    with pytest.raises(UserDataError, match="circle/0.png: 225 pixels is larger than the 120 pixels nnscratch reads"):
        load_user_data(root, image_size=8)
