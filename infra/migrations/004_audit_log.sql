-- Append-only record of what proctors did (acknowledge, dismiss, note) and to which session or alert.
CREATE TABLE audit_log (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id   VARCHAR(128)  NOT NULL,
  session_id  CHAR(64)      NOT NULL,
  alert_id    CHAR(64)      NULL,
  actor       VARCHAR(128)  NOT NULL,
  action      VARCHAR(32)   NOT NULL,
  note        VARCHAR(2000) NULL,
  created_at  DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY audit_by_session (tenant_id, session_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
