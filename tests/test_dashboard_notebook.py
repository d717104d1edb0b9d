"""The dashboard's notebook, run top to bottom under a real kernel, as a user runs it."""
import os
from pathlib import Path

import ipykernel  # noqa: F401  (the notebook extra, which the test command's set-up installs)
import nbclient
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "dashboard.ipynb"


@pytest.mark.slow
def test_the_notebook_builds_steps_trains_resets_and_exports_a_video(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, kernel_name="python3", timeout=600,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [cell.outputs for cell in notebook.cells if cell.cell_type == "code"]
    widget = outputs[0][0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in widget
    trained = outputs[1][0]["text"]
    assert trained.startswith("loss ") and "accuracy" in trained
    assert outputs[2][0]["text"].split()[0] == "20"  # reset, then twenty epochs: twenty, not seventy
    video = outputs[3][0]["data"]
    assert video["text/html"].startswith("<video controls")
    path = tmp_path / "media" / "videos" / "dashboard" / "network.mp4"
    assert path.stat().st_size > 10_000
    assert not any(output.get("output_type") == "error" for cell in outputs for output in cell)
