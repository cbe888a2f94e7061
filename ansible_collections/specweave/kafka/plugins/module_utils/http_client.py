# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP layer of every REST family (Schema Registry, n8n, Confluent Cloud, ...).

``HttpClient`` sends JSON requests through one urllib opener built once per client (and per
scheme) from the pieces ``ansible.module_utils.urls`` uses itself (``make_context`` for the CA
bundle, client certificate and ``validate_certs``; its redirect handler; urllib's default
handlers, environment proxies included). ``Request.open``/``open_url`` would build a new opener
and TLS context on every call: 0.8 ms of CPU per request more, which shows on a converge of
hundreds of objects. ansible-core 2.16 has ``make_context`` but not yet the ``HTTPRedirectHandler``
class: there the same redirect handling comes from its ``RedirectHandlerFactory``.

``RetryPolicy`` is the one retry policy: exponential backoff with jitter, ``Retry-After``
honoured (seconds or an HTTP date), 429 retried for every method (the server refused the
request unprocessed), 5xx and lost connections only for idempotent methods unless the call
says ``unsafe_retry=True``. TLS failures that no retry can fix (untrusted server certificate,
client certificate refused) are never retried.

A family plugs in through ``HttpFamily``: ``error(failure)`` turns an ``HttpFailure`` (status,
decoded body, connection error, attempts) into the family's own exception with one clear
message, and ``retryable(failure)`` may veto or allow a retry (e.g. a deterministic 500).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import random
import time

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.parse import urlencode
from ansible.module_utils.six.moves.urllib import request as urllib_request
from ansible.module_utils.urls import (
    ConnectionError as UrlsConnectionError,
    SSLValidationError,
    basic_auth_header,
    make_context,
)

try:
    from ansible.module_utils.urls import HTTPRedirectHandler

    def redirect_handler(follow_redirects):
        return HTTPRedirectHandler(follow_redirects)
except ImportError:  # ansible-core 2.16: the same handler, made by a class factory
    from ansible.module_utils.urls import RedirectHandlerFactory

    def redirect_handler(follow_redirects):
        return RedirectHandlerFactory(follow_redirects)()

IDEMPOTENT_METHODS = ("GET", "HEAD", "OPTIONS", "PUT", "DELETE")
RETRY_STATUSES = (429, 500, 502, 503, 504)
USER_AGENT = "ansible-httpget"

# TLS alerts a server sends when it refuses the client's certificate (or the lack of one).
_CLIENT_CERT_ALERTS = ("CERTIFICATE_REQUIRED", "UNKNOWN_CA", "BAD_CERTIFICATE",
                       "CERTIFICATE_UNKNOWN", "CERTIFICATE_EXPIRED", "CERTIFICATE_REVOKED",
                       "UNSUPPORTED_CERTIFICATE", "ACCESS_DENIED")


def parse_retry_after(value):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        from email.utils import parsedate_tz, mktime_tz
        parsed = parsedate_tz(value)
        if parsed is None:
            return None
        return max(0.0, mktime_tz(parsed) - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


def error_words(exc):
    """The text of a connection error and of the reason it wraps (URLError), upper case."""
    reason = getattr(exc, "reason", None)
    return " ".join(str(part) for part in (reason, exc) if part is not None).upper()


def rest_argument_spec(env_prefix):
    """The connection options of a REST family on this layer (url, basic auth or bearer token,
    TLS files, timeout, retries), each with its ``<env_prefix>_<OPTION>`` environment fallback;
    secrets ``no_log``. A family's doc fragment documents the same options."""
    def env(name):
        return (env_fallback, ["%s_%s" % (env_prefix, name.upper())])
    return dict(
        url=dict(type="str", required=True, fallback=env("url")),
        username=dict(type="str", fallback=env("username")),
        password=dict(type="str", no_log=True, fallback=env("password")),
        token=dict(type="str", no_log=True, fallback=env("token")),
        ca_path=dict(type="path", fallback=env("ca_path")),
        client_cert=dict(type="path", fallback=env("client_cert")),
        client_key=dict(type="path", fallback=env("client_key")),
        validate_certs=dict(type="bool", default=True, fallback=env("validate_certs")),
        timeout=dict(type="int", default=30, fallback=env("timeout")),
        retries=dict(type="int", default=3, fallback=env("retries")),
    )


class TlsFilesError(Exception):
    """The CA bundle, client certificate or key could not be loaded (``exc`` says why)."""

    def __init__(self, exc, ca_path=None, client_cert=None, client_key=None):
        super(TlsFilesError, self).__init__(str(exc))
        self.reason = exc
        self.ca_path = ca_path
        self.client_cert = client_cert
        self.client_key = client_key


def tls_problem(exc):
    """``server`` when the server's certificate is not trusted, ``client`` when the server (or a
    TLS listener in front of it) refused the client certificate, ``files`` when the TLS files
    could not be loaded, else None."""
    if isinstance(exc, TlsFilesError):
        return "files"
    if isinstance(exc, SSLValidationError):
        return "server"
    text = error_words(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "server"
    if "ALERT" in text and any(alert in text for alert in _CLIENT_CERT_ALERTS):
        return "client"
    return None


def tls_dropped(url, exc):
    """True when an https exchange ended in an EOF or a reset instead of an answer.

    With TLS 1.3 the client finishes its handshake before the server has checked the client
    certificate; a server refusing it sends an alert and closes, and when the close overtakes
    the alert the client sees only the EOF. A server going away does the same, so it is retried
    like any lost connection; families mention the client certificate in their message.
    """
    if not url.lower().startswith("https:"):
        return False
    if isinstance(getattr(exc, "reason", exc), ConnectionResetError):
        return True
    text = error_words(exc)
    return "EOF OCCURRED IN VIOLATION OF PROTOCOL" in text or "UNEXPECTED_EOF" in text


def decode_json(raw):
    """(value, True) for a JSON body, (text, False) otherwise; (None, True) when empty."""
    if raw in (None, b"", ""):
        return None, True
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    try:
        return json.loads(raw), True
    except ValueError:
        return raw, False


class RetryPolicy(object):
    """Which failures are retried and how long to wait: backoff with jitter, Retry-After."""

    def __init__(self, retries=3, base=0.5, cap=10.0, max_retry_after=300.0, jitter=0.5,
                 statuses=RETRY_STATUSES, sleep=None, rand=None):
        self.retries = max(0, int(retries))
        self.base = base
        self.cap = cap
        self.max_retry_after = max_retry_after
        self.jitter = jitter
        self.statuses = tuple(statuses)
        self.sleep = sleep or time.sleep
        self.rand = rand or random.random

    def allows(self, failure, unsafe_retry=False):
        """Whether ``failure`` (its ``attempts`` so far) may be retried by this policy."""
        if failure.attempts > self.retries or failure.tls is not None:
            return False
        if failure.status == 429:
            return True
        if failure.status is None or failure.status in self.statuses:
            return unsafe_retry or failure.method.upper() in IDEMPOTENT_METHODS
        return False

    def delay(self, attempt, retry_after=None):
        """Seconds before retry number ``attempt`` (1-based).

        ``Retry-After`` wins (capped at ``max_retry_after``); otherwise ``base * 2^(n-1)``
        capped at ``cap``, of which up to ``jitter`` (a fraction) is taken off at random so
        that many clients retrying together spread out.
        """
        seconds = parse_retry_after(retry_after)
        if seconds is not None:
            return min(seconds, self.max_retry_after)
        backoff = min(self.cap, self.base * (2 ** (attempt - 1)))
        return backoff * (1.0 - self.jitter * self.rand())


class HttpFailure(object):
    """One failed exchange, as the family's ``error`` hook sees it.

    ``status`` is None when no HTTP answer came (``exc`` says why; ``tls`` is ``server`` or
    ``client`` for TLS refusals, ``files`` for unloadable TLS files); ``body`` is the decoded JSON (or text) of an error answer,
    ``json`` False when the answer was not JSON (also for a 2xx body that is not JSON).
    """

    def __init__(self, method, url, path, status=None, body=None, headers=None, exc=None,
                 attempts=1, is_json=True):
        self.method = method
        self.url = url
        self.path = path
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.exc = exc
        self.attempts = attempts
        self.json = is_json
        self.tls = tls_problem(exc) if exc is not None else None

    @property
    def reason(self):
        """The connection error's reason (URLError wraps one)."""
        return getattr(self.exc, "reason", None) or self.exc

    def header(self, name):
        lowered = name.lower()
        for key, value in self.headers.items():
            if str(key).lower() == lowered:
                return value
        return None


class HttpError(Exception):
    """The default error of the layer (families raise their own from ``HttpFamily.error``)."""

    def __init__(self, message, status=None, body=None):
        super(HttpError, self).__init__(message)
        self.message = message
        self.status = status
        self.body = body


class HttpFamily(object):
    """The hooks of one REST family. Subclass and override."""

    #: What the messages call the server ("Schema Registry", "n8n", ...).
    name = "the server"

    def error(self, failure):
        """Return the exception to raise for ``failure`` (one clear message)."""
        if failure.status is None:
            return HttpError("%s %s: cannot reach %s: %s" % (
                failure.method, failure.url, self.name, failure.reason))
        if not failure.json and failure.status < 300:
            return HttpError("%s answered %s %s with a body that is not JSON" % (
                self.name, failure.method, failure.url), status=failure.status)
        return HttpError("%s %s: %s answered HTTP %s: %s" % (
            failure.method, failure.url, self.name, failure.status, failure.body),
            status=failure.status, body=failure.body)

    def retryable(self, failure):
        """True or False to decide for the policy, None to let the policy decide."""
        return None


class HttpClient(object):
    """JSON over HTTP(S) with one reused opener, one retry policy and a family's messages.

    ``opener`` (tests) replaces the transport: it is called like ``open_url`` and returns a
    response with ``read()``, ``getcode()`` and ``headers``, or raises like urllib does.
    """

    def __init__(self, base_url, family=None, headers=None, username=None, password=None,
                 token=None, ca_path=None, client_cert=None, client_key=None,
                 validate_certs=True, timeout=30, follow_redirects="safe", retry=None,
                 opener=None):
        self.base_url = (base_url or "").rstrip("/")
        self.family = family or HttpFamily()
        self.default_headers = dict(headers or {})
        self.username = username
        self.password = password
        self.token = token
        self.ca_path = ca_path
        self.client_cert = client_cert
        self.client_key = client_key
        self.validate_certs = validate_certs
        self.timeout = timeout
        self.follow_redirects = follow_redirects
        self.retry = retry if retry is not None else RetryPolicy()
        self.opener = opener or self._open
        self.requests = 0
        self.retried = []  # dict(method, path, status, delay) for every retry done
        self._openers = {}  # one per scheme: {is_https: opener}

    # -- transport -------------------------------------------------------------------------
    def _build_opener(self, tls):
        handlers = [redirect_handler(self.follow_redirects)]
        if tls:
            # Not for plain http: loading the CA bundle alone costs about 50 ms.
            try:
                context = make_context(cafile=self.ca_path, validate_certs=self.validate_certs,
                                       client_cert=self.client_cert, client_key=self.client_key)
            except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
                raise TlsFilesError(exc, self.ca_path, self.client_cert, self.client_key)
            handlers.insert(0, urllib_request.HTTPSHandler(context=context))
        return urllib_request.build_opener(*handlers)

    def _open(self, url, method="GET", data=None, headers=None, **settings):
        """What ``open_url`` does with these settings, through one opener built once."""
        tls = url.lower().startswith("https:")
        opener = self._openers.get(tls)
        if opener is None:
            opener = self._openers[tls] = self._build_opener(tls)
        request = urllib_request.Request(
            url, data=data.encode("utf-8") if data is not None else None, method=method.upper())
        request.add_header("User-agent", USER_AGENT)
        if settings.get("url_username"):
            request.add_header("Authorization", basic_auth_header(
                settings["url_username"], settings.get("url_password") or ""))
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        return opener.open(request, None, settings.get("timeout", 30))

    def url(self, path, query=None):
        """``base_url + path`` with the query's non-None values (booleans as true/false)."""
        url = self.base_url + (path or "")
        pairs = []
        for key in sorted(query or {}):
            value = query[key]
            if value is None:
                continue
            for item in value if isinstance(value, (list, tuple)) else [value]:
                pairs.append((key, ("true" if item else "false") if isinstance(item, bool)
                              else str(item)))
        if pairs:
            url += "?" + urlencode(pairs)
        return url

    def headers(self, body):
        headers = {"Accept": "application/json"}
        headers.update(self.default_headers)
        if body is not None:
            headers.setdefault("Content-Type", "application/json")
        if self.token:
            headers["Authorization"] = "Bearer %s" % self.token
        return headers

    def _exchange(self, method, url, data, headers):
        """(status, headers, raw body, exc): one exchange, an HTTP error being an answer."""
        try:
            response = self.opener(
                url, data=data, method=method, headers=headers,
                url_username=self.username, url_password=self.password,
                force_basic_auth=bool(self.username), validate_certs=self.validate_certs,
                ca_path=self.ca_path, client_cert=self.client_cert, client_key=self.client_key,
                timeout=self.timeout, follow_redirects=self.follow_redirects)
            status = response.getcode() if hasattr(response, "getcode") else 200
            # the headers of a success are never read: no copy (40 us a request)
            return status, None, response.read(), None
        except HTTPError as exc:
            try:
                raw = exc.read()
            except Exception:  # pylint: disable=broad-except  # a missing body keeps the status
                raw = b""
            return exc.code, dict(exc.headers or {}), raw, None
        except (URLError, UrlsConnectionError, SSLValidationError, OSError, TlsFilesError) as exc:
            return None, {}, None, exc

    # -- the call --------------------------------------------------------------------------
    def request(self, method, path, body=None, query=None, headers=None, absolute_url=None,
                unsafe_retry=False):
        """Send one call (with retries); return the decoded JSON body (None when empty).

        A failure raises the family's exception (``HttpFamily.error``).
        """
        url = absolute_url or self.url(path, query)
        data = json.dumps(body) if body is not None else None
        sent_headers = self.headers(body)
        sent_headers.update(headers or {})
        attempts = 0
        while True:
            attempts += 1
            self.requests += 1
            status, answer_headers, raw, exc = self._exchange(method, url, data, sent_headers)
            # a 3xx here is a redirect urllib did not follow (follow_redirects=safe does not
            # re-send a POST elsewhere): an answer to report, not a success
            if status is not None and status < 300:
                value, is_json = decode_json(raw)
                if is_json:
                    return value
                raise self.family.error(HttpFailure(method, url, path, status, value,
                                                    answer_headers, attempts=attempts,
                                                    is_json=False))
            value, is_json = decode_json(raw) if status is not None else (None, True)
            failure = HttpFailure(method, url, path, status, value, answer_headers, exc,
                                  attempts, is_json)
            verdict = self.family.retryable(failure)
            if verdict is None:
                verdict = self.retry.allows(failure, unsafe_retry)
            elif verdict:
                verdict = failure.attempts <= self.retry.retries
            if not verdict:
                raise self.family.error(failure)
            delay = self.retry.delay(attempts, failure.header("Retry-After"))
            self.retried.append(dict(method=method, path=path, status=status,
                                     delay=round(delay, 3)))
            self.retry.sleep(delay)
