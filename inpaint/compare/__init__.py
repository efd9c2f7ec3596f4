"""Turn a sweep of training runs into the answer a reader wants: which configuration, by how
much, at what cost, and whether the difference is larger than the noise between seeds."""
