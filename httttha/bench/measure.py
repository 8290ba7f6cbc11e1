"""Measuring: concurrent clients requesting paths (or submitting) for a
given time, and the latencies summed up as p50 / p95 / p99 and requests
per second."""
import random
import threading
import time

from .client import TIMEOUT, Client, Response, pdf_of_size, submit


def percentile(ordered, fraction):
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return None
    index = max(0, min(len(ordered) - 1,
                       int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


def summarize(name, title, latencies, errors, elapsed, extra=None):
    ordered = sorted(latencies)
    result = {
        'name': name, 'title': title, 'built': True,
        'requests': len(latencies), 'errors': errors,
        'seconds': round(elapsed, 3),
        'p50_ms': _ms(percentile(ordered, 0.50)),
        'p95_ms': _ms(percentile(ordered, 0.95)),
        'p99_ms': _ms(percentile(ordered, 0.99)),
        'rps': round(len(latencies) / elapsed, 2) if elapsed else 0.0,
    }
    result.update(extra or {})
    return result


def _ms(seconds):
    return None if seconds is None else round(seconds * 1000.0, 2)


def load(url, paths, seconds, concurrency, setup=None, expect=(200,),
         warmup=None):
    """``concurrency`` clients request ``paths`` (a list, taken in turn
    from a random start, or a callable(client, i) -> Response) for
    ``seconds``; return (latencies of the successful requests, errors,
    elapsed, first error messages).  ``url``: the server's, or a list of
    several servers', each client staying on one of them in turn."""
    latencies, errors, messages = [], [0], []
    lock = threading.Lock()
    state = {}

    def go():
        # the barrier's action: runs before any worker is released
        state['started'] = time.monotonic()
        state['deadline'] = state['started'] + seconds
    ready = threading.Barrier(concurrency + 1, action=go)

    def one(client, i):
        if callable(paths):
            return paths(client, i)
        return client.get(paths[i % len(paths)])

    urls = url if isinstance(url, (list, tuple)) else [url]

    def worker(number):
        client = Client(urls[number % len(urls)])
        mine, bad = [], 0
        failed_setup = None
        try:
            if setup is not None:
                setup(client)
            for i in range(warmup if warmup is not None else 2):
                one(client, number + i)
        except Exception as e:
            failed_setup = e
        try:
            ready.wait(TIMEOUT * 5)
        except threading.BrokenBarrierError:
            return
        if failed_setup is not None:
            with lock:
                errors[0] += 1
                messages.append('setup: %r' % failed_setup)
            return
        i = random.Random(number).randrange(1 << 16)
        while time.monotonic() < state['deadline']:
            start = time.perf_counter()
            try:
                response = one(client, i)
                ok = response.status in expect
                why = 'status %s' % response.status
            except Exception as e:
                ok, why = False, repr(e)
            took = time.perf_counter() - start
            if ok:
                mine.append(took)
            else:
                bad += 1
                if len(messages) < 5:
                    with lock:
                        messages.append(why)
            i += 1
        client.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker, args=(n,), daemon=True)
               for n in range(concurrency)]
    for thread in threads:
        thread.start()
    ready.wait(TIMEOUT * 5)
    for thread in threads:
        thread.join(seconds + TIMEOUT * 2)
    elapsed = time.monotonic() - state['started']
    return latencies, errors[0], elapsed, messages


def submissions(url, agency_code, seconds, clients=8, pdf=None):
    """``clients`` citizens each submitting one application after another
    for ``seconds``: (latencies of whole submissions, errors, elapsed,
    messages, draft tokens)."""
    pdf = pdf or pdf_of_size()
    tokens, lock = [], threading.Lock()
    counter = iter(range(10 ** 9))

    def one(client, _i):
        with lock:
            number = next(counter)
        token = submit(client, agency_code, number, pdf)
        with lock:
            tokens.append(token)
        return Response(200, {}, b'')

    latencies, errors, elapsed, messages = load(
        url, one, seconds, clients, warmup=0)
    return latencies, errors, elapsed, messages, tokens
