"""Good practices proposed by members: the multi-step form, uploads, the page and its moderation."""
