"""New visitors on the public complaint form, over real HTTP: each one GETs the form, takes the
CSRF cookie, the token and the form key from it, and POSTs a complaint as a browser does
(multipart, with an empty file input). Standard library only; every request opens its own
connection (`Connection: close`), as gunicorn's sync workers close after each response."""

import random
import re
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_KEY = re.compile(rb'name="idempotency_key" value="([0-9a-f]{32})"')
_COOKIE = re.compile(rb"^set-cookie: csrftoken=([^;\r\n]+)", re.IGNORECASE | re.MULTILINE)
_STATUS = re.compile(rb"^HTTP/1\.[01] (\d{3})")
_LOCATION = re.compile(rb"^location: ([^\r\n]+)", re.IGNORECASE | re.MULTILINE)

PLACES = ["the gas station on West Florissant", "the MetroLink platform", "my front porch"]
ACTS = ["shouted at me", "searched my car without asking", "took my phone"]


@dataclass
class Answer:
    status: int
    head: bytes
    body: bytes
    seconds: float


def request(port: int, method: str, path: str, headers: dict | None = None, body=b"") -> Answer:
    """One HTTP/1.1 request to 127.0.0.1 on its own connection."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(raw)
        chunks = []
        while data := sock.recv(65536):
            chunks.append(data)
    seconds = time.perf_counter() - started
    head, _, payload = b"".join(chunks).partition(b"\r\n\r\n")
    status = _STATUS.match(head)
    return Answer(int(status.group(1)) if status else 0, head, payload, seconds)


def complaint_fields(token: str, key: str, rng: random.Random) -> list[tuple[str, str]]:
    """What a resident sends: contact, when and where, a category, a named employee."""
    day = (date.today() - timedelta(days=rng.randint(1, 30))).isoformat()
    narrative = (
        f"On my way home I was stopped at {rng.choice(PLACES)}. The officer "
        f"{rng.choice(ACTS)} and would not give his name. Two people at the bus stop saw it. "
        f"I want this looked into. Reference {rng.randint(1000, 9999)}."
    )
    return [
        ("csrfmiddlewaretoken", token),
        ("idempotency_key", key),
        ("website", ""),
        ("submitter_name", "Jordan Example"),
        ("submitter_email", f"resident{rng.randint(1, 10**6)}@example.org"),
        ("submitter_phone", ""),
        ("language", "en"),
        ("submitter_address", ""),
        ("preferred_contact", "email"),
        ("relationship", ""),
        ("other_person_contact", ""),
        ("occurred_on", day),
        ("occurred_time", "21:30"),
        ("location", "Natural Bridge Rd and Lucas and Hunt"),
        ("service_area", "City of Jennings"),
        ("narrative", narrative),
        ("categories", "discourtesy"),
        ("employees-TOTAL_FORMS", "1"),
        ("employees-INITIAL_FORMS", "0"),
        ("employees-MIN_NUM_FORMS", "0"),
        ("employees-MAX_NUM_FORMS", "20"),
        ("employees-0-name", "Ana Morales"),
        ("employees-0-badge", "1003"),
        ("employees-0-car_number", ""),
        ("employees-0-description", ""),
        ("witnesses-TOTAL_FORMS", "1"),
        ("witnesses-INITIAL_FORMS", "0"),
        ("witnesses-MIN_NUM_FORMS", "0"),
        ("witnesses-MAX_NUM_FORMS", "20"),
        ("witnesses-0-name", ""),
        ("witnesses-0-contact", ""),
        ("declaration", "on"),
    ]


def multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    """The body a browser sends for the form, the file input left empty."""
    boundary = "----candorbench" + uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
    )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


@dataclass
class Round:
    clients: int
    seconds: float = 0.0
    gets: list[float] = field(default_factory=list)
    posts: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def submissions(self) -> int:
        return len(self.posts)

    @property
    def per_second(self) -> float:
        return self.submissions / self.seconds if self.seconds else 0.0


def visit(port: int, rng: random.Random, result: Round, lock: threading.Lock) -> None:
    """One new visitor: the form page, then the complaint."""
    page = request(port, "GET", "/complaint/")
    token, key, cookie = _TOKEN.search(page.body), _KEY.search(page.body), _COOKIE.search(page.head)
    if page.status != 200 or not (token and key and cookie):
        with lock:
            result.errors[f"GET {page.status}"] = result.errors.get(f"GET {page.status}", 0) + 1
        return
    body, content_type = multipart(
        complaint_fields(token.group(1).decode(), key.group(1).decode(), rng)
    )
    origin = f"http://127.0.0.1:{port}"
    answer = request(
        port,
        "POST",
        "/complaint/",
        {
            "Content-Type": content_type,
            "Cookie": f"csrftoken={cookie.group(1).decode()}",
            "Origin": origin,
            "Referer": origin + "/complaint/",
        },
        body,
    )
    location = _LOCATION.search(answer.head)
    with lock:
        if answer.status == 302 and location and b"/received/" in location.group(1):
            result.gets.append(page.seconds)
            result.posts.append(answer.seconds)
        else:
            name = f"POST {answer.status}"
            result.errors[name] = result.errors.get(name, 0) + 1


def closed_loop(*, port: int, clients: int, seconds: float, limit: int, seed: int = 0) -> Round:
    """`clients` visitors at a time, each starting the next as soon as it is done, for
    `seconds` or `limit` submissions, whichever comes first."""
    result = Round(clients=clients)
    lock = threading.Lock()
    started = [0]
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        start.wait()
        while True:
            with lock:
                if started[0] >= limit or time.perf_counter() >= deadline[0]:
                    return
                started[0] += 1
            try:
                visit(port, rng, result, lock)
            except OSError as error:
                with lock:
                    name = type(error).__name__
                    result.errors[name] = result.errors.get(name, 0) + 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join(seconds + 120)
    result.seconds = time.perf_counter() - began
    return result


def page_times(*, port: int, path: str, count: int) -> list[float]:
    """One visitor after another: the server time of a page, with the network of loopback."""
    times = []
    for _ in range(count):
        answer = request(port, "GET", path)
        if answer.status != 200:
            raise RuntimeError(f"{path} answered {answer.status}")
        times.append(answer.seconds)
    return times
