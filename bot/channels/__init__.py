"""Channel adapters: how a channel's updates become engine events and how replies are sent (console now)."""
