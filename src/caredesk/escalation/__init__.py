"""Care alerts raised once, escalated through the live assignment, acknowledged; incident drafts."""
