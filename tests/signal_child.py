"""A ``sourcing`` command run with a signal sent to itself at a chosen moment (for test_output_safety).

    python -m tests.signal_child WHEN DELAY SIGNAL COMMAND...

WHEN is ``solve`` (a thread sends SIGNAL DELAY seconds after HiGHS's run begins), ``renamed`` (right
after the output file is renamed into place), ``before-rename`` (just before), or ``rename-fails``
(before a rename that then fails).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time


def main() -> None:
    when, delay, how, *command = sys.argv[1:]
    signum = getattr(signal, how)

    def send() -> None:
        time.sleep(float(delay))
        os.kill(os.getpid(), signum)

    if when == "solve":
        import highspy

        run = highspy.Highs.run

        def signalled_run(self, *args, **kwargs):
            threading.Thread(target=send, daemon=True).start()
            return run(self, *args, **kwargs)

        highspy.Highs.run = signalled_run
    else:
        replace = os.replace

        def signalled_replace(src, dst, *args, **kwargs):
            if when in ("before-rename", "rename-fails"):
                os.kill(os.getpid(), signum)
            if when == "rename-fails":
                raise OSError(28, "No space left on device")
            replace(src, dst, *args, **kwargs)
            if when == "renamed":
                os.kill(os.getpid(), signum)

        os.replace = signalled_replace
    from sourcing.cli import main as cli

    sys.argv = ["sourcing", *command]
    cli()


if __name__ == "__main__":
    main()
