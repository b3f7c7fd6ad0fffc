"""Voice profiles and casting: who speaks each part, and in which voice (gender, names)."""
