"""The sign-in settings the team-mode AppTests give Streamlit (a helper module, not a test file).

A provider that is never contacted: AppTest signs people in through ``at.user``, so only the
shape of the ``[auth]`` section matters.
"""

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-that-is-long-enough",
    "client_id": "readybed",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
