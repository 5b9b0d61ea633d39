"""Asking the people behind a practice (issue 19 item 2): a member writes through the portal.

The message goes by e-mail to the practice's contact with the member's address as Reply-To,
and a copy to the member; the contact's address is never shown (not in the form, the answer or
the copy). Rate limits per member keep the relay from becoming a spam channel.
"""
