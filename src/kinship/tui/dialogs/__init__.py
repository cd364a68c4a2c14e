"""Dialogs: one modal screen per file, each a typed ``ModalScreen[T]`` (the frogmouth and
harlequin shape). :mod:`.base` holds what the forms share.

Nothing is imported here: screens import the dialog they open inside the action that opens
it, so starting the app loads none of them.
"""
