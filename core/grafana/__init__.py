"""What Grafana and the CQL plugins do: templating, time ranges, plugin flavors, data frames, the plugins'
responses and the compatibility report."""
