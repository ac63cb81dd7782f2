-- Risk score per session per time bucket; (session_id, bucket_start) is the key, so a replay overwrites.
CREATE TABLE risk_snapshots (
  session_id    CHAR(64)      NOT NULL,
  bucket_start  DATETIME(3)   NOT NULL,
  tenant_id     VARCHAR(128)  NOT NULL,
  score         DECIMAL(5,2)  NOT NULL,
  -- The explanation: [{rule, points, alertId?}], the contracts RiskContribution shape.
  contributions JSON          NOT NULL,
  created_at    DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (session_id, bucket_start),
  KEY risk_by_session (tenant_id, session_id, bucket_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
