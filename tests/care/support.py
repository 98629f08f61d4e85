"""Filling in the health form as a client would, and reading what a page shows."""

import html
import re

from django.urls import reverse

from care import questions as q

# Every answer a test may look for in a page, an email, a log or a raw database row.
ANSWERS = {
    "about": {
        "date_of_birth": "1971-05-14",
        "emergency_name": "Alex Brennan",
        "emergency_phone": "(406) 555-0110",
        "emergency_relation": "Partner",
        "heard_about": "friend",
    },
    "pain": {
        "regions": ["lower_back", "left_leg"],
        "pain_now": "6",
        "worse": "Sitting through long meetings",
        "better": "Swimming laps",
        "since": "months",
    },
    "history": {
        **{flag.code: "no" for flag in q.CONTRAINDICATIONS},
        "conditions": "Mild asthma since childhood",
        "medications": "Albuterol inhaler",
    },
    "signs": {flag.code: "no" for flag in q.RED_FLAGS},
    "preferences": {
        "pressure": "firm",
        "avoid_areas": "My left knee",
        "therapist_gender": "woman",
        "chaperone": "on",
        "other": "Quiet music please",
    },
    "consent": {
        "agree": "on",
        "full_name": "Ruth Andersen",
        "signed_on": "2026-12-07",
        "consent_version": "1",
    },
}
# Free text typed by the client: none of it may appear anywhere it should not.
SECRETS = [
    "Alex Brennan",
    "Sitting through long meetings",
    "Swimming laps",
    "Mild asthma since childhood",
    "Albuterol inhaler",
    "My left knee",
    "Quiet music please",
]


def step_url(booking, step: str) -> str:
    return reverse("care:step", args=[booking.token, step])


def post_step(client, booking, step: str, action: str = "next", key=None, **changes):
    """One step as a client sends it; `key` ({"k": ...}) when they came from an email."""
    data = {**ANSWERS[step], **changes, "action": action}
    data = {name: value for name, value in data.items() if value is not None}
    query = f"?k={key['k']}" if key else ""
    return client.post(step_url(booking, step) + query, data)


def fill_in(client, booking, key=None, **changes):
    """Every step, in order; `changes` maps "step__field" to a value (None leaves it out)."""
    response = None
    for step in q.STEP_NAMES:
        mine = {
            key.split("__", 1)[1]: value
            for key, value in changes.items()
            if key.split("__", 1)[0] == step
        }
        response = post_step(client, booking, step, key=key, **mine)
        assert response.status_code == 302, (step, text(response)[:3000])
    return response


def text(response) -> str:
    return html.unescape(response.content.decode())


def visible_text(response) -> str:
    """The page's text without tags, for phrases split by markup."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())
