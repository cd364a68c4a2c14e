"""A throwaway OpenSSH server and a tmux "terminal" that connects to it.

:class:`SshServer` runs ``sshd -D -e`` on 127.0.0.1 on a free port with a host key, a user
key and an ``authorized_keys`` made for the run in a temp folder. :class:`Phone` is the
person's side: a detached tmux session of a given size (the terminal emulator) whose pane
runs ``ssh -tt`` to that server and, there, kinship — in the SSH session's own pty, as a
login would. The screen is read with ``tmux capture-pane``; waiting means looking at it
again until the text is there or a deadline passes.
"""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

TOOLS = ("sshd", "ssh", "ssh-keygen", "tmux")
_SBIN = ("/usr/sbin", "/usr/local/sbin", "/sbin")


def find_tools() -> tuple[dict[str, str], list[str]]:
    """Absolute paths of the tools (sshd lives in sbin, often not on PATH) and what is
    missing."""
    found, missing = {}, []
    for tool in TOOLS:
        path = shutil.which(tool) or next(
            (str(Path(d, tool)) for d in _SBIN if os.access(Path(d, tool), os.X_OK)), None
        )
        if path:
            found[tool] = path
        else:
            missing.append(tool)
    return found, missing


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _nap() -> None:
    # Between two looks at the screen (or a port): the deadline bounds the wait.
    threading.Event().wait(0.05)


@dataclass
class SshServer:
    tools: dict[str, str]
    root: Path
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def key(self) -> Path:
        return self.root / "user_key"

    def start(self) -> SshServer:
        self.root.chmod(0o700)
        keygen = self.tools["ssh-keygen"]
        for name in ("host_key", "user_key"):
            subprocess.run(
                [
                    keygen,
                    "-q",
                    "-t",
                    "ed25519",
                    "-N",
                    "",
                    "-C",
                    "kinship-e2e",
                    "-f",
                    str(self.root / name),
                ],
                check=True,
            )
        auth = self.root / "authorized_keys"
        auth.write_text((self.root / "user_key.pub").read_text())
        auth.chmod(0o600)
        if os.geteuid() == 0:
            # Privilege separation needs its empty folder (made by the package's service
            # unit, which a container does not run).
            Path("/run/sshd").mkdir(mode=0o755, parents=True, exist_ok=True)
        for _attempt in range(5):
            self.port = _free_port()
            config = self.root / "sshd_config"
            config.write_text(
                "\n".join(
                    [
                        f"Port {self.port}",
                        "ListenAddress 127.0.0.1",
                        f"HostKey {self.root / 'host_key'}",
                        f"PidFile {self.root / 'sshd.pid'}",
                        f"AuthorizedKeysFile {auth}",
                        "StrictModes no",
                        "UsePAM no",
                        "PubkeyAuthentication yes",
                        "PasswordAuthentication no",
                        "KbdInteractiveAuthentication no",
                        "PermitRootLogin prohibit-password",
                        f"AllowUsers {getpass.getuser()}",
                        "X11Forwarding no",
                        "PrintMotd no",
                        "PrintLastLog no",
                        "MaxStartups 50",
                        "LogLevel INFO",
                        "",
                    ]
                )
            )
            log = (self.root / "sshd.log").open("ab")
            self.proc = subprocess.Popen(
                [self.tools["sshd"], "-D", "-e", "-f", str(config)],
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
            )
            if self._listening():
                return self
        raise RuntimeError(f"sshd did not start: {self.log()}")

    def _listening(self) -> bool:
        end = time.monotonic() + 15
        while time.monotonic() < end:
            assert self.proc is not None
            if self.proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return True
            except OSError:
                _nap()
        return False

    def log(self) -> str:
        path = self.root / "sshd.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def ssh_argv(self, remote: str) -> list[str]:
        return [
            self.tools["ssh"],
            "-F", "/dev/null",
            "-tt",
            "-p", str(self.port),
            "-i", str(self.key),
            "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=no",
            "-o", f"UserKnownHostsFile={self.root / 'known_hosts'}",
            "-o", "LogLevel=ERROR",
            f"{getpass.getuser()}@127.0.0.1",
            remote,
        ]  # fmt: skip

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def remote_kinship(db: Path, tmp: Path, **env: str) -> str:
    """The command line the server runs: this environment's kinship on ``db``, with no
    config, data or plugins of the machine's user (the SSH session's TERM is kept)."""
    import kinship

    values = {
        "KINSHIP_DB": str(db),
        "KINSHIP_CONFIG": str(tmp / "no-config.toml"),
        "XDG_DATA_HOME": str(tmp / "xdg-data"),
        "KINSHIP_NO_PLUGINS": "1",
        "PYTHONPATH": str(Path(kinship.__file__).resolve().parents[1]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "LANG": "C.UTF-8",
        **env,
    }
    assigns = " ".join(f"{k}={shlex.quote(v)}" for k, v in values.items())
    return f"exec env {assigns} {shlex.quote(sys.executable)} -m kinship"


class Phone:
    """A tmux session of ``size`` whose pane runs ``argv`` (ssh): the person's terminal."""

    def __init__(
        self,
        tools: dict[str, str],
        root: Path,
        argv: list[str],
        *,
        size: tuple[int, int] = (80, 24),
        term: str = "xterm-256color",
    ) -> None:
        self.tmux = tools["tmux"]
        self.sock = root / "tmux.sock"
        conf = root / "tmux.conf"
        conf.write_text(
            f'set -g default-terminal "{term}"\n'
            "set -g status off\n"
            "set -g escape-time 0\n"
            "set -g remain-on-exit on\n"
        )
        # tmux 3.3 sometimes marks a pane dead without ever recording its exit status (the
        # pty's end wins the race with the child's reaping): a wrapper in the pane runs ssh in
        # the foreground and writes its pid and exit status to files instead.
        self._pid_file = root / "ssh.pid"
        self._status_file = root / "ssh.status"
        wrapper = root / "run_ssh.py"
        wrapper.write_text(_WRAPPER)
        cols, rows = size
        self._run(
            "-f", str(conf), "new-session", "-d", "-s", "e2e", "-x", str(cols), "-y", str(rows),
            shlex.join([sys.executable, str(wrapper), str(self._pid_file),
                        str(self._status_file), *argv]),
        )  # fmt: skip
        self.fault_at: float | None = None

    def _run(self, *args: str) -> str:
        done = subprocess.run(
            [self.tmux, "-S", str(self.sock), *args], capture_output=True, text=True, timeout=30
        )
        if done.returncode != 0:
            raise RuntimeError(f"tmux {args[0]}: {done.stderr.strip()}")
        return done.stdout

    def screen(self) -> str:
        return self._run("capture-pane", "-p", "-t", "e2e")

    def wait_for(self, *texts: str, timeout: float = 30.0, gone: bool = False) -> str:
        """Wait until one of ``texts`` is on the screen (``gone``: none of them is)."""
        end = time.monotonic() + timeout
        while True:
            shown = self.screen()
            hits = [t for t in texts if t in shown]
            if (hits and not gone) or (gone and not hits):
                return hits[0] if hits else ""
            if time.monotonic() > end:
                state = "still shows" if gone else "never showed"
                raise AssertionError(f"the screen {state} {texts!r}:\n{shown}")
            _nap()

    def keys(self, *keys: str) -> None:
        """tmux key names (``Enter``, ``Escape``, ``C-s``, ``Tab`` …)."""
        self._run("send-keys", "-t", "e2e", *keys)

    def type(self, text: str) -> None:
        self._run("send-keys", "-t", "e2e", "-l", "--", text)

    def ssh_pid(self) -> int:
        end = time.monotonic() + 30
        while not self._pid_file.exists() or not self._pid_file.read_text().strip():
            if time.monotonic() > end:
                raise AssertionError("ssh never started")
            _nap()
        return int(self._pid_file.read_text())

    def kill_ssh(self) -> None:
        """The connection drops: the ssh client dies at once (SIGKILL)."""
        self.fault_at = time.monotonic()
        os.kill(self.ssh_pid(), signal.SIGKILL)

    def exit_status(self, timeout: float = 30.0) -> int:
        """The ssh client's exit status once it has ended (the remote command's)."""
        end = time.monotonic() + timeout
        while True:
            text = self._status_file.read_text() if self._status_file.exists() else ""
            if text.endswith("\n"):  # written whole
                status = int(text)
                if status < 0:
                    raise AssertionError(f"ssh was killed by signal {-status}:\n{self.screen()}")
                return status
            if time.monotonic() > end:
                raise AssertionError(f"ssh still running:\n{self.screen()}")
            _nap()

    def close(self) -> None:
        subprocess.run(
            [self.tmux, "-S", str(self.sock), "kill-server"], capture_output=True, timeout=30
        )


_WRAPPER = """\
import subprocess, sys

pid_file, status_file, *argv = sys.argv[1:]
child = subprocess.Popen(argv)  # in the foreground of the pane's terminal, as exec would be
with open(pid_file, "w") as f:
    f.write(str(child.pid))
status = child.wait()
with open(status_file, "w") as f:
    f.write(f"{status}\\n")
"""
