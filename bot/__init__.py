"""The imperative shell: the runner, the channels, the services and the command line."""
