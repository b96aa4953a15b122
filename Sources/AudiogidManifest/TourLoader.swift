enum ManifestNamespace {}
