"""A kernel client that sees a freshly forked kernel is ready without fixed waits.

jupyter_client's ``wait_for_ready`` sends ``kernel_info`` until a reply comes and
IOPub has carried a message (waiting 0.2 s for it each round), then drains IOPub
until it has been quiet for 0.2 s. A kernel forked from the grader's zygote
answers within milliseconds, so those fixed waits were most of its start-up
(about 0.4 s of 0.75 s per notebook). ``QuickStartClient`` checks the same two
things, polling IOPub in short steps and sending ``kernel_info`` again at once
when IOPub was not yet connected. nbclient matches every IOPub message to the
request it executes, so a late status message of a ``kernel_info`` is ignored.
"""

from __future__ import annotations

import math
import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient

#: How long one look at IOPub waits for the kernel's status message (s).
IOPUB_STEP = 0.02
#: How many steps before ``kernel_info`` is sent again (IOPub may not have been connected).
IOPUB_STEPS = 10


class QuickStartClient(AsyncKernelClient):
    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Return once the kernel has answered ``kernel_info`` on the shell channel and a
        message has come through IOPub; raise ``RuntimeError`` if it died or ``timeout``
        seconds passed."""
        deadline = time.monotonic() + (math.inf if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                if await self._iopub_delivers():
                    self._handle_kernel_info_reply(reply)
                    break
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while await self._iopub_delivers(steps=1):
            pass  # drop the status messages of the kernel_info requests

    async def _iopub_delivers(self, steps: int = IOPUB_STEPS) -> bool:
        for _ in range(steps):
            try:
                await self.iopub_channel.get_msg(timeout=IOPUB_STEP)
                return True
            except Empty:
                continue
        return False
