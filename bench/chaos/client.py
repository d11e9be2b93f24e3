#!/usr/bin/env python3
"""A well-behaved collector client for the chaos campaigns: THREADS threads post single decisions
(each with its own requestId PREFIX-thread-n) to URL for DURATION seconds (or until killed), append
the requestId of every decision answered 200 to ACKED (flushed per line: a 200 means durable, so the
file is the list of acknowledged decisions), and print {"2xx","503","4xx","5xx","other","errors"}."""
import argparse, http.client, json, sys, threading, time, urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("key")
parser.add_argument("prefix")
parser.add_argument("--threads", type=int, default=4)
parser.add_argument("--duration", type=float, default=10.0)
parser.add_argument("--acked", default=None)
parser.add_argument("--timeout", type=float, default=30.0)
parser.add_argument("--buffered", action="store_true", help="a buffer-mode collector: 202 (in the Redis stream) also acknowledges")
args = parser.parse_args()

target = urllib.parse.urlparse(args.url)
lock = threading.Lock()
counts = {"2xx": 0, "503": 0, "4xx": 0, "5xx": 0, "other": 0, "errors": 0}
acked = open(args.acked, "a", buffering=1) if args.acked else None
deadline = time.monotonic() + args.duration


def decision(request_id, n):
    return json.dumps({"requestId": request_id, "model": {"name": "fraud_detector", "version": "3.2.1"},
                       "input": {"amount": n, "country": "DE"}, "output": {"label": "legit", "score": 0.1},
                       "subject": {"id": f"customer-{n % 50}"}}, separators=(",", ":")).encode()


def run(thread):
    connection = None
    n = 0
    while time.monotonic() < deadline:
        request_id = f"{args.prefix}-{thread}-{n}"
        n += 1
        try:
            if connection is None:
                connection = http.client.HTTPConnection(target.hostname, target.port, timeout=args.timeout)
            connection.request("POST", "/v1/decisions", body=decision(request_id, n),
                               headers={"Content-Type": "application/json", "X-Api-Key": args.key})
            response = connection.getresponse()
            response.read()
            status = response.status
        except Exception:
            with lock:
                counts["errors"] += 1
            connection = None
            time.sleep(0.05)
            continue
        with lock:
            if 200 <= status < 300:
                counts["2xx"] += 1
                if acked and (status == 200 or (args.buffered and status == 202)):
                    acked.write(request_id + "\n")
            elif status == 503:
                counts["503"] += 1
            elif 400 <= status < 500:
                counts["4xx"] += 1
            elif status >= 500:
                counts["5xx"] += 1
            else:
                counts["other"] += 1


threads = [threading.Thread(target=run, args=(t,), daemon=True) for t in range(args.threads)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps(counts))
