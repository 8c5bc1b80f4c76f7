"""A throwaway PostgreSQL server from the system's binaries, for tests and bench/.

`PostgresServer.launch()` runs initdb in a new temporary folder, starts the server
on a free loopback port (trust auth, user `accord`, ``fsync=off``) and creates a
database; `close()` stops it and removes the folder. As root the server binaries run
as the `postgres` user through runuser (initdb refuses root), in a folder that user
can reach. tests/conftest.py wraps it in the session fixture; bench/realistic.py
uses it as it is.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PG_DATABASE", "PG_USER", "PostgresServer", "PostgresUnavailable"]


PG_USER = "accord"
PG_DATABASE = "accord_test"


def find_postgres_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/<ver>/bin with initdb and pg_ctl, else PATH."""
    found: list[tuple[tuple[int, ...], Path]] = []
    for bindir in Path("/usr/lib/postgresql").glob("*/bin"):
        if not all(os.access(bindir / tool, os.X_OK) for tool in ("initdb", "pg_ctl")):
            continue
        try:
            version = tuple(int(part) for part in bindir.parent.name.split("."))
        except ValueError:
            continue
        found.append((version, bindir))
    if found:
        return max(found)[1]
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(pg_ctl).parent
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _others_can_traverse(path: Path) -> bool:
    """True if every directory from / down to `path` is searchable by others."""
    for part in [path, *path.parents]:
        if not part.stat().st_mode & stat.S_IXOTH:
            return False
    return True


class PostgresServer:
    """A throwaway PostgreSQL cluster on 127.0.0.1:<port>, trust auth, user `accord`.

    As root the server binaries run as the `postgres` user via runuser (initdb
    refuses root); otherwise they run directly.
    """

    def __init__(self, bindir: Path, base: Path, run_as: str | None) -> None:
        self.bindir = bindir
        self.base = base  # also the unix-socket directory
        self.datadir = base / "data"
        self.logfile = base / "server.log"
        self.run_as = run_as
        self.port = 0
        self.running = False
        self.database = PG_DATABASE

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the server's database."""
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/{self.database}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def _run(self, tool: str, *args: str, as_server_user: bool = True) -> None:
        cmd = [str(self.bindir / tool), *args]
        if as_server_user and self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C")
        res = subprocess.run(
            cmd, cwd=self.base, env=env, capture_output=True, text=True, timeout=120
        )
        if res.returncode != 0:
            raise RuntimeError(
                f"{' '.join(cmd)} exited with {res.returncode}\n{res.stdout}{res.stderr}"
                f"\n--- server log ---\n{self.log_tail()}"
            )

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.datadir), "-A", "trust", "-U", PG_USER,
            "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        """Start the server (on the same port as before); no-op when running."""
        if self.running:
            return
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", "-D", str(self.datadir), "-l", str(self.logfile),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`pg_ctl stop -m fast`); no-op when stopped."""
        if not self.running:
            return
        self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "-t", "60", "stop")
        self.running = False

    def restart(self) -> None:
        """Stop, then start again on the same port: open connections die."""
        self.stop()
        self.start()

    def create_database(self, name: str = PG_DATABASE) -> None:
        self._run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", PG_USER, name,
            as_server_user=False,
        )  # fmt: skip

    @classmethod
    def launch(cls, database: str = PG_DATABASE, parent: Path | None = None) -> PostgresServer:
        """A running server with `database`, in a new folder under `parent` (the
        system's temporary folder by default).

        Raises:
            PostgresUnavailable: the binaries, or as root the `postgres` user or
                runuser, are missing (the reason says which).
        """
        bindir = find_postgres_bindir()
        if bindir is None:
            raise PostgresUnavailable(
                "PostgreSQL server binaries not found (apt-get install postgresql)"
            )
        run_as: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    "running as root but there is no `postgres` user for initdb"
                ) from None
            if shutil.which("runuser") is None:
                raise PostgresUnavailable("running as root but `runuser` is missing")
            run_as = "postgres"
        root = parent or Path(tempfile.gettempdir())
        if run_as and not _others_can_traverse(root):
            root = Path("/tmp")
        base = Path(tempfile.mkdtemp(prefix="accord-pg-", dir=root))
        server = cls(bindir, base, run_as)
        server.database = database
        try:
            if run_as:
                owner = pwd.getpwnam(run_as)
                os.chown(base, owner.pw_uid, owner.pw_gid)
            server.init()
            for attempt in range(3):  # the free port can be taken before the server binds it
                server.port = free_port()
                try:
                    server.start()
                    break
                except RuntimeError:
                    if attempt == 2:
                        raise
            server.create_database(database)
        except BaseException:
            server.close()
            raise
        return server

    def close(self) -> None:
        """Stop the server (immediately if a fast stop fails) and remove its folder."""
        try:
            self.stop()
        except RuntimeError:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


class PostgresUnavailable(RuntimeError):
    """This machine cannot run a throwaway server; the message says why."""
