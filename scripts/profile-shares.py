"""Where the machine's time goes while the reference lookup is saturated.

    perf script -i perf.data | python3 scripts/profile-shares.py SERVER_PID BENCH_PID

Reads `perf script`'s samples (system-wide, with call stacks) and prints two
Markdown tables: the share of every sample by process (the server, the bench
client, PostgreSQL, the rest), then the server's samples by part of the
request path.

A server sample belongs to the part named by the innermost frame of its stack
that names a part of the request path (the session read, the avis query, the
checks, the access log, the server-function machinery…). A sample with no
such frame goes to the innermost frame's layer beneath (SQLite, the pool,
hyper, tokio, the allocator). A sample in the kernel (a system call: the
socket, a thread's wake-up) goes to the part or layer that made the call, and
is counted again in the last column. Futures are polled inside their
callers, so the driver's work for a query is inside that query's frame; on
SQLite the engine runs on sqlx's worker threads, whose stacks do not say which
query they serve.
"""
import collections
import re
import sys

# Parts of the request path: the first whose pattern matches, innermost frame first.
PARTS = [
    ("session read (one point query; its write at most once a minute)", r"session::find_as|session_with|hash_token"),
    ("the avis query", r"creances::lookup"),
    ("cross-site and origin checks", r"is_cross_site_post|client_address"),
    ("security headers (CSP, HSTS…)", r"add_security_headers"),
    ("metrics", r"server::metrics|metrics::"),
    ("access log, request id", r"access_log|tracing|uuid"),
    ("server function: arguments, context, answer", r"server_fn|leptos_axum|serde_urlencoded|serde_json|reactive_graph|"
     r"leptos::|any_spawner|app::api::|app::ssr::infra::context|http_policy::enforce"),
]
# Layers beneath, for the samples that name no part.
SQLITE_THREADS = "SQLite: sqlx's worker threads (the engine, the hand-offs to and from them)"
LAYERS = [
    (SQLITE_THREADS, r"sqlite3|sqlx_sqlite"),
    ("sqlx pool and driver", r"sqlx"),
    ("compression layer", r"tower_http::compression|async_compression|brotli|flate2"),
    ("HTTP/1 and routing (hyper, axum)", r"hyper|axum|matchit|tower"),
    ("the sockets and the scheduler (tokio)", r"tokio"),
    ("allocator", r"^mi_|mimalloc|malloc|free|realloc|memcpy|memmove"),
]
KERNEL = r"\[kernel"


def samples(lines):
    head, frames = None, []
    for line in lines:
        line = line.rstrip("\n")
        if not line:
            if head is not None:
                yield head, frames
            head, frames = None, []
        elif head is None:
            head = line
        else:
            parts = line.strip().split(None, 1)
            frames.append(parts[1] if len(parts) > 1 else parts[0])
    if head is not None:
        yield head, frames


def first_match(frames, table):
    for frame in frames:
        if re.search(KERNEL, frame):
            continue
        for name, pattern in table:
            if re.search(pattern, frame):
                return name
    return None


def main():
    server_pid, bench_pid = sys.argv[1], sys.argv[2]
    by_process, by_part, in_kernel = collections.Counter(), collections.Counter(), collections.Counter()
    for head, frames in samples(sys.stdin):
        fields = head.split()
        pid = fields[1].split("/")[0] if len(fields) > 1 else ""
        comm = fields[0]
        if pid == server_pid:
            by_process["the server"] += 1
            part = first_match(frames, PARTS) or first_match(frames, LAYERS) or "other"
            if comm.startswith("sqlx-sqlite") and part not in (n for n, _ in PARTS):
                part = SQLITE_THREADS
            by_part[part] += 1
            if frames and re.search(KERNEL, frames[0]):
                in_kernel[part] += 1
        elif pid == bench_pid:
            by_process["the bench client"] += 1
        elif comm.startswith("postgres"):
            by_process["PostgreSQL"] += 1
        elif comm.startswith("swapper"):
            by_process["idle"] += 1
        else:
            by_process["other processes"] += 1
    total = sum(by_process.values())
    print("| process | share of the two cores |")
    print("|---|---|")
    for name, count in by_process.most_common():
        print(f"| {name} | {count / total:.1%} |")
    server = sum(by_part.values())
    print()
    print(f"| part of the server's time ({server} samples) | share | of which in the kernel |")
    print("|---|---|---|")
    for name, count in by_part.most_common():
        print(f"| {name} | {count / server:.1%} | {in_kernel[name] / server:.1%} |")


main()
