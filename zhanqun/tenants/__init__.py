"""Tenants (站点): the model, Host → tenant resolution, query scoping and provisioning."""
