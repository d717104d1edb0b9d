"""The house: imports go one way (cli -> scenes -> nnscratch -> numpy), rooms do one job each, no cycles."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("nnscratch", "scenes")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")}
    found["cli"] = ROOT / "cli.py"
    return found


KNOWN = set(modules())


def imports(path: Path, top_level_only: bool = False) -> set[str]:
    """The modules a file imports (``from a.b import c`` gives a.b, and a.b.c when that is a module)."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from package import module`` imports the module (the package is already loading);
            # ``from module import name`` imports the module.
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & KNOWN
            names.update(submodules or {node.module})
            if len(submodules) < len(node.names):
                names.add(node.module)
    return names


def project_imports(name: str, path: Path, top_level_only: bool = False) -> set[str]:
    known = modules()
    return {imported for imported in imports(path, top_level_only) if imported in known and imported != name}


def test_the_core_imports_no_manim_scenes_or_cli():
    for name, path in modules().items():
        if name.startswith("nnscratch"):
            imported = imports(path)
            assert not {i for i in imported if i.split(".")[0] in ("manim", "scenes", "cli", "click")}, name


def test_the_scenes_import_no_cli():
    for name, path in modules().items():
        if name.startswith("scenes"):
            assert not {i for i in imports(path) if i.split(".")[0] == "cli"}, name


def test_no_import_cycle():
    graph = {name: project_imports(name, path, top_level_only=True) for name, path in modules().items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                pytest.fail("import cycle: " + " -> ".join(trail[trail.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for name in graph:
        if name not in state:
            visit(name, [name])


def test_scenes_keeps_its_rooms_and_a_handful_of_modules_at_its_top():
    top = sorted(path.name for path in (ROOT / "scenes").glob("*.py"))
    assert top == ["__init__.py"]
    assert sorted(path.name for path in (ROOT / "scenes").iterdir() if path.is_dir() and path.name != "__pycache__") \
        == ["camera", "chapters", "mobjects", "narration", "output"]


@pytest.mark.parametrize("room, may_not_import", [
    ("scenes.mobjects", ("scenes.camera", "scenes.chapters", "scenes.output")),  # what is drawn knows no camera
    ("scenes.camera", ("scenes.chapters", "scenes.output")),
    ("scenes.narration", ("scenes.chapters", "scenes.mobjects", "scenes.camera", "scenes.output")),
])
def test_a_room_does_not_reach_into_the_rooms_above_it(room, may_not_import):
    for name, path in modules().items():
        if name.startswith(room):
            wrong = {i for i in project_imports(name, path) if i.startswith(may_not_import)}
            assert not wrong, (name, wrong)


def test_chapters_do_not_import_each_other():
    # ... but for what every chapter shares, and what the catalogue reads of a chapter without Manim
    shared = {"scenes.chapters.base", "scenes.chapters.catalogue", "scenes.chapters", "scenes.chapters.overview_bounds"}
    # The explainer strings chapters together; the comparison of networks (an MLP and a CNN) is the
    # comparison scene with pictures of first layers for networks: neither is a chapter of the story.
    allowed = {"scenes.chapters.explainer": None, "scenes.chapters.compare_networks": {"scenes.chapters.compare"}}
    for name, path in modules().items():
        if name.startswith("scenes.chapters.") and name not in shared:
            others = {i for i in project_imports(name, path) if i.startswith("scenes.chapters.") and i not in shared}
            assert not others or (name in allowed and (allowed[name] is None or others <= allowed[name])), \
                (name, others)


def test_the_command_line_reads_the_catalogue_without_loading_manim():
    code = "import sys, cli, scenes; print('manim' in sys.modules, len(scenes.CHAPTERS))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.stdout.split() == ["False", "11"], result.stderr


def test_cli_is_thin():
    # It parses and checks the options of train, info and a dozen render commands (data files, layer
    # grammar, clusters) and builds requests; past this, its option types want a room of their own.
    assert len((ROOT / "cli.py").read_text().splitlines()) < 1100
