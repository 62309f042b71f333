"""Custom actions of the assistant, one module per concern. The action server imports
every submodule of this package (rasa_sdk's register_package), so nothing is imported
here: channels can use actions.templates without loading the actions."""
