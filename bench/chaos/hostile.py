#!/usr/bin/env python3
"""Campaign (b)'s attacker: posts the hostile-input corpus to a collector, one request per case,
and prints one line per case (status, response bytes, seconds) and a JSON summary. Every case is
a bad request: the right answer is a 4xx; a 2xx (accepted) or 5xx is a finding. The one
exception is a batch mixing a bad line with a good one: the good line must be recorded (200) and
the bad one listed as a line error naming its field, so one bad line costs nobody else anything.

    hostile.py URL KEY"""
import http.client, json, sys, time, urllib.parse

url, key = sys.argv[1], sys.argv[2]
target = urllib.parse.urlparse(url)
J, N = "application/json", "application/x-ndjson"


def decision(input_json=b'{"k":1}', request_id=b'"h-%d"', output=b"{}", name=b'"m"', extra=b""):
    return b'{"requestId":' + request_id + b',"model":{"name":' + name + b',"version":"1"},"input":' + input_json + b',"output":' + output + extra + b"}"


GOOD_LINE = b'{"model":{"name":"m","version":"1"},"input":{"k":1},"output":{}}'
cases = [
    ("invalid-utf8-input-name", J, decision(input_json=b'{"k\xff":1}')),
    ("invalid-utf8-output-name", J, decision(output=b'{"o\xc3":1}')),
    ("invalid-utf8-metadata-name", J, decision(extra=b',"metadata":{"\xed\xa0\x80":1}')),
    ("invalid-utf8-input-value", J, decision(input_json=b'{"k":"v\xff"}')),
    ("invalid-utf8-request-id", J, decision(request_id=b'"r\xfe1"')),
    ("invalid-utf8-model-name", J, decision(name=b'"m\xc0\xaf"')),
    ("overlong-utf8-slash", J, decision(input_json=b'{"k":"\xc0\xaf"}')),
    ("nul-raw-in-value", J, decision(input_json=b'{"k":"a\x00b"}')),
    ("nul-escaped-in-value", J, decision(input_json=b'{"k":"a\\u0000b"}')),
    ("nul-escaped-in-request-id", J, decision(request_id=b'"r\\u0000"')),
    ("lone-high-surrogate-value", J, decision(input_json=b'{"k":"\\ud800"}')),
    ("lone-low-surrogate-name", J, decision(input_json=b'{"\\udc00":1}')),
    ("lone-surrogate-request-id", J, decision(request_id=b'"r\\ud83d"')),
    ("bidi-override-request-id", J, decision(request_id='"inv\u202egpj.exe"'.encode())),
    ("bidi-isolate-model-name", J, decision(name='"m\u2066x"'.encode())),
    ("noncharacter-request-id", J, decision(request_id='"r\ufffe"'.encode())),
    ("deep-nesting-input", J, decision(input_json=b'{"a":' * 200 + b"1" + b"}" * 200)),
    ("deep-nesting-array", J, decision(input_json=b'{"a":' + b"[" * 5000 + b"]" * 5000 + b"}")),
    ("huge-number", J, decision(input_json=b'{"k":1e999999}')),
    ("huge-integer-digits", J, decision(input_json=b'{"k":' + b"9" * 100000 + b"}")),
    ("negative-huge-number", J, decision(input_json=b'{"k":-1e400}')),
    ("duplicate-keys-input", J, decision(input_json=b'{"k":1,"k":2}')),
    ("duplicate-keys-top", J, decision(extra=b',"input":{}')),
    ("duplicate-keys-escaped", J, decision(input_json=b'{"k":1,"\\u006b":2}')),
    ("not-an-object", J, b"[1,2,3]"),
    ("truncated-json", J, decision()[:-5]),
    ("trailing-garbage", J, decision() + b"xyz"),
    ("empty-body", J, b""),
    ("bom-prefixed", J, b"\xef\xbb\xbf" + decision()),
    ("ndjson-bad-utf8-plus-good", N, decision(input_json=b'{"k\xff":1}') + b"\n" + GOOD_LINE + b"\n"),
    ("ndjson-x-lines-1M", N, b"x\n" * 1_000_000),
    ("ndjson-blank-lines-1M", N, b"\n" * 1_000_000),
    ("wrong-content-type", "text/plain", decision()),
]

summary = {"cases": 0, "2xx": 0, "4xx": 0, "5xx": 0, "other": 0, "errors": 0, "findings": 0}
for name, content_type, body in cases:
    if b'"h-%d"' in body:
        body = body.replace(b'"h-%d"', b'"h-%d"' % summary["cases"])
    summary["cases"] += 1
    started = time.monotonic()
    try:
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
        connection.request("POST", "/v1/decisions", body=body, headers={"Content-Type": content_type, "X-Api-Key": key})
        response = connection.getresponse()
        payload = response.read()
        status = response.status
        connection.close()
    except Exception as error:
        summary["errors"] += 1
        print(f"{name:32} error {type(error).__name__}: {error}")
        continue
    bucket = "2xx" if 200 <= status < 300 else "4xx" if 400 <= status < 500 else "5xx" if status >= 500 else "other"
    summary[bucket] += 1
    if name == "ndjson-bad-utf8-plus-good":
        answer = json.loads(payload) if bucket == "2xx" else {}
        ok = len(answer.get("receipts", [])) == 1 and answer.get("errorCount") == 1 and answer["errors"][0].get("line") == 1
    else:
        ok = bucket == "4xx"
    flag = "" if ok else "   <-- finding"
    summary["findings"] = summary.get("findings", 0) + (0 if ok else 1)
    print(f"{name:32} {status} {len(payload):>10} bytes {time.monotonic() - started:6.2f} s{flag}")
print(json.dumps(summary))
