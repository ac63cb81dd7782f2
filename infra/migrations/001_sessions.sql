-- One row per proctoring session (sessionId = contracts deriveSessionId); the processor upserts it from Kafka.
CREATE TABLE sessions (
  session_id       CHAR(64)      NOT NULL,
  tenant_id        VARCHAR(128)  NOT NULL,
  exam_schedule_id VARCHAR(128)  NOT NULL,
  user_id          VARCHAR(128)  NOT NULL,
  attempt_no       INT           NOT NULL,
  status           VARCHAR(16)   NOT NULL DEFAULT 'active',
  exam_config      JSON          NOT NULL,
  started_at       DATETIME(3)   NOT NULL,
  ended_at         DATETIME(3)   NULL,
  last_seen_at     DATETIME(3)   NULL,
  risk_score       DECIMAL(5,2)  NOT NULL DEFAULT 0,
  updated_at       DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (session_id),
  KEY sessions_by_schedule_status (tenant_id, exam_schedule_id, status),
  KEY sessions_by_schedule_risk (tenant_id, exam_schedule_id, risk_score)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
