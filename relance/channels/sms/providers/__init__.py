"""SMS transports: local (file, console) and HTTP providers (Twilio, Brevo, OVHcloud)."""

from relance.channels.sms.providers.base import validate_sender_id
from relance.channels.sms.providers.brevo import BrevoTransport
from relance.channels.sms.providers.local import ConsoleTransport, FileTransport
from relance.channels.sms.providers.ovh import OvhTransport
from relance.channels.sms.providers.twilio import TwilioTransport

__all__ = [
    "BrevoTransport",
    "ConsoleTransport",
    "FileTransport",
    "OvhTransport",
    "TwilioTransport",
    "validate_sender_id",
]
