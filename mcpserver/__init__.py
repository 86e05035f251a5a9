"""kb as a Model Context Protocol server (stdio or HTTP): tools over the library, no Flask."""
