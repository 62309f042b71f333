"""The web chat page: static files in this folder, served by `python -m bot.web.serve`."""
