"""The JupyterHub that tests/hub/test_hub.py starts: loopback only, its own proxy.

A class in miniature: students log in through the dummy authenticator (one shared
password), each gets a single-user Jupyter server of their own with a home folder of
their own, and the lessons are handed out into that home before the server starts, as an
nbgitpuller link does on a real Hub. The test sets the TUNELAB_HUB_* variables below.
"""

import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub provides it when it loads this file)
env = os.environ
state = Path(env["TUNELAB_HUB_DIR"])

c.JupyterHub.bind_url = f"http://127.0.0.1:{env['TUNELAB_HUB_PORT']}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{env['TUNELAB_HUB_API_PORT']}"
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")

# configurable-http-proxy from npm (`make hub` installs it into .venv/node).
c.ConfigurableHTTPProxy.command = [env["TUNELAB_HUB_PROXY"]]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['TUNELAB_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = env["TUNELAB_HUB_PASSWORD"]
c.Authenticator.allowed_users = set(env["TUNELAB_HUB_STUDENTS"].split())

# Every student's server is a process of the current user with its own home folder: no
# system accounts needed, so the test runs on a laptop as on CI (where it is root).
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(state / "home" / "{username}")
c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
c.Spawner.args = ["--allow-root"] if os.getuid() == 0 else []
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab/tree/tunelab/notebooks/00_start_here.ipynb"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180


def hand_out_lessons(spawner):
    lessons = Path(spawner.home_dir) / "tunelab" / "notebooks"
    if not lessons.exists():
        shutil.copytree(env["TUNELAB_HUB_LESSONS"], lessons)


c.Spawner.pre_spawn_hook = hand_out_lessons
