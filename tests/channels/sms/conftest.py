from tests.channels.sms.provider_server import provider  # noqa: F401  (the fake SMS provider)
