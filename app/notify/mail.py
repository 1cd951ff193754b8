"""Sending mail through the SMTP server of config.py.

MAIL_SERVER (empty: no mail is sent), MAIL_PORT, MAIL_USE_TLS (STARTTLS),
MAIL_USE_SSL (SMTP over TLS), MAIL_USERNAME, MAIL_PASSWORD, MAIL_DEFAULT_SENDER
(e.g. "HoSo CBCCVC <no-reply@sonoivu.gov.vn>") and MAIL_TIMEOUT. Messages are
UTF-8: a Vietnamese subject is encoded per RFC 2047, the body as text/plain with an
HTML alternative when the caller gives one.
Nothing here logs a message's body or its recipient.
"""
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app


class MailError(Exception):
    """Sending failed; ``str()`` says why without the recipient's address.
    ``unreachable``: the server could not be reached at all (the next message
    would fail the same way)."""

    def __init__(self, message, unreachable=False):
        super().__init__(message)
        self.unreachable = unreachable


def enabled(config=None):
    config = config if config is not None else current_app.config
    return bool(config.get("MAIL_SERVER"))


def build_message(sender, to, subject, body, html=None, message_id=None):
    """A UTF-8 message: the plain text, and ``html`` as its alternative when given;
    ``message_id`` keeps the same id on every try of one mail."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = message_id or make_msgid(domain=domain)
    message.set_content(body, charset="utf-8")
    if html:
        message.add_alternative(html, subtype="html", charset="utf-8")
    return message


class Mailer:
    """One SMTP connection for several messages, opened at the first send.

        with Mailer(app.config) as mailer:
            mailer.send("a@example.vn", "Chủ đề", "Nội dung")
    """

    def __init__(self, config=None):
        self.config = config if config is not None else current_app.config
        self._smtp = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _connect(self):
        c = self.config
        host, port, timeout = c["MAIL_SERVER"], int(c.get("MAIL_PORT") or 25), \
            float(c.get("MAIL_TIMEOUT") or 10)
        context = ssl.create_default_context()
        if c.get("MAIL_USE_SSL"):
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if c.get("MAIL_USE_TLS") and not c.get("MAIL_USE_SSL"):
                smtp.starttls(context=context)
            if c.get("MAIL_USERNAME"):
                smtp.login(c["MAIL_USERNAME"], c.get("MAIL_PASSWORD", ""))
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, to, subject, body, html=None, message_id=None):
        """Send one message; raises MailError (the connection is dropped then)."""
        message = build_message(self.config["MAIL_DEFAULT_SENDER"], to, subject, body,
                                html=html, message_id=message_id)
        try:
            if self._smtp is None:
                try:
                    self._smtp = self._connect()
                except (smtplib.SMTPException, OSError) as exc:
                    raise MailError(describe(exc, to), unreachable=True) from None
            self._smtp.send_message(message)
        except (smtplib.SMTPException, OSError, ValueError) as exc:
            self.close()
            raise MailError(describe(exc, to)) from None

    def close(self):
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


def describe(exc, address=None):
    """What went wrong, short, with the recipient's address taken out."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _msg in exc.recipients.values()})
        text = "recipient refused (%s)" % ", ".join(str(code) for code in codes)
    elif isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error
        if isinstance(reply, bytes):
            reply = reply.decode("utf-8", "replace")
        text = "%d %s" % (exc.smtp_code, reply)
    else:
        text = str(exc) or type(exc).__name__
    text = "%s: %s" % (type(exc).__name__, text)
    if address:
        text = text.replace(address, "<recipient>")
    return " ".join(text.split())[:500]

