-- Alerts raised by the processor; alert_id is deterministic (contracts deriveAlertId) so redelivery upserts.
CREATE TABLE alerts (
  alert_id     CHAR(64)      NOT NULL,
  tenant_id    VARCHAR(128)  NOT NULL,
  session_id   CHAR(64)      NOT NULL,
  rule         VARCHAR(32)   NOT NULL,
  severity     ENUM('low','medium','high','critical') NOT NULL,
  window_start DATETIME(3)   NOT NULL,
  window_end   DATETIME(3)   NOT NULL,
  -- [{eventId, timestamp, confidence, durationMillis?}], the contracts Evidence shape.
  evidence     JSON          NOT NULL,
  confidence   DECIMAL(5,4)  NOT NULL,
  explanation  VARCHAR(500)  NOT NULL DEFAULT '',
  status       ENUM('open','acknowledged','dismissed') NOT NULL DEFAULT 'open',
  created_at   DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at   DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (alert_id),
  KEY alerts_by_session (tenant_id, session_id, created_at),
  KEY alerts_by_status (tenant_id, status, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
