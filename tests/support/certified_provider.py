"""The OpenID-certified ``oidc-provider`` (Node, from the npm registry) as a test provider.

It is not built on Authlib, so a round trip through it proves interoperability rather than
agreement between two copies of one library. ``tests/support/node_provider/`` holds its
``package.json`` and ``package-lock.json``; ``node_modules`` is not committed: the first test that
needs it runs ``npm ci`` (a fresh clone in CI needs only the npm registry).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from core.localnet import wait_until_up
from tests.support.ci import unavailable

NODE_PROVIDER_DIR = Path(__file__).parent / "node_provider"


def install_node_provider() -> None:
    """``npm ci`` once, when ``node_modules`` is missing (as in a fresh clone); parallel test
    processes wait for the one that installs."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        unavailable("Node.js and npm are needed for the oidc-provider tests")
    with (NODE_PROVIDER_DIR / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (NODE_PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
            _npm_ci()


def _npm_ci() -> None:
    result = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund"],
        cwd=NODE_PROVIDER_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        unavailable(f"npm ci failed in {NODE_PROVIDER_DIR}: {result.stderr[-2000:]}")


class CertifiedProvider:
    """``node provider.mjs`` on 127.0.0.1:``port`` with the given clients and accounts."""

    def __init__(self, port: int, clients: list[dict], accounts: list[dict]) -> None:
        install_node_provider()
        self.port = port
        self.issuer = f"http://127.0.0.1:{port}"
        config = {"port": port, "clients": clients, "accounts": accounts}
        self.log_path = Path(tempfile.mkstemp(prefix="oidc-provider-", suffix=".log")[1])
        self._log = self.log_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            ["node", "provider.mjs"],
            cwd=NODE_PROVIDER_DIR,
            env={**os.environ, "OIDC_TEST_CONFIG": json.dumps(config)},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(self.issuer + "/.well-known/openid-configuration")
        except Exception:
            self.stop()
            raise

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8") if self.log_path.exists() else ""

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()
        self.log_path.unlink(missing_ok=True)
