enum TriggersNamespace {}
