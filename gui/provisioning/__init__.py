"""Export of provisioning files and the import dialog."""
