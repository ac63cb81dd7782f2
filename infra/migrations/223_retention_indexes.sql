-- Retention and erasure find their rows by index: sessions by tenant and age, or by tenant and candidate; the
-- session's alerts, snapshots and audit entries through their (tenant_id, session_id, …) keys.
ALTER TABLE sessions
  ADD KEY sessions_by_tenant_started (tenant_id, started_at),
  ADD KEY sessions_by_tenant_user (tenant_id, user_id);
