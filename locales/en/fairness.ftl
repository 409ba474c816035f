# The per-person throttle (bot/fairness.py): said once when someone sends too much too fast.

throttle-slow-down = 🐢 A little slower, please! Messages this close together are not read; wait a few seconds, then send your last one again.
