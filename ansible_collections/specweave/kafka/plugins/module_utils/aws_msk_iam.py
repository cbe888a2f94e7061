# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM authentication to MSK brokers through AWS's own signer, ``aws-msk-iam-sasl-signer-python``.

MSK serves IAM authentication as SASL/OAUTHBEARER with a token the signer makes from the AWS
credentials around (environment, profile, instance or task role). ``msk_region`` finds the
region of the token; ``MskIamToken`` makes tokens and makes a new one shortly before the last
expires. The Kafka client families hand it to their own OAUTHBEARER hook.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import time
import traceback

MSK_SIGNER_REQUIREMENT = "aws-msk-iam-sasl-signer-python"
MSK_SIGNER_IMPORT_ERROR = None
try:
    from aws_msk_iam_sasl_signer import MSKAuthTokenProvider
except ImportError:
    MSKAuthTokenProvider = None
    MSK_SIGNER_IMPORT_ERROR = traceback.format_exc()

_MSK_HOST = re.compile(r"\.kafka(?:-serverless)?\.([a-z0-9-]+)\.amazonaws\.com(?::\d+)?$")
# A new token is made this many seconds before the last one expires.
REFRESH_MARGIN = 60


def msk_region(servers, environ=None):
    """AWS region for MSK IAM tokens: AWS_REGION, AWS_DEFAULT_REGION, else the broker name."""
    environ = os.environ if environ is None else environ
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if environ.get(name):
            return environ[name]
    for server in servers:
        match = _MSK_HOST.search(server)
        if match:
            return match.group(1)
    return None


class MskIamToken(object):
    """Tokens for ``region`` from the signer, cached until ``REFRESH_MARGIN`` before expiry."""

    def __init__(self, region, signer=None, clock=time.time):
        self.region = region
        self.signer = signer or MSKAuthTokenProvider
        self.clock = clock
        self._token = None
        self._expires = 0.0

    def get(self):
        """``(token, expiry in epoch seconds)``."""
        if self._token is None or self.clock() >= self._expires - REFRESH_MARGIN:
            token, expiry_ms = self.signer.generate_auth_token(self.region)
            self._token, self._expires = token, expiry_ms / 1000.0
        return self._token, self._expires
