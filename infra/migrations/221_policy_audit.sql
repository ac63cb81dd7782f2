-- Every policy change and every erasure, for admins: who, when, and the values before and after.
-- An erasure row is the tombstone: it names the actor and counts, never the erased candidate's data.
CREATE TABLE policy_audit (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id        VARCHAR(128)  NOT NULL,
  exam_schedule_id VARCHAR(128)  NOT NULL DEFAULT '',
  actor            VARCHAR(256)  NOT NULL,
  action           VARCHAR(32)   NOT NULL,
  version          INT UNSIGNED  NULL,
  before_value     JSON          NULL,
  after_value      JSON          NULL,
  created_at       DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY policy_audit_by_tenant (tenant_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
