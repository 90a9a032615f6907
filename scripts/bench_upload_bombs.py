"""Time and memory of ``feedback.uploads.process_upload`` on pixel bombs and on big but legal photos.

Each scenario runs in a fresh Python process (so one scenario's peak does not hide the next one's): the
process reads its file, notes its resident memory, then checks the file N times in parallel threads (as a
threaded web process would) and reports the wall time and how far its peak resident memory (``VmHWM`` in
``/proc/self/status``) rose above the level before the uploads. The test files are made once with Pillow
and zlib under ``.cache/bench_uploads/``.

Scenarios:

- ``bomb``: a 9,400 × 9,400 RGBA PNG of zeros, about 343 KB on disk, 88 megapixels (just under Pillow's
  own limit of 89.5 MP, so Pillow alone lets it through).
- ``jpeg12``, ``jpeg24``, ``jpeg50``: phone photos of 12 MP (4032 × 3024), 24 MP (5712 × 4284, an
  iPhone 15's default) and 50 MP (8160 × 6120, a high-resolution mode).
- ``png24``: a 24 MP PNG screenshot-like picture (6000 × 4000), under the 8 MB upload limit.

Run from the project root::

    .venv/bin/python scripts/bench_upload_bombs.py                # every scenario, 4 in parallel
    .venv/bin/python scripts/bench_upload_bombs.py bomb --parallel 4

Through the real ``/gop-y/`` form on gunicorn (production settings, one worker process with
``--parallel`` threads, a SQLite file of its own, restarted for each scenario; the worker's ``VmHWM`` is read
from ``/proc``; servers and database are prepared as ``scripts/load_feedback.py`` does)::

    .venv/bin/python scripts/bench_upload_bombs.py --endpoint --port 18200

To measure another version of the module (for before/after figures)::

    git show HEAD:feedback/uploads.py > /tmp/uploads_before.py
    .venv/bin/python scripts/bench_upload_bombs.py --module-file /tmp/uploads_before.py

Figures are in ``docs/feedback.md`` (Uploads).
"""

import argparse
import importlib.util
import io
import json
import os
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from benchlib import positive_int, run_in_threads  # noqa: E402

CACHE = ROOT / ".cache" / "bench_uploads"
SCENARIOS = {
    "bomb": ("bomb-9400x9400.png", "a 9,400 × 9,400 RGBA PNG of zeros (pixel bomb)"),
    "jpeg12": ("photo-4032x3024.jpg", "12 MP phone JPEG (4032 × 3024)"),
    "jpeg24": ("photo-5712x4284.jpg", "24 MP phone JPEG (5712 × 4284)"),
    "jpeg50": ("photo-8160x6120.jpg", "50 MP phone JPEG (8160 × 6120)"),
    "png24": ("screen-6000x4000.png", "24 MP PNG (6000 × 4000)"),
}


# --- Test files ---


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_png_bomb(path, side=9400):
    """An RGBA PNG of zeros, compressed row by row (never the 353 MB of pixels in memory at once)."""
    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + 4 * side)  # filter byte + RGBA
    parts = [compressor.compress(row) for _ in range(side)]
    parts.append(compressor.flush())
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )


def _picture(size):
    """A photo-like picture: colour gradients with some grain, so encoders have real work to do."""
    from PIL import Image

    red = Image.linear_gradient("L").resize(size)
    green = Image.radial_gradient("L").resize(size)
    blue = Image.effect_noise(size, 24)
    return Image.merge("RGB", (red, green, blue))


def write_jpeg(path, size):
    _picture(size).save(path, "JPEG", quality=80)


def write_png(path, size):
    from PIL import Image

    red = Image.linear_gradient("L").resize(size)
    Image.merge("RGB", (red, red.transpose(Image.Transpose.ROTATE_180), red)).save(path, "PNG")


def make_file(scenario):
    name = SCENARIOS[scenario][0]
    path = CACHE / name
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part" + path.suffix)
    if scenario == "bomb":
        write_png_bomb(partial)
    elif scenario.startswith("jpeg"):
        write_jpeg(partial, tuple(int(n) for n in name.split("-")[1].split(".")[0].split("x")))
    else:
        write_png(partial, (6000, 4000))
    partial.rename(path)
    return path


# --- One scenario, in a fresh process ---


def _status_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def _load_module(module_file):
    if not module_file:
        from feedback import uploads

        return uploads
    spec = importlib.util.spec_from_file_location("uploads_under_test", module_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_child(path, parallel, module_file):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    uploads = _load_module(module_file)
    data = Path(path).read_bytes()
    results = [None] * parallel
    # Warm up the code paths (imports, codec set-up) on a tiny photo so only the uploads are measured.
    from PIL import Image

    tiny = io.BytesIO()
    Image.new("RGB", (8, 8)).save(tiny, "PNG")
    uploads.process_upload(SimpleUploadedFile("tiny.png", tiny.getvalue()))

    def work(index):
        with translation.override("en"):
            started = time.perf_counter()
            try:
                result = uploads.process_upload(SimpleUploadedFile(Path(path).name, data))
                outcome = f"accepted ({result.size // 1024} KB {result.content_type})"
            except ValidationError as error:
                outcome = "refused: " + " ".join(error.messages)
            results[index] = (time.perf_counter() - started, outcome)

    before = _status_kb("VmRSS")
    wall = run_in_threads(work, parallel)
    peak = _status_kb("VmHWM")
    print(
        json.dumps(
            {
                "wall_s": round(wall, 2),
                "slowest_s": round(max(r[0] for r in results), 2),
                "rss_before_mb": round(before / 1024),
                "peak_growth_mb": round((peak - before) / 1024),
                "outcomes": sorted({r[1] for r in results}),
            }
        )
    )


# --- Through the real form on gunicorn ---


def _worker_pid(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    if not children:
        raise RuntimeError("gunicorn has no worker yet")
    return int(children[0])


def _proc_kb(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def _post_file(client, index, path, data, port, statuses):
    """One citizen posts a valid form with ``data`` attached; records (HTTP status, seconds)."""
    import load_feedback

    form = client.form
    fields = list(form.hidden.items())
    fields += [(name, options[0]) for name, options in form.radios.items()]
    fields += [(name, "Ảnh chụp đoạn đường thôn 7 bị ngập sau mưa.") for name in form.textareas]
    fields += [(name, f"Thử ảnh lớn {index}") for name in form.texts if "title" in name]
    body, content_type = load_feedback.multipart(fields, [(form.files[0], path.name, "application/octet-stream", data)])
    started = time.perf_counter()
    response, _ = client.request(
        "POST",
        load_feedback.FORM_PATH,
        body=body,
        headers={
            "Content-Type": content_type,
            "X-Forwarded-For": f"10.78.{index}.1",
            "Referer": f"http://127.0.0.1:{port}/",
        },
    )
    statuses[index] = (response.status, time.perf_counter() - started)


def run_endpoint(scenarios, parallel, port):
    """Each scenario: a fresh gunicorn worker, ``parallel`` citizens posting the file at once."""
    from types import SimpleNamespace

    import load_feedback

    options = SimpleNamespace(
        database="sqlite",
        sqlite_path=CACHE / "endpoint.sqlite3",
        server="gunicorn",
        workers=1,
        threads=parallel,
    )
    env = load_feedback.server_env(options)
    env["FEEDBACK_PRIVATE_ROOT"] = str(CACHE / "private")
    load_feedback.prepare(env)
    print(f"/gop-y/ on gunicorn (production settings): 1 worker × {parallel} threads, {parallel} posts at once")
    for scenario in scenarios:
        path = make_file(scenario)
        data = path.read_bytes()
        with (CACHE / "gunicorn.log").open("w") as log:
            server = load_feedback.start_server(env, port, options, log=log)
            try:
                worker = _worker_pid(server.pid)
                clients = [load_feedback.Client("127.0.0.1", port) for _ in range(parallel)]
                for index, client in enumerate(clients):
                    client.load_form(f"10.77.{index}.1")
                before = _proc_kb(worker, "VmRSS")
                statuses = [None] * parallel

                started = time.perf_counter()
                threads = [
                    threading.Thread(target=_post_file, args=(clients[index], index, path, data, port, statuses))
                    for index in range(parallel)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                wall = time.perf_counter() - started
                peak = _proc_kb(worker, "VmHWM")
            finally:
                server.terminate()
                server.wait(timeout=30)
        codes = ", ".join(sorted({str(status) for status, _ in statuses}))
        print(
            f"{scenario:7} {SCENARIOS[scenario][1]}, {path.stat().st_size // 1024:,} KB: wall {wall:.2f} s, "
            f"worker peak RSS +{(peak - before) // 1024} MB (from {before // 1024} MB); HTTP {codes}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", help=f"Some of {', '.join(SCENARIOS)} (default: all).")
    parser.add_argument("--parallel", type=positive_int, default=4, help="Uploads checked at once (threads).")
    parser.add_argument("--module-file", help="Another uploads.py to measure (default: feedback.uploads).")
    parser.add_argument("--endpoint", action="store_true", help="Post through /gop-y/ on gunicorn instead.")
    parser.add_argument("--port", type=positive_int, default=18200, help="gunicorn's port with --endpoint.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.chdir(ROOT)
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    if args.child:
        run_child(args.child, args.parallel, args.module_file)
        return
    if args.endpoint:
        run_endpoint(args.scenarios or list(SCENARIOS), args.parallel, args.port)
        return
    print(f"{args.parallel} uploads in parallel per scenario; module: {args.module_file or 'feedback.uploads'}")
    for scenario in args.scenarios or list(SCENARIOS):
        path = make_file(scenario)
        command = [sys.executable, __file__, "--child", str(path), "--parallel", str(args.parallel)]
        if args.module_file:
            command += ["--module-file", args.module_file]
        output = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
        if output.returncode:
            print(f"{scenario}: failed\n{output.stderr[-2000:]}")
            continue
        figures = json.loads(output.stdout.strip().splitlines()[-1])
        size_kb = path.stat().st_size // 1024
        print(
            f"{scenario:7} {SCENARIOS[scenario][1]}, {size_kb:,} KB: wall {figures['wall_s']} s, "
            f"slowest {figures['slowest_s']} s, peak RSS +{figures['peak_growth_mb']} MB "
            f"(from {figures['rss_before_mb']} MB); {'; '.join(figures['outcomes'])}"
        )


if __name__ == "__main__":
    main()
