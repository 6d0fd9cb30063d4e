"""Guard against Qt bindings whose cross-thread signals corrupt reference counts (seen with
PySide6 6.12.0: the app aborted with 'deallocating None' during live preview)."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import os, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QApplication
app = QApplication([])
class Emitter(QThread):
    number = Signal(int)
    thing = Signal(object)
    def run(self):
        for k in range(20000):
            self.number.emit(k)
            self.thing.emit((k, None, True))
got = []
t = Emitter()
t.number.connect(got.append)
t.thing.connect(lambda x: None)
t.start()
end = time.time() + 60
while t.isRunning() and time.time() < end:
    app.processEvents()
app.processEvents()
print("received", len(got))
"""


def test_many_signals_from_a_worker_thread_arrive_without_crashing() -> None:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-1500:]
    assert "received 20000" in out.stdout
