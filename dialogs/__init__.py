"""The pure core of reportbot: templates, field parsers, the conversation engine and its messages.

Nothing in this package does I/O, reads a clock or draws random numbers: time and ids are arguments.
"""
