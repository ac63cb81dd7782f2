-- The audit actor is the proctor token's `sub`, which contracts allow up to 256 characters (004 had 128).
ALTER TABLE audit_log MODIFY actor VARCHAR(256) NOT NULL;
