"""Just enough of the Chrome DevTools Protocol to click through a page in headless Chromium, with no client library.

Chromium started with `--remote-debugging-pipe` reads commands from its fd 3 and writes replies and events to
its fd 4, each a JSON text ended by a NUL byte.  A shell between us and Chromium puts our pipe ends on those
numbers (`3<&N 4>&M`; bash, as dash takes one-digit descriptors only), so nothing here moves its own.
"""

from __future__ import annotations

import base64
import json
import os
import select
import subprocess
import time
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,900",
]  # fmt: skip


class Browser:
    """One headless Chromium with one page, driven over the pipe; a context manager that ends it."""

    def __init__(self, chromium: str, profile: Path, timeout: float = 30.0) -> None:
        to_read, self._to_chromium = os.pipe()
        self._from_chromium, to_write = os.pipe()
        command = " ".join([chromium, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"])
        self.process = subprocess.Popen(
            ["bash", "-c", f"exec {command} 3<&{to_read} 4>&{to_write}"],
            pass_fds=(to_read, to_write), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(to_read)
        os.close(to_write)
        self.timeout = timeout
        self._buffer = b""
        self._next = 0
        self.session = ""
        #: uncaught exceptions of the page's scripts, as Chromium reported them
        self.errors: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable")
        self.call("Runtime.enable")

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self._to_chromium)
        os.close(self._from_chromium)
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_chromium], [], [], left)[0]:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._from_chromium, 1 << 16)
            if not chunk:
                raise EOFError("chromium closed its pipe")
            self._buffer += chunk
        text, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(text)
        if message.get("method") == "Runtime.exceptionThrown":
            self.errors.append(message["params"]["exceptionDetails"])
        return message

    def _send(self, method: str, params: dict[str, Any]) -> int:
        self._next += 1
        command: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if self.session:
            command["sessionId"] = self.session
        os.write(self._to_chromium, json.dumps(command).encode() + b"\0")
        return self._next

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command and wait for its reply; events that come meanwhile are dropped."""
        number = self._send(method, params)
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._message(deadline)
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    def open(self, url: str) -> None:
        """Navigate and wait until the page has loaded."""
        number = self._send("Page.navigate", {"url": url})
        deadline = time.monotonic() + self.timeout
        replied = loaded = False
        while not (replied and loaded):
            message = self._message(deadline)
            replied = replied or message.get("id") == number
            loaded = loaded or message.get("method") == "Page.loadEventFired"

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page."""
        reply = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in reply:
            raise RuntimeError(reply["exceptionDetails"])
        return reply["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click (press and release) in the middle of the first element matching `selector`."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2, r.width * r.height]; })()"
        )
        assert box[2] > 0, f"{selector} is not shown: a click would land elsewhere"
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)

    def type(self, selector: str, text: str) -> None:
        """Click into a field and type `text` as the keyboard would insert it."""
        self.click(selector)
        self.call("Input.insertText", text=text)

    def key(self, key: str, command: str, modifiers: int = 0) -> None:
        """A key pressed with the editing command it stands for (`selectAll`, `deleteBackward`)."""
        self.call("Input.dispatchKeyEvent", type="keyDown", key=key, modifiers=modifiers, commands=[command])

    def screenshot(self) -> bytes:
        return base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
