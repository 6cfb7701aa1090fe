"""The core every site shares: app factory, configuration, database and the features."""
