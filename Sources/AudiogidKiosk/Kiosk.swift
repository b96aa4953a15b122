enum KioskNamespace {}
