enum StoreNamespace {}
