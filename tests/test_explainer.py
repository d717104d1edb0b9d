"""The explainer: chapters in order, marked where they begin, joined without a glitch, narrated throughout."""
import av
import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from nnscratch import RunSpec, record_run
from scenes.chapters.catalogue import CHAPTERS, NAMES as CHAPTER_NAMES, chapters_of as chapter_specs
from scenes.chapters.explainer import CLOSING_FADE
from scenes.output.mux import join_videos
from scenes.narration.beats import READING_SPEED
from scenes.output.parallel import Tracker, render_explainer
from scenes.output.render import render
from tests.streams import read_back

FPS = 5
SIZE = (160, 90)


@pytest.fixture(scope="module")
def history():
    return record_run(RunSpec(epochs=200))


def frames_of(path):
    """Every decoded frame as RGB, and each one's time."""
    with av.open(str(path)) as container:
        frames = [(frame.to_ndarray(format="rgb24"), frame.time) for frame in container.decode(video=0)]
    return np.array([f for f, _ in frames]), np.array([t for _, t in frames])


def test_chapters_are_picked_by_name_in_the_storys_order():
    assert [spec.name for spec in chapter_specs(["summary", "neuron"])] == ["neuron", "summary"]
    assert chapter_specs(None) == list(CHAPTERS)
    with pytest.raises(ValueError, match="no chapter 'nope'"):
        chapter_specs(["nope"])


def test_the_features_chapter_is_told_of_images_and_of_the_plane(history):
    from scenes import FeaturesScene, PlaneFeaturesScene

    digits = record_run(RunSpec.for_dataset("digits", samples=100, epochs=1))
    moons = record_run(RunSpec.for_dataset("moons", epochs=5))
    flat = record_run(RunSpec.for_dataset("moons", layers=(2, 1), epochs=5))  # no hidden neuron to draw
    dense = [name for name in CHAPTER_NAMES if name != "convolution"]  # it draws conv layers
    assert [spec.name for spec in chapter_specs(None, digits)] == dense
    assert [spec.name for spec in chapter_specs(None, moons)] == dense
    for run in (history, flat):
        assert [spec.name for spec in chapter_specs(None, run)] == [n for n in dense if n != "features"]
        with pytest.raises(ValueError, match="needs images"):
            chapter_specs(["data", "features"], run)
    features = next(spec for spec in CHAPTERS if spec.name == "features")
    assert features.scene_class(digits) is FeaturesScene and features.scene_class(moons) is PlaneFeaturesScene


def test_the_features_chapter_of_data_it_cannot_draw_is_refused_before_training(tmp_path):
    result = CliRunner().invoke(main, ["render", "explainer", "--chapters", "features", "--dataset", "sample",
                                       "--epochs", "100000", "--output", str(tmp_path / "e.mp4")])
    assert result.exit_code == 2 and "needs images (--dataset digits) or points in the plane" in result.output, \
        result.output
    assert list(tmp_path.iterdir()) == []


def test_the_tracker_counts_frames_of_all_chapters_as_one():
    shown = []
    tracker = Tracker(3, fps=10, show=lambda done, total: shown.append((done, total)))
    tracker.update(1, "planned", 20.0)
    assert shown[-1] == (0, (20 + 30 + 30) * 10)  # unplanned chapters are guessed at 30 s
    tracker.update(2, "done", 5.0)
    assert shown[-1] == (50, (20 + 30 + 30) * 10)
    tracker.update(1, "finished", 22.0)  # longer than planned: the total follows
    assert shown[-1] == (270, (22 + 30 + 30) * 10)


def test_videos_join_without_re_encoding_each_frame_one_period_after_the_last(tmp_path, history):
    from scenes import NeuronScene, SummaryScene

    pieces = [render(scene, tmp_path / f"{scene.__name__}.mp4", resolution=SIZE, fps=FPS, history=history).path
              for scene in (NeuronScene, SummaryScene)]
    counts = join_videos(pieces, tmp_path / "joined.mp4", FPS)
    originals = [frames_of(piece)[0] for piece in pieces]
    assert counts == [len(frames) for frames in originals]
    joined, times = frames_of(tmp_path / "joined.mp4")
    assert len(joined) == sum(counts)
    assert np.allclose(np.diff(times), 1 / FPS)  # no frame missing or repeated, at the seam or anywhere
    # The packets were copied: each frame decodes to exactly the pixels of its piece's own frame.
    assert np.array_equal(joined, np.concatenate(originals))


@pytest.fixture(scope="module")
def video(tmp_path_factory, history):
    """Every chapter, at a tiny resolution, narrated by espeak, as tasks of a local cluster of two workers."""
    from scenes.narration.speech import choose_voice
    from scenes.output.cluster import connected

    folder = tmp_path_factory.mktemp("explainer")
    with connected(workers=2) as client:
        return render_explainer(history, folder / "explainer.mp4", resolution=SIZE, fps=FPS,
                                voice=choose_voice("espeak"), client=client)


@pytest.mark.slow
class TestTheWholeExplainer:

    def test_every_chapter_is_there_in_order_and_marked_where_it_begins(self, video, history):
        streams = read_back(video.path)
        titles = [spec.title for spec in chapter_specs(None, history)]  # a run neither images nor 2-D, nor a CNN
        assert [chapter.title for chapter in streams["chapters"]] == titles
        starts = [chapter.start for chapter in streams["chapters"]]
        ends = [chapter.end for chapter in streams["chapters"]]
        assert starts[0] == 0 and ends[-1] == pytest.approx(video.duration, abs=1e-3)
        assert ends[:-1] == pytest.approx(starts[1:], abs=1e-3)
        assert [m.start for m in video.chapters] == pytest.approx(starts, abs=1e-3)
        # Each chapter opens on its title card, seen and not said (the card says what "Part n" would):
        # its first words come as the card goes, within two seconds of the chapter's start.
        for start in starts:
            first = min((cue for cue in streams["cues"] if cue.start >= start - 1e-3), key=lambda cue: cue.start)
            assert not first.text.startswith("Part") and 1.5 < first.start - start < 2.5

    def test_the_seams_fall_on_black_and_no_frame_is_lost(self, video):
        frames, times = frames_of(video.path)
        assert len(frames) == round(video.duration * FPS)
        assert np.allclose(np.diff(times), 1 / FPS)
        for chapter in video.chapters[1:]:
            seam = round(chapter.start * FPS)
            # The chapter before has faded to black; this one begins dark, its card fading in.
            assert frames[seam - 1].max() < 30, chapter.title
            assert frames[seam].mean() < 10, chapter.title

    def test_each_chapter_fades_to_black_as_a_film_does(self, video):
        # Every pixel of the last picture dims by one factor, to black: nothing stays lit above the
        # fading sheet (the neurons are drawn above their edges), nothing shows through what lies on it.
        frames, _ = frames_of(video.path)
        fading = round(CLOSING_FADE * FPS)
        for end in [round(chapter.start * FPS) for chapter in video.chapters[1:]] + [len(frames)]:
            last = frames[end - 1 - fading].astype(float)
            assert last.max() > 100
            factors = []
            for frame in frames[end - fading:end].astype(float):
                factor = (frame * last).sum() / (last * last).sum()
                assert np.percentile(np.abs(frame - factor * last), 99) < 4 + 12 * factor
                factors.append(factor)
            assert factors == sorted(factors, reverse=True) and factors[0] < 0.95 and factors[-1] < 0.01

    def test_the_narration_runs_the_whole_video_and_falls_silent_at_each_seam(self, video):
        streams = read_back(video.path)
        assert streams["audio"]["duration"] == pytest.approx(video.duration, abs=0.05)
        rate = streams["audio"]["rate"]
        audio = streams["audio"]["samples"]
        for chapter in video.chapters:
            start = int(chapter.start * rate)
            # The card stands in silence, and the chapter's first sentence is spoken as it goes ...
            assert np.abs(audio[start:start + rate]).max() < 0.01, chapter.title
            assert np.abs(audio[start + 2 * rate:start + 3 * rate]).max() > 0.05, chapter.title
            # ... and the chapter before ended in silence: its last sentence ended before the fade.
            if start:
                assert np.abs(audio[start - rate // 2:start - rate // 50]).max() < 0.01, chapter.title

    def test_every_caption_is_on_screen_long_enough_to_read(self, video):
        streams = read_back(video.path)
        assert len(streams["cues"]) > 40
        for cue in streams["cues"]:
            assert len(cue.text.replace("\n", " ")) / (cue.end - cue.start) <= READING_SPEED + 0.5, cue.text
        assert video.subtitles.read_text().count("-->") == len(streams["cues"])


def test_a_bad_chapter_name_is_refused_before_any_work(tmp_path):
    for value, message in (("neuron,nope", "no chapter 'nope'"), ("cost,cost", "names a chapter twice"),
                           ("", "'' has an empty chapter name")):
        result = CliRunner().invoke(main, ["render", "explainer", "--chapters", value,
                                           "--output", str(tmp_path / "e.mp4")])
        assert result.exit_code == 2 and message in result.output, result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_cli_renders_chosen_chapters_and_a_still(tmp_path):
    result = CliRunner().invoke(main, ["render", "explainer", "--chapters", "summary,neuron", "--epochs", "50",
                                       "--quality", "low", "--voice", "none", "--output", str(tmp_path / "e.mp4")])
    assert result.exit_code == 0, result.output
    assert "2 chapters" in result.output
    streams = read_back(tmp_path / "e.mp4")
    assert [c.title for c in streams["chapters"]] == ["One neuron", "Summing up"]
    still = CliRunner().invoke(main, ["render", "explainer", "--still", "--at", "3", "--epochs", "50",
                                      "--output", str(tmp_path / "e.png")])
    assert still.exit_code == 0, still.output
    from PIL import Image

    frame = np.asarray(Image.open(tmp_path / "e.png").convert("RGB"))
    assert frame.shape == (1080, 1920, 3) and frame.max() > 100  # the first chapter's card, drawn


@pytest.mark.slow
def test_the_default_explainer_tells_its_story_in_three_to_six_minutes(tmp_path):
    """The digits' default run, narrated by the voice the README's set-up installs, at the length a
    class can watch: the brief telling leaves out what an earlier chapter said."""
    from scenes.chapters.catalogue import EXPLAINER_DATASET
    from scenes.narration.speech import choose_voice

    from scenes.output.cluster import connected

    run = record_run(RunSpec.for_dataset(EXPLAINER_DATASET))
    with connected(workers=2) as client:
        # At the CLI's lowest frame rate: at 5 fps every animation's last frame rounds it up (+7 s in all).
        video = render_explainer(run, tmp_path / "explainer.mp4", resolution=SIZE, fps=15,
                                 voice=choose_voice("piper"), client=client)
    lengths = {mark.title: round(mark.end - mark.start, 1) for mark in video.chapters}
    assert len(lengths) == len(chapter_specs(None, run))  # every chapter but the convolution
    assert 180 <= video.duration <= 360, lengths
