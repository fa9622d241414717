"""Notification adapters: the inbox-first notifier, the SMTP mailer and the SMS senders."""
