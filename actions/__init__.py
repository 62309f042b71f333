"""Custom actions of the assistant, one module per concern. Importing the package
registers every action with the rasa_sdk action server."""
from actions import childcare, department, leave, money, policy_search, service  # noqa: F401
