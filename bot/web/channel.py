"""Old class path, kept because credentials files already deployed name it
(`bot.web.channel.SocketIOInput:`); the channel is bot/channels/socketio.py."""
from bot.channels.socketio import SocketIOInput

__all__ = ["SocketIOInput"]
