"""What pages that are not author pages look like: sign-in and consent interstitials, captchas,
searches that found nothing. Phrases and URL marks only, no site's class names; a new wording
means editing this file only."""
from __future__ import annotations

import re

NAME = "html_page"

# --- sign-in ---------------------------------------------------------------------------------------
# A heading (or the title) asking to sign in, and a login field or a login URL on the page.
SIGN_IN_HEADING = re.compile(r"^(?:sign in|sign-in|log in|login|log on|sign on)\b", re.I)
SIGN_IN_FIELDS = ('input[type="password"]', 'input[type="email"]', 'input[name="identifier"]',
                  'input[name="username"]', 'input[name="login"]', 'input[autocomplete="username"]')
SIGN_IN_URL = re.compile(r"accounts\.google\.com|/signin\b|/sign_in\b|/login\b|ServiceLogin|"
                         r"/oauth2?/|/sso/|/idp/", re.I)
# Where a sign-in page says what it was for: "to continue to Google Scholar Citations".
CONTINUE_TO = re.compile(r"^to continue to\s+(?P<what>.+)$", re.I)

# --- consent / cookie wall -----------------------------------------------------------------------
CONSENT_URL = re.compile(r"consent\.(?:google|youtube)\.com|/consent\b", re.I)
CONSENT_TEXT = (re.compile(r"\bBefore you continue\b", re.I),
                re.compile(r"\bWe use cookies\b.*\b(?:Accept all|Reject all|I agree)\b", re.I | re.S))
# A consent wall shows little else; a real page with a cookie banner has its content too.
CONSENT_MAX_TEXT = 4000

# --- captcha / bot check -------------------------------------------------------------------------
CAPTCHA_TEXT = re.compile(
    r"unusual traffic from your computer network|not a robot|verify (?:that )?you are (?:a )?human|"
    r"checking (?:if the site connection is secure|your browser before accessing)|"
    r"complete the security check|please solve (?:this|the) (?:captcha|puzzle)", re.I)
CAPTCHA_MARKUP = re.compile(r"g-recaptcha|recaptcha/api\.js|h-captcha|hcaptcha\.com|cf-challenge|"
                            r"challenges\.cloudflare\.com|id=\"?gs_captcha|/sorry/index", re.I)
CAPTCHA_MAX_TEXT = 6000

# --- search with no results ------------------------------------------------------------------------
NO_RESULTS = re.compile(
    r"\bno (?:results|matches|matching (?:documents|papers|authors|results)|documents|articles|"
    r"papers|authors|publications)(?: were)? found\b|did not match any (?:articles|documents|"
    r"results|authors)|\bno results for\b|\b0 results\b|\bfound 0 (?:results|papers|authors)\b|"
    r"\bnothing (?:was )?found\b", re.I)
NO_RESULTS_MAX_TEXT = 8000

# How much of the rendered text a reason quotes.
QUOTE_CHARS = 120
