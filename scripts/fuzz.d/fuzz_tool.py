#!/usr/bin/env python3
"""Helpers for scripts/fuzz (NotifyMe API fuzzing with Schemathesis). Standard library plus PyYAML.

  fuzz_tool.py seed WORKDIR      Put realistic data in a fresh server (a resident with verified contact details,
                                 a delivered email with an unsubscribe link, a failed SMS that can be replayed, a
                                 dead letter whose record is gone), then write WORKDIR/seeds/*.dict for
                                 schemathesis.toml and WORKDIR/seed.env (values the log scan looks for).
  fuzz_tool.py scan-log LOG WORKDIR REPORT_DIR
                                 Fail (exit 1) when the server log has an error or crash line, a replay job that
                                 keeps failing, or a value that must never be logged (contact details, tokens,
                                 keys, codes), including contact details Schemathesis generated.
  fuzz_tool.py check-report REPORT_DIR
                                 Fail when Schemathesis tested fewer operations than it selected (a worker died).

Environment for `seed`: NOTIFYME_FUZZ_URL, NOTIFYME_FUZZ_SIM_URL, NOTIFYME_DATA_DIR, NOTIFYME_FUZZ_ENTITY_KEY,
NOTIFYME_FUZZ_RESIDENT_TOKEN, NOTIFYME_FUZZ_ERASED_RESIDENT_TOKEN, NOTIFYME_FUZZ_STAFF_TOKEN,
NOTIFYME_FUZZ_CATALOGUE (Config/events.yaml).
"""
import base64
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

PHONE = "+97336001234"
EMAIL = "fuzz.resident@example.com"
NAME = "Fuzz Resident Seed"
CPR = "880101234"
GATEWAY = "sim-gateway"


def call(method, url, token=None, body=None, expect=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    payload = json.loads(raw) if raw and raw[:1] in (b"{", b"[") else raw.decode("utf-8", "replace")
    if expect is not None and status not in expect:
        raise SystemExit(f"seed: {method} {url} answered {status}, expected {expect}: {str(payload)[:300]}")
    return status, payload


def wait_for(what, probe, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.25)
    raise SystemExit(f"seed: timed out waiting for {what}")


def write_dict(path, values):
    with open(path, "w") as fd:
        for v in values:
            fd.write('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"\n')


def seed(work):
    api = os.environ["NOTIFYME_FUZZ_URL"].rstrip("/")
    sim = os.environ["NOTIFYME_FUZZ_SIM_URL"].rstrip("/")
    data_dir = os.environ["NOTIFYME_DATA_DIR"]
    key = os.environ["NOTIFYME_FUZZ_ENTITY_KEY"]
    resident = os.environ["NOTIFYME_FUZZ_RESIDENT_TOKEN"]
    staff = os.environ["NOTIFYME_FUZZ_STAFF_TOKEN"]
    erased = os.environ["NOTIFYME_FUZZ_ERASED_RESIDENT_TOKEN"]
    codes = []

    # The resident DELETE /v1/me erases (schemathesis.toml gives that operation this token), with data to erase.
    call("PUT", f"{api}/v1/me/contact", erased, {"name": "Erased Seed", "email": "erase.me@example.com", "language": "ar"}, [200])
    call("POST", f"{api}/v1/me/devices", erased, {"platform": "fcm", "token": "fuzz-seed-device-token-0123456789"}, [201])

    # A resident with both addresses verified (codes read back from the simulator and the outbox).
    call("PUT", f"{api}/v1/me/contact", resident, {"name": NAME, "phone": PHONE, "email": EMAIL, "language": "en"}, [200])

    def sms_code():
        _, messages = call("GET", f"{sim}/_sim/messages?provider=gateway")
        for m in reversed(messages if isinstance(messages, list) else []):
            found = re.search(r"verification code is ([0-9]{6})\b", m.get("text", "")) if m.get("recipient") == PHONE else None
            if found:
                return found.group(1)
        return None

    code = wait_for("the SMS verification code", sms_code)
    codes.append(code)
    call("POST", f"{api}/v1/me/contact/verify", resident, {"channel": "sms", "code": code}, [200])

    def email_code():
        for path in sorted(glob.glob(os.path.join(data_dir, "outbox", "*.eml")), key=os.path.getmtime, reverse=True):
            text = open(path, encoding="utf-8", errors="replace").read()
            if f"To: {EMAIL}" in text:
                found = re.search(r"verification code is ([0-9]{6})\b", text)
                if found:
                    return found.group(1)
        return None

    code = wait_for("the email verification code", email_code)
    codes.append(code)
    call("POST", f"{api}/v1/me/contact/verify", resident, {"channel": "email", "code": code}, [200])

    # From here on every SMS to the resident fails permanently (a dead number at the gateway).
    call("POST", f"{sim}/_sim/dead", body={"provider": "gateway", "recipient": PHONE}, expect=[204])

    def publish(body):
        return call("POST", f"{api}/v1/events", key, body, [202])[1]["id"]

    replayable = publish({"type": "traffic.fine-issued", "reference": "fuzz-seed-replay", "recipients": [CPR],
                          "data": {"amount": "25.000", "plate": "123456", "date": "2026-11-30",
                                   "violation": "speeding", "reference": "TF-FUZZ-1"}})
    purgeable = publish({"type": "verification.code", "reference": "fuzz-seed-purge", "recipients": [CPR],
                         "data": {"code": "424242"}})
    emailed = publish({"type": "utility.bill-due", "reference": "fuzz-seed-email", "recipients": [CPR],
                       "data": {"amount": "1.000", "dueDate": "2026-12-01", "accountNumber": "A-1",
                                "serviceProvider": "EWA"}})

    def notification_of(event):
        def probe():
            _, page = call("GET", f"{api}/v1/notifications?eventId={event}", key, expect=[200])
            items = page.get("items") or []
            return items[0]["id"] if items else None
        return wait_for(f"the notification of {event}", probe)

    ids = {event: notification_of(event) for event in (replayable, purgeable, emailed)}

    def failed(ntf):
        def probe():
            _, page = call("GET", f"{api}/v1/admin/failures?limit=200", staff, expect=[200])
            return any(i["notificationId"] == ntf for i in page.get("items", []))
        return probe

    wait_for("the failed SMS in the dead letters", failed(ids[replayable]))
    wait_for("the failed verification code in the dead letters", failed(ids[purgeable]))

    def unsubscribe_token():
        for path in glob.glob(os.path.join(data_dir, "outbox", "*.eml")):
            text = open(path, encoding="utf-8", errors="replace").read()
            if ids[emailed] in os.path.basename(path) or ids[emailed] in text:
                found = re.search(r"/v1/unsubscribe/([A-Za-z0-9_=-]+)", text)
                if found:
                    return found.group(1)
        return None

    token = wait_for("the unsubscribe link of the email", unsubscribe_token)

    # A dead letter whose notification record is past retention (status `purged`): drop the record, as
    # retention would. Key layout: NotifyStore Keys.notification(id).
    redis_cli = shutil.which("redis-cli")
    if redis_cli:
        subprocess.run([redis_cli, "-s", os.path.join(data_dir, "redis.sock"), "DEL", f"nm:{{n:{ids[purgeable]}}}"],
                       check=True, stdout=subprocess.DEVNULL)
    else:
        print("seed: redis-cli not found; the `purged` failure status is not exercised", file=sys.stderr)

    import yaml  # PyYAML comes with schemathesis

    catalogue = yaml.safe_load(open(os.environ["NOTIFYME_FUZZ_CATALOGUE"]))
    seeds = os.path.join(work, "seeds")
    os.makedirs(seeds, exist_ok=True)
    write_dict(f"{seeds}/event_ids.dict", [replayable, purgeable, emailed])
    write_dict(f"{seeds}/notification_ids.dict", [ids[replayable], ids[emailed]])
    write_dict(f"{seeds}/failed_notification_ids.dict", [ids[replayable]])
    write_dict(f"{seeds}/unsubscribe_tokens.dict", [token])
    write_dict(f"{seeds}/receipt_providers.dict", [GATEWAY])
    write_dict(f"{seeds}/event_types.dict", list(catalogue.get("events") or {}))
    write_dict(f"{seeds}/topics.dict", list(catalogue.get("topics") or {}))

    secret = json.load(open(os.path.join(data_dir, "simulator", "simulator.json")))["gateway"]["webhookSecret"]
    # Values that must never appear in the server log.
    never = [PHONE, PHONE[4:], EMAIL, NAME, CPR, key, resident, staff, erased, secret, token, *codes,
             "Erased Seed", "erase.me@example.com", "880101235", "fuzz-seed-device-token-0123456789"]
    with open(os.path.join(work, "seed.env"), "w") as fd:
        fd.write(f"NOTIFYME_FUZZ_GATEWAY_SECRET={shlex.quote(secret)}\n")
        fd.write(f"NOTIFYME_FUZZ_GATEWAY_PROVIDER={GATEWAY}\n")
    with open(os.path.join(work, "never-logged.txt"), "w") as fd:
        fd.write("\n".join(never) + "\n")
    print(f"seed: events {replayable} {purgeable} {emailed}; failed {ids[replayable]}; purged {ids[purgeable]}")


def generated_contact_values(report_dir):
    """Phone numbers, emails and names Schemathesis sent in PUT /v1/me/contact bodies (recorded interactions)."""
    values = set()
    for path in glob.glob(os.path.join(report_dir, "*.ndjson")):
        for line in open(path):
            event = json.loads(line).get("ScenarioFinished")
            if not event:
                continue
            for interaction in (event["recorder"].get("interactions") or {}).values():
                request = interaction.get("request") or {}
                if not request.get("uri", "").endswith("/v1/me/contact") or request.get("method") != "PUT":
                    continue
                body = request.get("body")
                if isinstance(body, dict) and "$base64" in body:
                    body = base64.b64decode(body["$base64"]).decode("utf-8", "replace")
                try:
                    doc = json.loads(body or "")
                except ValueError:
                    continue
                if isinstance(doc, dict):
                    for field in ("phone", "email", "name"):
                        v = doc.get(field)
                        # Short or digit-free values match log noise by chance; only distinctive ones are looked for.
                        if isinstance(v, str) and len(v.strip()) >= 8 and (field != "phone" or sum(c.isdigit() for c in v) >= 8):
                            values.add(v.strip())
    return values


def scan_log(log, work, report_dir):
    text = open(log, encoding="utf-8", errors="replace").read()
    lines = text.splitlines()
    problems = []
    level = re.compile(r"^\S+ (error|critical) ")
    bad = [l for l in lines if level.match(l)]
    if bad:
        problems.append(f"{len(bad)} error/critical line(s) in the server log, e.g.:\n    " + "\n    ".join(bad[:10]))
    crash = [l for l in lines if re.search(r"Fatal error|Segmentation fault|Illegal instruction|Trace/breakpoint|"
                                           r"Current stack trace|Received signal", l)]
    if crash:
        problems.append("the server crashed:\n    " + "\n    ".join(crash[:10]))
    stuck = [l for l in lines if "replay job interrupted" in l]
    if stuck:
        problems.append(f"{len(stuck)} 'replay job interrupted' warning(s): a bulk replay job keeps failing, e.g.:\n    "
                        + stuck[0])
    never = [v for v in open(os.path.join(work, "never-logged.txt")).read().splitlines() if v]
    leaked = [v for v in never if v in text]
    generated = [v for v in generated_contact_values(report_dir) if v in text]
    if leaked or generated:
        shown = [v[:6] + "…" for v in leaked] + [repr(v[:40]) for v in generated[:10]]
        problems.append("values that must never be logged appear in the server log: " + ", ".join(shown))
    warnings = {}
    for l in lines:
        if re.match(r"^\S+ warning ", l):
            kind = re.sub(r"^.*\] ", "", l)
            warnings[kind] = warnings.get(kind, 0) + 1
    for kind, n in sorted(warnings.items()):
        print(f"server log: {n} warning(s): {kind}")
    for p in problems:
        print(f"FAIL server log: {p}")
    return 1 if problems else 0


def check_report(report_dir):
    """Every selected operation went through every enabled phase (a Schemathesis worker thread that dies on an
    exception leaves operations untested while the run can still end green)."""
    started = finished = 0
    labels = {}
    paths = glob.glob(os.path.join(report_dir, "*.ndjson"))
    for path in paths:
        for line in open(path):
            d = json.loads(line)
            if "ScenarioStarted" in d:
                started += 1
            elif "ScenarioFinished" in d:
                finished += 1
                f = d["ScenarioFinished"]
                labels.setdefault(f["phase"], set()).add(f["recorder"]["label"])
    if not paths or "examples" not in labels:
        print("FAIL schemathesis: no usable NDJSON report (did the schema load?)")
        return 1
    problems = []
    if started != finished:
        problems.append(f"{started - finished} scenario(s) started and never finished")
    for phase in ("coverage", "fuzzing"):
        if phase in labels and labels[phase] != labels["examples"]:
            missing = sorted(labels["examples"] - labels[phase])
            problems.append(f"{phase} phase did not test {len(missing)} operation(s): {', '.join(missing[:8])}")
    for p in problems:
        print(f"FAIL schemathesis run incomplete (a worker crashed?): {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "seed":
        seed(sys.argv[2])
    elif command == "scan-log":
        sys.exit(scan_log(sys.argv[2], sys.argv[3], sys.argv[4]))
    elif command == "check-report":
        sys.exit(check_report(sys.argv[2]))
    else:
        sys.exit(__doc__)
