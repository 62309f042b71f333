"""Serving: the Rasa server entry point (main.py), the gated patches of Rasa's hot spots
(speedups.py, rasa_version.py) and the tracker and lock stores. Imports nothing itself."""
