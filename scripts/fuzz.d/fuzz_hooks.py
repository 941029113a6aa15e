"""Schemathesis hooks for NotifyMe's API fuzzing (loaded through SCHEMATHESIS_HOOKS).

Signs delivery receipts posted to the embedded simulator's gateway provider (`sim-gateway`) with its
webhook secret, so that fuzzed receipt bodies reach the receipt parser instead of stopping at 401.
A case that already carries a generated X-Gateway-Signature is sent as generated (the 401 path).
The secret comes from NOTIFYME_FUZZ_GATEWAY_SECRET; without it nothing is signed.
"""
import hashlib
import hmac
import json
import os
import time

import schemathesis

SECRET = os.environ.get("NOTIFYME_FUZZ_GATEWAY_SECRET", "")
PROVIDER = os.environ.get("NOTIFYME_FUZZ_GATEWAY_PROVIDER", "sim-gateway")


@schemathesis.hook
def before_call(context, case, kwargs):
    if not SECRET or case.operation.path != "/v1/receipts/{provider}":
        return
    if (case.path_parameters or {}).get("provider") != PROVIDER:
        return
    if (case.media_type or "").split(";")[0].strip() != "application/json":
        return
    headers = case.headers if case.headers is not None else {}
    if any(name.lower() == "x-gateway-signature" for name in headers):
        return
    body = getattr(case, "body", None)
    try:
        raw = json.dumps(body).encode("utf-8")
    except (TypeError, ValueError):
        return
    stamp = int(time.time())
    mac = hmac.new(SECRET.encode("utf-8"), f"{stamp}.".encode("ascii") + raw, hashlib.sha256).hexdigest()
    headers["X-Gateway-Signature"] = f"t={stamp},v1={mac}"
    case.headers = headers
    kwargs["data"] = raw
