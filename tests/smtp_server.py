"""A real SMTP server for tests (aiosmtpd), on 127.0.0.1 and a free port.

    with running_smtp_server() as server:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(server.port))
        ...
        assert server.messages[0]["To"] == "hang@example.vn"

``messages`` are email.message.EmailMessage objects parsed with
email.policy.default: ``msg["Subject"]`` and ``msg.get_content()`` are decoded text.
"""
import contextlib
import email
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


class _Collector:
    def __init__(self, server):
        self.server = server

    async def handle_DATA(self, smtp_server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self.server.lock:
            if self.server.refusals > 0:      # a server that is busy for a while
                self.server.refusals -= 1
                self.server.refused.append(message["Message-ID"])
                return "451 4.3.0 Try again later"
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.server.messages.append(message)
        return "250 OK"


class SmtpServer:
    """What the running server received: ``messages`` and their ``envelopes``
    ((MAIL FROM, [RCPT TO, ...]) each)."""

    def __init__(self, port):
        self.host, self.port = "127.0.0.1", port
        self.messages, self.envelopes = [], []
        self.refusals, self.refused = 0, []
        self.lock = threading.Lock()

    def clear(self):
        with self.lock:
            self.messages.clear()
            self.envelopes.clear()
            self.refusals, self.refused = 0, []

    def refuse_next(self, count):
        """Answer the next ``count`` messages "451 try again later"."""
        with self.lock:
            self.refusals = count

    def wait_for(self, count, timeout=5.0):
        """Wait until ``count`` messages arrived (delivery is synchronous in the
        app, so this is only a guard); returns the messages."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.messages)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_smtp_server():
    """Start an SMTP server for the block; yields the SmtpServer."""
    server = SmtpServer(free_port())
    # SMTPUTF8 on, so that a client may send UTF-8 headers; ours encodes them anyway
    controller = Controller(_Collector(server), hostname=server.host, port=server.port,
                            enable_SMTPUTF8=True)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
