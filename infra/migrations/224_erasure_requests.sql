-- Erasure requests: the dashboard records an admin's request, the processor's lifecycle job carries it out and
-- then clears user_id, so after completion the row holds who asked, when, and counts, never the candidate's id.
CREATE TABLE erasure_requests (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id     VARCHAR(128)  NOT NULL,
  user_id       VARCHAR(128)  NULL,
  requested_by  VARCHAR(256)  NOT NULL,
  requested_at  DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  completed_at  DATETIME(3)   NULL,
  counts        JSON          NULL,
  PRIMARY KEY (id),
  KEY erasure_pending (completed_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
