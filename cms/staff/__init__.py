"""How staff sign in and stay signed in: a second factor, idle timeouts.

policy.py says who is held to which rule, sessions.py ends idle sessions, mfa.py and
enrolment.py are the second factor (django-otp devices and the admin's views over them).
"""
