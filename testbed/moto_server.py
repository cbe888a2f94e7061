"""A local moto server: AWS's APIs as moto emulates them, over real HTTP on 127.0.0.1.

``MotoServer().start()`` runs the venv's ``moto_server`` on a free port, waits until it answers
and is stopped by its PID (``stop``). ``env()`` is what a module run needs to use it (static test
credentials, a region, ``AWS_URL`` for amazon.aws's ``endpoint_url``); ``client(service)`` is a
boto3 client on it, for reading back what a module did independently of the module.

The botocore client of the modules validates every request against the service model before
sending it, so requests to moto are checked against AWS's contract as they would be against AWS.
What moto does not emulate (for MSK: state transitions, update calls, bootstrap brokers,
configurations, SCRAM secret association) is covered by unit tests on botocore's Stubber.
"""
import os
import signal
import subprocess
import sys
import time
import urllib.request

from testbed.kafka import free_port

REGION = "eu-west-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class MotoServer(object):
    def __init__(self, log_dir=None):
        self.port = None
        self.proc = None
        self.log_dir = log_dir
        self._log = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, timeout=30):
        self.port = free_port()
        binary = os.path.join(os.path.dirname(sys.executable), "moto_server")
        if not os.path.exists(binary):
            raise RuntimeError("moto_server is not installed in %s: pip install 'moto[server]' "
                               "(requirements-dev.txt)" % os.path.dirname(sys.executable))
        if self.log_dir:
            self._log = open(os.path.join(self.log_dir, "moto_server.log"), "wb")
        self.proc = subprocess.Popen([binary, "-H", "127.0.0.1", "-p", str(self.port)],
                                     stdout=self._log or subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("moto_server exited with %s" % self.proc.returncode)
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=2).read()
                return self
            except OSError:
                if time.time() > deadline:
                    self.stop()
                    raise RuntimeError("moto_server did not answer on %s within %ss"
                                       % (self.url, timeout))
                time.sleep(0.2)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.proc = None
        if self._log:
            self._log.close()
            self._log = None

    def reset(self):
        """Forget every resource (moto's own reset API)."""
        request = urllib.request.Request(self.url + "/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).read()

    def env(self):
        env = dict(CREDENTIALS)
        env.update({"AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION, "AWS_URL": self.url,
                    "AWS_EC2_METADATA_DISABLED": "true"})
        return env

    def client(self, service):
        import boto3
        return boto3.client(service, region_name=REGION, endpoint_url=self.url,
                            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
