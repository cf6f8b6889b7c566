"""Hand freed memory back to the operating system after a large read.

Reading a country's boundaries or a large tip-off file allocates hundreds of MB of temporaries.
Python frees them, but glibc's allocator and pyarrow's memory pool keep the freed pages for
reuse, so the server's resident memory stays at its peak (measured after loading the
10,600-commune country: 677 MB, 382 MB once glibc's heap is trimmed; a table read: 403 MB, 330 MB
once pyarrow's pool lets go). The loaders call :func:`release` once after such a read; where
glibc is absent (macOS, musl) only pyarrow's pool is asked.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import sys

# glibc gives each thread that finds the heap busy an arena of its own, up to 8 per core, and
# freed memory stays spread over them: a served country map measured 339–421 MB of RSS after a
# visit and a district change (4 runs), 332–349 MB with 2 arenas (warm visits 1.41–1.60 s and
# 1.52–1.68 s in those runs, within this machine's spread). The GIL serialises most of Python's
# allocations anyway.
ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


@functools.cache
def _libc(name: str):
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return getattr(libc, name)
    except (OSError, AttributeError):  # not glibc
        return None


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Let the C heap use at most ``arenas`` arenas; call before the server starts its threads.

    An administrator's own MALLOC_ARENA_MAX is left as it is. True when glibc took the setting.
    """
    mallopt = _libc("mallopt")
    if mallopt is None or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    return bool(mallopt(_M_ARENA_MAX, arenas))


def release() -> bool:
    """Return the free pages of pyarrow's pool and of the C heap; True when the heap could be trimmed."""
    pa = sys.modules.get("pyarrow")
    if pa is not None:  # never imported here just to release it
        pa.default_memory_pool().release_unused()
    trim = _libc("malloc_trim")
    if trim is None:
        return False
    trim(0)
    return True
