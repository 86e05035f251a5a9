"""Read-time links: a build's link table and the views the page, the API and the CLI show."""
