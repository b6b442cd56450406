"""Write output files so that a reader never sees half of one, and nothing is destroyed on the way.

A regular file (or a new one) is written through a temporary file beside it, renamed into place:
a reader sees the old file or the new one, never half, and the old file's mode and owner are kept.
A symbolic link is followed: the file it points to is replaced, the link stays. Anything else that
already stands at the path (a named pipe, a terminal, ``/dev/null``, ``/dev/stdout``) is written
straight through, never renamed over.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

PLOT_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
"""The format a ``--plot`` file's extension names (matplotlib writes each)."""


def figure_bytes(fig, path: str | Path, dpi: int) -> bytes:
    """The matplotlib figure ``fig`` as the bytes of the format ``path``'s extension names
    (:data:`PLOT_FORMATS`; a name without an extension: PNG).

    Raises:
        ValueError: the extension names a format not in :data:`PLOT_FORMATS`.
    """
    import io

    suffix = Path(path).suffix.lower()
    if suffix and suffix not in PLOT_FORMATS:
        raise ValueError(f"{path}: a picture is written as {', '.join(PLOT_FORMATS)}, not {suffix}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format=PLOT_FORMATS.get(suffix, "png"), dpi=dpi)
    return buffer.getvalue()


def write_figure(fig, path: str | Path, dpi: int) -> None:
    """Write ``fig`` to ``path`` (atomically) as :func:`figure_bytes` says."""
    write_atomic(path, figure_bytes(fig, path, dpi))


def is_regular_or_absent(path: str | Path) -> bool:
    """Whether ``path`` (through symbolic links) is a regular file or nothing: where a file can be
    renamed into place and then appended to."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True


def write_atomic(path: str | Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8) to ``path`` as the module's docstring says.

    Raises:
        OSError: the file cannot be written (the old one, if any, is left as it was).
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    path = Path(path)
    try:
        old = os.stat(path)
    except FileNotFoundError:
        old = None
    if old is not None and not stat.S_ISREG(old.st_mode):
        with open(path, "wb") as handle:  # a pipe, a device: the reader is at the other end
            handle.write(data)
        return
    target = Path(os.path.realpath(path))  # replace what a link points to, not the link
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if old is not None:
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
            with contextlib.suppress(OSError):  # only a privileged writer can give the file back
                os.chown(tmp, old.st_uid, old.st_gid)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
