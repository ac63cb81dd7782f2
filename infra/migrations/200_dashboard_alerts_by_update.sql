-- Dashboard live feed: alerts of a tenant changed since a cursor (SSE poll every ~500 ms) as one index range.
ALTER TABLE alerts ADD KEY alerts_by_tenant_updated (tenant_id, updated_at);
