"""Output files written safely: only over a regular file or where nothing is yet, whole or not at all.

Every file nnscratch writes (a run file, a video, its captions) is made under a
temporary name beside its destination and renamed into place when complete. A
rename replaces whatever is at the destination, so the destination is checked
first: a device, FIFO, socket, folder or symbolic link is never replaced, nor a
read-only file (its mode is read, not only the permission to change it, which
root always has). A link as the last part of the path is refused rather than
followed: a link in a shared folder can point anywhere, and a plain error is
easier to act on than a surprise write. Folders on the way may be links, as
they often are (a home folder on another disk).

Temporary names carry the writer's process id, so a later run writing into the
same folder can remove what a killed run left, once that process is gone.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import sys
import tempfile
import threading
from pathlib import Path
from typing import BinaryIO, Iterator

TEMP_PREFIX = ".nnscratch-"
_TEMP_NAME = re.compile(r"^\.nnscratch-(\d+)-[A-Za-z0-9_]+\.(part|render)$")
_KINDS = {stat.S_IFCHR: "character device", stat.S_IFBLK: "block device", stat.S_IFIFO: "FIFO",
          stat.S_IFSOCK: "socket", stat.S_IFDIR: "folder", stat.S_IFLNK: "symbolic link"}


class OutputPathError(ValueError):
    """An output path that nnscratch will not write to; the message says why in one line."""


def check_output_path(path: str | os.PathLike, suffix: str | None = None) -> Path:
    """Return ``path`` if a file may be written there, else raise OutputPathError saying why.

    Allowed: a path whose folder exists and is writable, naming nothing yet or a
    regular file we may write. ``suffix`` (such as ``".npz"``) is required when given.
    """
    text = os.fspath(path)
    path = Path(path)
    if text == "" or text.endswith(os.sep) or path.name in ("", ".", ".."):
        raise OutputPathError(f"{text!r} is not a file name")
    if suffix is not None and path.suffix.lower() != suffix:
        raise OutputPathError(f"{path}: the file name must end in {suffix}")
    try:
        folder = path.absolute().parent
    except OSError:
        raise OutputPathError(f"cannot write {path}: the current folder no longer exists") from None
    try:
        folder_mode = os.stat(folder).st_mode
    except FileNotFoundError:
        raise OutputPathError(f"cannot write {path}: the folder {folder} does not exist") from None
    except OSError as error:
        raise OutputPathError(f"cannot write {path}: {error.strerror or error}") from None
    if not stat.S_ISDIR(folder_mode):
        raise OutputPathError(f"cannot write {path}: {folder} is not a folder")
    name_max = _path_limit(folder, "PC_NAME_MAX", 255)
    if len(os.fsencode(path.name)) > name_max:
        raise OutputPathError(f"cannot write {path.name[:40]}...: the file name is "
                              f"{len(os.fsencode(path.name))} bytes long, at most {name_max} fit")
    if len(os.fsencode(str(path.absolute()))) >= _path_limit(folder, "PC_PATH_MAX", 4096):
        raise OutputPathError(f"cannot write {str(path)[:40]}...: the path is too long")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputPathError(f"cannot write {path}: the folder {folder} is not writable")
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return path
    except OSError as error:
        raise OutputPathError(f"cannot write {path}: {error.strerror or error}") from None
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "special file")
        hint = "; name the target itself" if stat.S_ISLNK(mode) else ""
        raise OutputPathError(f"cannot write {path}: it is a {kind}, and nnscratch replaces only "
                              f"regular files{hint}")
    if not os.access(path, os.W_OK) or not mode & 0o222:
        raise OutputPathError(f"cannot write {path}: the file is read-only")
    return path


def check_output_folder(folder: str | os.PathLike) -> Path:
    """Return ``folder`` if it exists as a writable folder or could be made as one, else raise
    OutputPathError: every part of it that exists must be a folder (or a link to one)."""
    folder = Path(folder)
    try:
        probe = folder.absolute()
    except OSError:
        raise OutputPathError(f"cannot write into {folder}: the current folder no longer exists") from None
    while True:
        try:
            mode = os.stat(probe).st_mode
        except (FileNotFoundError, NotADirectoryError):
            if os.path.lexists(probe) and os.path.islink(probe):
                raise OutputPathError(f"cannot write into {folder}: {probe} is a link to nothing") from None
            probe = probe.parent
            continue
        except OSError as error:
            raise OutputPathError(f"cannot write into {folder}: {error.strerror or error}") from None
        if not stat.S_ISDIR(mode):
            raise OutputPathError(f"cannot write into {folder}: {probe} is not a folder")
        if not os.access(probe, os.W_OK | os.X_OK):
            raise OutputPathError(f"cannot write into {folder}: {probe} is not writable")
        return folder


def _path_limit(folder: Path, name: str, default: int) -> int:
    try:
        return os.pathconf(folder, name)
    except (OSError, ValueError):
        return default


def current_umask() -> int:
    """The process's umask, read without changing it where Linux allows (changing it races with threads)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def publish(*moves: tuple[Path, Path]) -> None:
    """Move finished temporary files to their destinations, ``(temporary, destination)`` pairs,
    with the permissions a new file would get.

    Every destination is checked again first (it may have changed while the work ran), so
    either all of them are written or, when a check fails, none is. A move that fails after
    others succeeded takes back the files it had made new.
    """
    for _, path in moves:
        check_output_path(path)
    made: list[Path] = []
    try:
        for temporary, path in moves:
            existed = os.path.lexists(path)
            os.chmod(temporary, 0o666 & ~current_umask())
            os.replace(temporary, path)
            if not existed:
                made.append(path)
    except BaseException:
        for path in made:
            Path(path).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """A binary stream to a temporary file beside ``path`` that becomes ``path`` only if the block
    completes; on any exception (an interrupt included) the temporary file is removed."""
    path = Path(path)
    check_output_path(path)
    remove_leftovers(path.absolute().parent)
    handle, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".part",
                                    dir=path.absolute().parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
        publish((temporary, path))
    finally:
        temporary.unlink(missing_ok=True)


@contextlib.contextmanager
def work_folder(beside: str | os.PathLike) -> Iterator[Path]:
    """A temporary folder beside the output ``beside`` (so the final rename stays on one file
    system), removed with everything in it when the block ends, however it ends."""
    parent = Path(beside).absolute().parent
    remove_leftovers(parent)
    folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".render", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_leftovers(folder: str | os.PathLike) -> list[Path]:
    """Remove temporary files and folders that killed nnscratch runs left in ``folder``.

    Only names nnscratch makes are touched, and only when the process that made
    them is gone. Returns what was removed.
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if match is None or _process_alive(int(match.group(1))):
            continue
        path = Path(entry.path)
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process: leave its files alone
    return True


@contextlib.contextmanager
def new_folders(folder: str | os.PathLike) -> Iterator[None]:
    """Make ``folder`` (and its missing parents) for the block; if the block fails, take back
    the ones it made, so a failed render leaves no empty media/videos behind."""
    folder = Path(folder)
    missing = []
    probe = folder
    while not os.path.lexists(probe) and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield
    except BaseException:
        for made in missing:
            with contextlib.suppress(OSError):
                made.rmdir()
        raise


def cache_dir(kind: str) -> Path:
    """Where nnscratch keeps what it has computed of ``kind`` (``speech``, ``landscapes``):
    under ``$XDG_CACHE_HOME``, or ``~/.cache``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nnscratch" / kind


def open_regular(path: str | os.PathLike) -> BinaryIO | None:
    """``path`` opened for reading if it is a regular file, else None (nothing there, a folder, a
    FIFO, a device, or unreadable). Opened non-blocking, then checked, as run files are: a FIFO
    put at a cache's path must be a miss, not a read that waits for a writer forever."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        regular = stat.S_ISREG(os.fstat(descriptor).st_mode)
    except OSError:
        regular = False
    if not regular:
        os.close(descriptor)
        return None
    return os.fdopen(descriptor, "rb")


def is_regular(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a regular file (a link to one included), without opening it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


_told: set[str] = set()
_telling = threading.Lock()  # speech is cached from the narrator's thread


def tell_once(topic: str, text: str) -> None:
    """Say ``text`` on stderr, on one line, the first time ``topic`` comes up in this process: a cache
    that cannot be used is worth one line, not one for every file it would have kept. The core says
    it itself (it has no click), as the command's own warnings are said, on stderr."""
    with _telling:
        if topic in _told:
            return
        _told.add(topic)
    line = text.replace("\r", "\\r").replace("\n", "\\n")
    with contextlib.suppress(OSError, ValueError):  # a closed or broken stderr: the notice is not worth a failure
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def why_unwritten(error: Exception) -> str:
    """A write's failure in words: the system's reason and the path of an OSError, or the error's own
    (OutputPathError says it in one line)."""
    if not isinstance(error, OSError) or not error.strerror:
        return str(error)
    where = f"{error.filename}: " if error.filename else ""
    return f"{where}{error.strerror[:1].lower()}{error.strerror[1:]}"
