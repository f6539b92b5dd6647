"""A private Secret Service for the tests: its own D-Bus daemon and gnome-keyring, both our children.

The bus activates nothing, so a call made while the keyring daemon is gone fails at once instead of
starting a locked keyring (and a prompter) that answers only after D-Bus timeouts. A watcher restarts a
keyring daemon that exits and unlocks the same keyring file again, so stored secrets survive; every such
restart is kept, with the daemon's exit status and last messages, for the end-of-run summary.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

UNLOCK_PASSWORD = "test-unlock"
SECRETS_NAME = "org.freedesktop.secrets"
START_TIMEOUT_S = 30.0
PING_TIMEOUT_S = 5.0

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

INCIDENTS: list[str] = []  # every restart of a private Secret Service in this run, for the summary


@dataclass
class PrivateSecretService:
    """One D-Bus session bus with one gnome-keyring-daemon (unlocked, or left locked), kept alive."""

    unlock: bool
    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="cqlscope-keyring-")))
    env: dict[str, str] = field(default_factory=dict)
    _bus: subprocess.Popen[str] | None = None
    _daemon: subprocess.Popen[bytes] | None = None
    _closing: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> dict[str, str]:
        """Start the bus and the keyring daemon; the returned environment is updated in place on restarts."""
        for tool in ("dbus-daemon", "gnome-keyring-daemon"):
            if shutil.which(tool) is None:
                raise RuntimeError(f"{tool} is missing: run 'make test' (it installs gnome-keyring and dbus-daemon)")
        (self.base / "data").mkdir(exist_ok=True)
        (self.base / "run").mkdir(mode=0o700, exist_ok=True)
        self._start_bus()
        self._start_daemon()
        threading.Thread(target=self._watch, name="secret-service-watcher", daemon=True).start()
        return self.env

    def close(self) -> None:
        """Stop the daemon and the bus, and remove their files."""
        self._closing = True
        for process in (self._daemon, self._bus):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        shutil.rmtree(self.base, ignore_errors=True)

    def answers(self) -> bool:
        """Whether the keyring daemon itself answers a D-Bus ping within PING_TIMEOUT_S."""
        from jeepney import DBusAddress, MessageType, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        ping = new_method_call(DBusAddress("/org/freedesktop/secrets", bus_name=SECRETS_NAME,
                                           interface="org.freedesktop.DBus.Peer"), "Ping")
        try:
            with open_dbus_connection(self.env["DBUS_SESSION_BUS_ADDRESS"]) as connection:
                reply = connection.send_and_get_reply(ping, timeout=PING_TIMEOUT_S)
        except (OSError, TimeoutError, ValueError, KeyError):
            return False
        return reply.header.message_type == MessageType.method_return

    def ensure_answering(self) -> None:
        """Restart whatever no longer answers (a hung daemon is killed first), recording why."""
        if self.answers():
            return
        with self._lock:  # the watcher, woken by the kill, then finds the new daemon and records nothing more
            daemon = self._daemon
            if daemon is not None and daemon.poll() is None:
                self._record("the keyring daemon was running but did not answer within "
                             f"{PING_TIMEOUT_S:.0f} s; killed and restarted")
                daemon.kill()
                daemon.wait()
            self._revive_locked()

    def daemon_log(self, lines: int = 20) -> str:
        """The keyring daemon's last messages (it writes them to a file of its own)."""
        log = self.base / "gnome-keyring.log"
        try:
            return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    # -- the two processes ------------------------------------------------------------------------

    def _start_bus(self) -> None:
        socket = self.base / "bus"
        socket.unlink(missing_ok=True)
        config = self.base / "bus.conf"
        config.write_text(_BUS_CONFIG.format(socket=socket))
        self._bus = subprocess.Popen(["dbus-daemon", "--nofork", f"--config-file={config}", "--print-address=1"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self._bus.stdout is not None
        address = self._bus.stdout.readline().strip()
        if not address:
            raise RuntimeError(f"dbus-daemon did not start (exit status {self._bus.wait(timeout=10)})")
        self.env.update({"DBUS_SESSION_BUS_ADDRESS": address, "XDG_DATA_HOME": str(self.base / "data"),
                         "XDG_RUNTIME_DIR": str(self.base / "run")})

    def _start_daemon(self) -> None:
        command = ["gnome-keyring-daemon", "--foreground", "--unlock" if self.unlock else "--start",
                   "--components=secrets"]
        with open(self.base / "gnome-keyring.log", "ab") as log:
            daemon = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=log, stderr=log,
                                      env={**os.environ, **self.env})
        assert daemon.stdin is not None
        if self.unlock:
            daemon.stdin.write(UNLOCK_PASSWORD.encode())
        daemon.stdin.close()
        self._daemon = daemon
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.answers():
            if daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gnome-keyring-daemon did not start (exit status {daemon.poll()}):\n"
                                   f"{self.daemon_log()}")
            time.sleep(0.05)

    def _watch(self) -> None:
        """Restart the daemon whenever it exits before close()."""
        while not self._closing:
            daemon = self._daemon
            if daemon is None:
                return
            status = daemon.wait()
            with self._lock:
                if self._closing or daemon is not self._daemon:
                    continue
                self._record(f"gnome-keyring-daemon exited with status {status}")
                self._revive_locked()

    def _revive_locked(self) -> None:
        if self._closing:
            return
        if self._bus is None or self._bus.poll() is not None:
            self._record("the private D-Bus daemon had exited; a new bus was started")
            old_address = self.env.get("DBUS_SESSION_BUS_ADDRESS")
            self._start_bus()
            if os.environ.get("DBUS_SESSION_BUS_ADDRESS") == old_address:  # the run's own, exported keyring
                os.environ.update(self.env)
        if self._daemon is None or self._daemon.poll() is not None:
            self._start_daemon()

    def _record(self, what: str) -> None:
        log = self.daemon_log()
        INCIDENTS.append(f"{what} (at {time.strftime('%H:%M:%S')})" + (f"; its last messages:\n{log}" if log else ""))
