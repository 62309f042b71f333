"""Custom Rasa input channels (registered in credentials.yml by class path). Importing
them (Rasa does, from credentials.yml) also masks phone and ID-card numbers in this
process's logs."""
from bot.privacy import install_log_masking

install_log_masking()
