"""Old class path, kept because endpoints files already deployed name it
(`type: bot.tracker_store.FastSQLTrackerStore`); the store is bot/server/tracker_store.py."""
from bot.server.tracker_store import FastSQLTrackerStore

__all__ = ["FastSQLTrackerStore"]
