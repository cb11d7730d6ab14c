"""A one-node Slurm cluster on this machine, for tests: munged, slurmctld and slurmd.

Everything lives in one temporary folder: the munge key and socket, ``slurm.conf``
(free TCP ports of 127.0.0.1, this host as the only node), state, spool and logs. The
daemons run as the current user (Slurm's ``SlurmUser``), so no system configuration is
touched. ``OneNodeSlurm`` is a context manager: it stops every daemon it started when
the block ends, also when a test fails. Debian's ``slurm-wlm`` and ``munge`` packages
provide the programs.
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

PROGRAMS = ("munged", "slurmctld", "slurmd", "sbatch", "sinfo", "scontrol")
INSTALL_HINT = "apt-get install slurm-wlm munge (Debian's packages)"


def missing_programs() -> list[str]:
    return [name for name in PROGRAMS if shutil.which(name, path=_path()) is None]


def _path() -> str:
    return os.environ.get("PATH", "") + os.pathsep + "/usr/sbin:/sbin"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _memory_mib() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024 * 9 // 10
    return 4096


class OneNodeSlurm:
    """Start the three daemons in ``root``; ``env`` points Slurm's commands at them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.conf = root / "slurm.conf"
        self.env = {**os.environ, "SLURM_CONF": str(self.conf), "PATH": _path()}
        self._pid_files = [root / "slurmd.pid", root / "slurmctld.pid", root / "munged.pid"]

    def __enter__(self) -> OneNodeSlurm:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self, *command: str) -> None:
        subprocess.run(command, env=self.env, check=True, capture_output=True, timeout=60)

    def _start(self) -> None:
        root, host, user = self.root, socket.gethostname(), getpass.getuser()
        for name in ("state", "spool"):
            (root / name).mkdir(parents=True)
        key = root / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        socket_path = root / "munge.sock"
        self._run(
            "munged",
            "--force",
            f"--socket={socket_path}",
            f"--key-file={key}",
            f"--log-file={root / 'munged.log'}",
            f"--pid-file={root / 'munged.pid'}",
            f"--seed-file={root / 'munged.seed'}",
        )
        self.conf.write_text(
            "\n".join(
                [
                    "ClusterName=in5400test",
                    f"SlurmctldHost={host}(127.0.0.1)",
                    f"SlurmUser={user}",
                    f"SlurmdUser={user}",
                    "AuthType=auth/munge",
                    f"AuthInfo=socket={socket_path}",
                    "CredType=cred/munge",
                    f"SlurmctldPort={_free_port()}",
                    f"SlurmdPort={_free_port()}",
                    f"StateSaveLocation={root / 'state'}",
                    f"SlurmdSpoolDir={root / 'spool'}",
                    f"SlurmctldPidFile={root / 'slurmctld.pid'}",
                    f"SlurmdPidFile={root / 'slurmd.pid'}",
                    f"SlurmctldLogFile={root / 'slurmctld.log'}",
                    f"SlurmdLogFile={root / 'slurmd.log'}",
                    "ProctrackType=proctrack/linuxproc",
                    "TaskPlugin=task/none",
                    "SelectType=select/cons_tres",
                    "SelectTypeParameters=CR_Core",
                    "MpiDefault=none",
                    "ReturnToService=2",
                    "JobCompType=jobcomp/none",
                    "AccountingStorageType=accounting_storage/none",
                    "JobAcctGatherType=jobacct_gather/none",
                    f"NodeName={host} NodeAddr=127.0.0.1 CPUs={os.cpu_count() or 1} "
                    f"RealMemory={_memory_mib()} State=UNKNOWN",
                    "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
                    "",
                ]
            )
        )
        self._run("slurmctld", "-f", str(self.conf), "-i")
        self._run("slurmd", "-f", str(self.conf))
        self._wait_until_idle()

    def _wait_until_idle(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        state = ""
        while time.monotonic() < deadline:
            probe = subprocess.run(
                ["sinfo", "--noheader", "--format=%T"], env=self.env, capture_output=True, text=True
            )
            state = probe.stdout.strip()
            if state == "idle":
                return
            time.sleep(0.5)
        raise RuntimeError(f"the Slurm node did not become idle (state {state!r}): {self.logs()}")

    def logs(self) -> str:
        parts = []
        for name in ("slurmctld.log", "slurmd.log", "munged.log"):
            path = self.root / name
            if path.exists():
                parts.append(f"--- {name}\n" + "\n".join(path.read_text().splitlines()[-15:]))
        return "\n".join(parts)

    def stop(self) -> None:
        """Stop every daemon started here (by its pid file) and wait until each is gone."""
        for pid_file in self._pid_files:
            try:
                pid = int(pid_file.read_text().strip())
            except (OSError, ValueError):
                continue
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.1)
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (our own exited child) counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False
