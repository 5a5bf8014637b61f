"""The project's nginx configuration: enough connections for the sockets the front proxies."""

import re

from live.nginx_config import NginxSetup, nginx_config_write


def test_the_front_holds_thousands_of_proxied_sockets(tmp_path):
    """A proxied WebSocket takes two connections; nginx's default 1024 let ~510 of B3's 2,000 sockets through."""
    setup = NginxSetup(
        work_dir=tmp_path / "nginx",
        rtmp_port=1935,
        http_port=8088,
        hook_base="http://127.0.0.1:8001",
        secret="s",
        record_dir=tmp_path / "rec",
        front_port=8000,
    )
    text = nginx_config_write(setup).read_text()

    connections = int(re.search(r"worker_connections (\d+);", text).group(1))
    files = int(re.search(r"worker_rlimit_nofile (\d+);", text).group(1))
    assert connections >= 2 * 2_000 + 100
    assert files >= 2 * connections
    assert not re.findall(r"^[^#]*@[A-Z_]+@", text, flags=re.MULTILINE)  # every placeholder filled
