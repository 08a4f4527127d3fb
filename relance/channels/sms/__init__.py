"""The SMS channel: short per-level texts, measured in GSM-7 or UCS-2 units and segments."""

from relance.channels.sms.encoding import SmsInfo, analyse, fits, gsm_friendly, is_gsm7

__all__ = ["SmsInfo", "analyse", "fits", "gsm_friendly", "is_gsm7"]
