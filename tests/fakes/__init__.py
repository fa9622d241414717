"""One hand-written fake per port, for tests of the kernel without I/O."""
