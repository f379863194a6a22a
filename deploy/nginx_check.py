"""`nginx -t` on the shipped deploy/nginx.conf, as CI runs it: `python3 deploy/nginx_check.py`.

deploy/nginx.conf is meant for nginx's http context and includes the operator's
snippets/booking-tls.conf. This wraps the file, unchanged, in a throw-away nginx.conf (its own
prefix, pid, logs and temp paths, so it needs neither root nor /etc/nginx) next to a self-signed
certificate, and asks the installed nginx whether it accepts it. tests/test_nginx.py starts nginx
with the same wrapper."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent / "nginx.conf"


def nginx_binary() -> str | None:
    """NGINX from the environment, else Debian's /usr/sbin/nginx, else the PATH's."""
    for candidate in (os.environ.get("NGINX"), "/usr/sbin/nginx", shutil.which("nginx")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def prepare(prefix: Path, *, config: Path = SHIPPED) -> Path:
    """The wrapper nginx.conf in `prefix` around `config` (included as it is); returns its path."""
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / temp).mkdir(parents=True, exist_ok=True)
    (prefix / "snippets").mkdir(exist_ok=True)
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=booking.example.com",
            "-keyout",
            str(prefix / "tls.key"),
            "-out",
            str(prefix / "tls.crt"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    (prefix / "snippets" / "booking-tls.conf").write_text(
        f"ssl_certificate {prefix / 'tls.crt'};\nssl_certificate_key {prefix / 'tls.key'};\n"
    )
    # Debian's http context includes the types of files (static files served with their own).
    types = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    wrapper = prefix / "nginx.conf"
    wrapper.write_text(
        f"""pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 512; }}
http {{
    {types}
    access_log off;
    client_body_temp_path {prefix / "body"};
    proxy_temp_path {prefix / "proxy"};
    fastcgi_temp_path {prefix / "fastcgi"};
    uwsgi_temp_path {prefix / "uwsgi"};
    scgi_temp_path {prefix / "scgi"};
    include {config};
}}
"""
    )
    return wrapper


def main() -> int:
    nginx = nginx_binary()
    if nginx is None:
        print("nginx is not installed (apt-get install nginx)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="nginx-check-") as tmp:
        prefix = Path(tmp)
        wrapper = prepare(prefix)
        result = subprocess.run(
            [nginx, "-t", "-q", "-p", str(prefix), "-c", str(wrapper)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    version = subprocess.run([nginx, "-v"], capture_output=True, text=True, check=False)
    print(version.stderr.strip())
    print(result.stderr.strip() or f"{SHIPPED}: nginx -t ok")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
